using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Policy
{
    /// <summary>
    /// A policy's rules, checked before anything is sent, with exact decimals: a payout's own (its currency has limits,
    /// its amount is within the per-payout limit, its address is in the address book), then a run's total per currency
    /// (within the per-run limit and, with what the day already paid, within the per-day limit).
    /// </summary>
    internal static class PolicyRules
    {
        /// <summary>Null when the payout itself is within the policy; otherwise the first rule it breaks.</summary>
        public static NordPayException? CheckPayout(NordPayPolicy policy, string currency, string address, decimal amount)
        {
            var limit = policy.LimitOf(currency);
            if (limit == null)
                return new NordPayException("PolicyCurrencyNotAllowed", ErrorKind.SecurityError,
                    $"Policy {policy.Name} sets no limits for {currency}, so nothing is paid in it.", "Currency",
                    recommendedAction: $"If {currency} is to be paid, give it limits: Set-NordPayPolicy -Currency {currency} -MaxPerPayout <amount> -MaxPerRun <amount>.");
            if (amount > limit.MaxPerPayout)
                return new NordPayException("PolicyPayoutLimitExceeded", ErrorKind.LimitsExceeded,
                    $"{Amount.Format(amount)} {currency} is more than the {Amount.Format(limit.MaxPerPayout)} policy {policy.Name} allows per payout.", "Amount",
                    recommendedAction: "Check the amount (a shifted column, an extra zero); if it is right, raise -MaxPerPayout with Set-NordPayPolicy first.");
            if (!policy.AllowsAddress(currency, address))
                return new NordPayException("PolicyAddressNotInBook", ErrorKind.SecurityError,
                    $"{address} is not in the address book of policy {policy.Name} for {currency}, so nothing is paid to it.", "Address",
                    recommendedAction: "Check the address; if it is right, add it to the address book file and import it again with Set-NordPayPolicy -AddressBook.");
            return null;
        }

        /// <summary>Null when a run's total in the limit's currency (<paramref name="what"/> says whose, and starts the message) is within the per-run limit.</summary>
        public static NordPayException? CheckRun(NordPayPolicy policy, NordPayCurrencyLimit limit, decimal total, string what) =>
            total <= limit.MaxPerRun ? null
                : new NordPayException("PolicyRunLimitExceeded", ErrorKind.LimitsExceeded,
                    $"{what} total {Amount.Format(total)}, more than the {Amount.Format(limit.MaxPerRun)} policy {policy.Name} allows per run.", "Amount",
                    recommendedAction: "Split the payouts into runs within the limit; if the total is right, raise -MaxPerRun with Set-NordPayPolicy first.");

        /// <summary>
        /// Null when a run's total, with what the day already paid and what other runs of this process admitted that the
        /// history may not show yet (<paramref name="othersRunning"/>), is within the per-day limit (or there is none).
        /// </summary>
        public static NordPayException? CheckDay(NordPayPolicy policy, NordPayCurrencyLimit limit, decimal total, DayTotal day, string what, decimal othersRunning = 0m) =>
            limit.MaxPerDay is not { } maximum || day.Paid + othersRunning + total <= maximum ? null
                : new NordPayException("PolicyDayLimitExceeded", ErrorKind.LimitsExceeded,
                    $"{what} total {Amount.Format(total)}; with the {Amount.Format(day.Paid)} {limit.Currency} of {day.Withdrawals} withdrawal(s) NordPay's history " +
                    $"shows on {day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)} (UTC, NordPay's clock; cancelled ones not counted)" +
                    (othersRunning == 0 ? string.Empty : $" and the {Amount.Format(othersRunning)} other runs of this process admitted, which it may not show yet,") +
                    $" that is {Amount.Format(day.Paid + othersRunning + total)}, more than the {Amount.Format(maximum)} policy {policy.Name} allows per day.", "Amount",
                    recommendedAction: "Pay the rest after 00:00 UTC; if the total is right, raise -MaxPerDay with Set-NordPayPolicy first.");

        /// <summary>A batch's totals per currency against the per-run and per-day limits (<paramref name="days"/>: each limited day's total): every one exceeded.</summary>
        public static IEnumerable<NordPayException> CheckBatch(NordPayPolicy policy, IReadOnlyDictionary<string, (int Rows, decimal Total)> totals,
            IReadOnlyDictionary<string, DayTotal> days)
        {
            foreach (var currency in totals.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                // Every row to pay passed CheckPayout, so its currency has limits.
                var limit = policy.LimitOf(currency.Key)!;
                var what = $"The {currency.Value.Rows} rows to pay in {currency.Key}";
                if (CheckRun(policy, limit, currency.Value.Total, what) is { } run) yield return run;
                if (!LimitsDay(policy, currency.Key)) continue;
                // Fails closed: a day limit is never skipped for want of the day's total.
                var day = days.TryGetValue(currency.Key, out var read) ? read : throw new InvalidOperationException($"The day's total of {currency.Key} was not read.");
                if (CheckDay(policy, limit, currency.Value.Total, day, what) is { } perDay) yield return perDay;
            }
        }

        /// <summary>Whether the day's total must be read from the history for a currency: only when the policy limits its day.</summary>
        public static bool LimitsDay(NordPayPolicy policy, string currency) => policy.LimitOf(currency)?.MaxPerDay != null;

        /// <summary>
        /// A confirm by identifier alone under a policy: NordPay has no call that reads a withdraw request back, so its
        /// currency, address and amount are unknown, and a limit it could pass unchecked would limit nothing.
        /// </summary>
        public static NordPayException NeedsRequest(NordPayPolicy policy, Guid identifier) =>
            new NordPayException("PolicyNeedsRequest", ErrorKind.SecurityError,
                $"Withdraw request {identifier} was not confirmed: policy {policy.Name} applies, and an identifier alone carries no currency, address or " +
                "amount to check against it (NordPay has no call that reads a request back).", "Identifier",
                recommendedAction: "Pipe the request objects from New-NordPayWithdrawRequest into Confirm-NordPayWithdraw, which are checked against the policy.");

        /// <summary>A confirm under a policy of a request object built by hand: NordPay pays what it was asked, whatever the object says.</summary>
        public static NordPayException BuiltRequest(NordPayPolicy policy, Guid identifier) =>
            new NordPayException("PolicyNeedsRequest", ErrorKind.SecurityError,
                $"Withdraw request {identifier} was not confirmed: policy {policy.Name} applies, and this request object was built by hand, not read from " +
                "NordPay's answer to New-NordPayWithdrawRequest, so its currency, address and amount may not be the ones NordPay would pay.", "Identifier",
                recommendedAction: "Pipe the request objects from New-NordPayWithdrawRequest into Confirm-NordPayWithdraw, as they are.");

        // A request object's text as PowerShell binds a copy of it: "@{Identifier=<guid>; ...}" (Select-Object) or "... (request <guid>)" (Import-Clixml).
        private static readonly System.Text.RegularExpressions.Regex CopiedRequestText = new System.Text.RegularExpressions.Regex(
            @"^@\{.*\bIdentifier=(?<id>[0-9a-fA-F-]{36})[;}]|\(request (?<id>[0-9a-fA-F-]{36})\)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>The identifier of the request object a bound text is a copy of; null when the text is not one.</summary>
        public static Guid? CopiedRequestIdentifier(string? text) =>
            text != null && CopiedRequestText.Match(text.Trim()) is { Success: true } match && Guid.TryParse(match.Groups["id"].Value, out var identifier)
                ? identifier : (Guid?)null;

        /// <summary>A confirm under a policy of a copy of a request object: only the object read from NordPay's answer, unaltered, is checked and confirmed.</summary>
        public static NordPayException CopiedRequest(NordPayPolicy policy, Guid identifier) =>
            new NordPayException("PolicyNeedsRequest", ErrorKind.SecurityError,
                $"Withdraw request {identifier} was not confirmed: policy {policy.Name} applies, and this is a copy of the request object (made by Select-Object, " +
                "Export-Clixml and Import-Clixml or the like), whose currency, address and amount anyone could have changed. Under a policy only the objects " +
                "read from NordPay's answer, unaltered, are confirmed.", "Identifier",
                recommendedAction: "Pipe the request objects of New-NordPayWithdrawRequest into Confirm-NordPayWithdraw in the same session, as they are; " +
                "for a copy, create the request again (New-NordPayWithdrawRequest) from the original row.");
    }
}
