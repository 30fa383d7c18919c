using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NordPay.Core;
using NordPay.Models;
using NordPay.Module;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Removes a profile's payout policy, or a part of it: a currency's limits (nothing is paid in it while the policy
    /// stands), the address book (any address is paid, within the limits) or the repeat guard (the limits stand).
    /// Each change is confirmed: ConfirmImpact High.
    /// </summary>
    [Cmdlet(VerbsCommon.Remove, "NordPayPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType("None")]
    public sealed class RemoveNordPayPolicyCommand : NordPayPolicyCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Profile { get; set; } = NordPaySession.DefaultProfile;

        [Parameter]
        public NordPayKeyScope[] Scope { get; set; } = { NordPayKeyScope.Process };

        /// <summary>Removes only these currencies' limits.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        [ValidateNotNullOrEmpty]
        public string[]? Currency { get; set; }

        /// <summary>Removes only the address book.</summary>
        [Parameter]
        public SwitchParameter AddressBook { get; set; }

        /// <summary>Removes only the repeat guard (Set-NordPayPolicy -RepeatWindow).</summary>
        [Parameter]
        public SwitchParameter RepeatWindow { get; set; }

        protected override void EndProcessing()
        {
            var whole = Currency == null && !AddressBook && !RepeatWindow;
            var (policyFound, bookFound, windowFound) = (false, false, false);
            var currenciesFound = new HashSet<string>(StringComparer.Ordinal);
            foreach (var scope in Scope.Distinct())
            {
                if (Load(Profile, scope) is not { } current) continue;
                if (whole)
                {
                    policyFound = true;
                    var shadowed = scope == NordPayKeyScope.Process && Load(Profile, NordPayKeyScope.CurrentUser) != null;
                    Change(Profile, scope, null, $"Remove policy {current.Name}: " +
                                                 (shadowed ? "the policy persisted for the current user applies again" : $"payouts of profile '{Profile}' are no longer limited"));
                    continue;
                }
                var currencies = (Currency ?? Array.Empty<string>()).Where(c => current.LimitOf(c) != null).Distinct(StringComparer.Ordinal).ToList();
                var book = AddressBook && current.AddressBook != null;
                var window = RepeatWindow && current.RepeatWindowHours != null;
                if (currencies.Count == 0 && !book && !window) continue;
                currenciesFound.UnionWith(currencies);
                bookFound |= book;
                windowFound |= window;
                var parts = new List<string>();
                if (currencies.Count > 0) parts.Add($"remove the limits of {string.Join(", ", currencies)}: nothing is paid in {(currencies.Count == 1 ? "it" : "them")} while the policy stands");
                if (book) parts.Add("remove the address book: payouts may go to any address, within the limits");
                if (window) parts.Add($"remove the repeat guard ({Amount.Format(current.RepeatWindowHours!.Value)} hours): a payout repeating one in NordPay's history is paid, within the limits");
                var changed = current.WithoutLimits(currencies);
                if (book) changed = changed.WithAddressBook(null, null);
                Change(Profile, scope, window ? changed.WithRepeatWindow(null) : changed, string.Join("; ", parts));
            }

            if (whole && !policyFound) NotFound(string.Empty, nameof(Profile));
            if (AddressBook && !bookFound) NotFound(" with an address book", nameof(AddressBook));
            if (RepeatWindow && !windowFound) NotFound(" with a repeat window", nameof(RepeatWindow));
            foreach (var currency in (Currency ?? Array.Empty<string>()).Where(c => !currenciesFound.Contains(c)).Distinct(StringComparer.Ordinal))
                NotFound($" with limits for {currency}", nameof(Currency));
        }

        private void NotFound(string what, string field) =>
            WriteNordPayError(new NordPayException("PolicyNotFound", ErrorKind.ObjectNotFound, $"Profile '{Profile}' has no policy{what} in scope {string.Join(", ", Scope)}.", field,
                recommendedAction: "See the policies with Get-NordPayPolicy -ListAvailable."), Profile);
    }
}
