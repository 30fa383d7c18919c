using System.Collections.Generic;
using NordPay.Core;

namespace NordPay.Api
{
    /// <summary>
    /// The one rule for a confirm, single or multiple: once it may have reached NordPay, its answer proves it paid (a
    /// readable 2xx carrying the withdrawal's id), proves it did not (NordPay refused it with one of its known errors,
    /// or it never left this machine), or proves nothing, and then the payout is in doubt: found in the history or
    /// reported OutcomeUnknown / PayoutInDoubt, never failed and retried. A 429 proves nothing: NordPay documents none,
    /// so it may answer one to a confirm it processed.
    /// </summary>
    internal static class ConfirmEvidence
    {
        // NordPay's own refusals (the documented details, FastAPI validation, key and permission checks) and a 407 from
        // the proxy: answers to a call it did not process.
        private static readonly HashSet<string> Refusals = new HashSet<string>
        {
            "CurrencyNotAvailable", "AmountBelowMinimum", "WithdrawRequestNotFound", "WithdrawRequestExpired", "InsufficientBalance",
            "CurrencyNotFound", "ValidationFailed", "ApiKeyRejected", "AccessDenied", "ProxyAuthenticationRequired",
        };

        // What the transport raises, with no status, for a confirm that never left: no connection, or held back by the rate.
        private static readonly HashSet<string> NeverSent = new HashSet<string> { "ConnectionFailed", "RateLimited" };

        /// <summary>True when the error proves the confirm moved no money, so the row may be tried again.</summary>
        /// <remarks>ResponseImplausible is raised only before a confirm is sent (a request's answer, a reused identifier).</remarks>
        public static bool ProvesNotPaid(NordPayException error) =>
            error.ErrorId == "ResponseImplausible"
            || (error.StatusCode == null ? NeverSent.Contains(error.ErrorId) : Refusals.Contains(error.ErrorId) && error.StatusCode >= 400 && error.StatusCode < 500);

        /// <summary>
        /// Reads a confirm's answer by the rule; throws the refusal, or an OutcomeUnknownException. "Not found" for a
        /// request known to exist (<paramref name="known"/>) may mean it was confirmed already: it proves nothing.
        /// </summary>
        internal static WithdrawConfirmResult Judge(Answer answer, Security.Redactor redactor, bool known)
        {
            NordPayException error;
            if (answer.IsSuccess)
            {
                try
                {
                    return WithdrawConfirmResult.Read(answer.Payload(redactor));
                }
                catch (NordPayException unreadable)
                {
                    error = unreadable;
                }
            }
            else
            {
                error = ApiError.FromResponse(answer.Status, answer.Text, redactor);
            }
            // After an attempt answered 429, a refusal speaks of this attempt only: the earlier one may have consumed the
            // request or spent the balance. "Not found" for a request known to exist may be one another run or a person
            // confirmed. Neither proves nothing was paid.
            if (ProvesNotPaid(error) && !answer.AnsweredBefore && !(error.ErrorId == "WithdrawRequestNotFound" && known)) throw error;
            var earlier = answer.AnsweredBefore ? ", after an earlier attempt was answered 429" : string.Empty;
            throw new OutcomeUnknownException(answer.IsSuccess
                ? $"NordPay answered HTTP {answer.Status}{earlier}, but {error.Message}"
                : $"NordPay answered HTTP {answer.Status}{(string.IsNullOrEmpty(error.ApiDetail) ? string.Empty : " (" + error.ApiDetail + ")")}{earlier}");
        }
    }
}
