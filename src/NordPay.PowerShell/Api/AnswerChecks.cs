using System;
using System.Collections.Generic;
using System.Linq;
using NordPay.Core;
using NordPay.Models;
using NordPay.Security;

namespace NordPay.Api
{
    /// <summary>
    /// Checks a withdraw request NordPay created before anything can confirm it: it must echo what was asked, under an
    /// identifier never seen before, with a fee between zero and the amount and an expiry in the near future. A request
    /// that fails is never confirmed.
    /// </summary>
    internal static class AnswerChecks
    {
        // NordPay documents no lifetime (the sandbox and the live examples show 15 minutes); a day is far past any.
        /// <summary>The longest a request may live: one that expires later is refused, so every request confirmed was made at most this long before its expiry.</summary>
        internal static readonly TimeSpan LongestLifetime = TimeSpan.FromDays(1);

        public static void RequireRequest(NordPayWithdrawRequest request, string currency, string address, decimal amount, DateTimeOffset serverNow,
            Redactor redactor)
        {
            string? field = !string.Equals(request.Currency, currency, StringComparison.Ordinal) ? "Currency"
                : !string.Equals(request.Address, address, StringComparison.Ordinal) ? "Address"
                : request.Amount != amount ? "Amount"
                : null;
            if (field != null)
                throw new NordPayException("ResponseMismatch", ErrorKind.InvalidResult,
                    redactor.Redact($"NordPay created request {request.Identifier} for {Amount.Format(request.Amount)} {request.Currency} " +
                                    $"to {request.Address}, which differs from what was asked ({Amount.Format(amount)} {currency} to {address}) in {field}."),
                    field, recommendedAction: DoNotConfirm);
            RequirePlausible(request.Identifier, request.Amount, request.ServiceFee, request.ExpiresAt, serverNow);
        }

        public static void RequireMultipleRequest(NordPayMultipleWithdrawRequest request, string currency,
            IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts, DateTimeOffset serverNow)
        {
            var asked = addressesAndAmounts.Sum(p => p.Value);
            if (request.TotalAmount != asked || request.AddressesCount != addressesAndAmounts.Count || !string.Equals(request.Currency, currency, StringComparison.Ordinal))
                throw new NordPayException("ResponseMismatch", ErrorKind.InvalidResult,
                    $"NordPay created multiple request {request.Identifier} for {request.AddressesCount} addresses and {Amount.Format(request.TotalAmount)} {request.Currency}, " +
                    $"which differs from what was asked ({addressesAndAmounts.Count} addresses, {Amount.Format(asked)} {currency}).", "Amount",
                    recommendedAction: DoNotConfirm);
            RequirePlausible(request.Identifier, request.TotalAmount, request.TotalServiceFee, request.ExpiresAt, serverNow);
        }

        /// <summary>
        /// A request answer must echo what it will pay (for a single request: currency, address and amount): a field it
        /// leaves out cannot be checked against what was asked, whatever NordPay booked.
        /// </summary>
        public static void RequireEchoed(JsonPayload payload, params string[] fields)
        {
            foreach (var field in fields)
            {
                if (payload.OptionalString(field) != null) continue;
                var name = char.ToUpperInvariant(field[0]) + field.Substring(1);
                throw new NordPayException("ResponseMismatch", ErrorKind.InvalidResult,
                    $"NordPay's answer creating withdraw request {payload.OptionalString("identifier") ?? "(no identifier)"} leaves out its {field}: " +
                    "what it would pay cannot be checked against what was asked, so it is not confirmed.", name, recommendedAction: DoNotConfirm);
            }
        }

        /// <summary>A request NordPay answered with an identifier seen before: another request's, so it is never confirmed.</summary>
        public static void RequireNewIdentifier(RequestIdentifiers seen, Guid identifier)
        {
            if (!seen.TryAddNew(identifier)) throw ReusedIdentifier(identifier);
        }

        /// <summary>A confirm is never sent for an identifier NordPay gave to more than one request; one that is, is marked started.</summary>
        public static void RequireConfirmable(RequestIdentifiers seen, Guid identifier)
        {
            if (!seen.TryStartConfirm(identifier)) throw ReusedIdentifier(identifier);
        }

        // Carries the identifier (Data["Identifier"]): the batch asks whether a confirm of it had started.
        private static NordPayException ReusedIdentifier(Guid identifier)
        {
            var error = new NordPayException("ResponseImplausible", ErrorKind.InvalidResult,
                $"NordPay gave identifier {identifier} to more than one withdraw request: which one a confirm of it pays cannot be known, so none is confirmed.",
                "Identifier", recommendedAction: DoNotConfirm);
            error.Data["Identifier"] = identifier;
            return error;
        }

        private const string DoNotConfirm = "Do not confirm this request; let it expire and contact NordPay.";

        private static void RequirePlausible(Guid identifier, decimal amount, decimal? fee, DateTimeOffset expiresAt, DateTimeOffset serverNow)
        {
            string? problem = fee < 0m ? $"a negative service fee ({Amount.Format(fee.Value)})"
                : fee > amount ? $"a service fee ({Amount.Format(fee!.Value)}) larger than the amount ({Amount.Format(amount)})"
                : expiresAt <= serverNow ? $"an expiry ({expiresAt:u}) that has already passed"
                : expiresAt > serverNow + LongestLifetime ? $"an expiry ({expiresAt:u}) more than a day away"
                : null;
            if (problem == null) return;
            throw new NordPayException("ResponseImplausible", ErrorKind.InvalidResult,
                $"NordPay created request {identifier} with {problem}; it is not confirmed.", problem.Contains("expiry") ? "ExpiresAt" : "ServiceFee",
                recommendedAction: DoNotConfirm);
        }
    }
}
