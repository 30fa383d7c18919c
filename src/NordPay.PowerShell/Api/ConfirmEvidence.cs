using System.Collections.Generic;
using NordPay.Core;

namespace NordPay.Api
{
    /// <summary>
    /// The one rule for a confirm, single or multiple: once it may have reached NordPay, its answer proves it paid (a
    /// readable 2xx carrying the withdrawal's id), proves it did not (NordPay refused it with one of its known errors,
    /// 429, or it never left this machine), or proves nothing, and then the payout is in doubt: found in the history
    /// or reported OutcomeUnknown / PayoutInDoubt, never failed and retried.
    /// </summary>
    internal static class ConfirmEvidence
    {
        // NordPay's own refusals (the documented details, FastAPI validation, key and permission checks, 429), a 407
        // from the proxy, and ConnectionFailed, which the transport raises for a confirm only when nothing was sent.
        private static readonly HashSet<string> Refusals = new HashSet<string>
        {
            "CurrencyNotAvailable", "AmountBelowMinimum", "WithdrawRequestNotFound", "WithdrawRequestExpired", "InsufficientBalance",
            "CurrencyNotFound", "ValidationFailed", "ApiKeyRejected", "AccessDenied", "RateLimited", "ProxyAuthenticationRequired",
            "ConnectionFailed",
        };

        /// <summary>True when the error proves the confirm moved no money, so the row may be tried again.</summary>
        /// <remarks>ResponseImplausible is raised only before a confirm is sent (a request's answer, a reused identifier).</remarks>
        public static bool ProvesNotPaid(NordPayException error) =>
            error.ErrorId == "ResponseImplausible"
            || Refusals.Contains(error.ErrorId) && (error.StatusCode == null ? error.ErrorId == "ConnectionFailed" : error.StatusCode >= 400 && error.StatusCode < 500);

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
            // "Not found" may be the request an earlier attempt (a server processing a call it answered 429), another run or
            // a person consumed: it proves nothing paid only for a request never known to exist, on its first attempt.
            if (ProvesNotPaid(error) && !(error.ErrorId == "WithdrawRequestNotFound" && (known || answer.Attempts > 1))) throw error;
            throw new OutcomeUnknownException(answer.IsSuccess
                ? $"NordPay answered HTTP {answer.Status}, but {error.Message}"
                : $"NordPay answered HTTP {answer.Status}{(string.IsNullOrEmpty(error.ApiDetail) ? string.Empty : " (" + error.ApiDetail + ")")}");
        }
    }
}
