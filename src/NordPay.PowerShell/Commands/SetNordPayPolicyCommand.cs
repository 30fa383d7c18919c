using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NordPay.Core;
using NordPay.Models;
using NordPay.Module;
using NordPay.Policy;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Sets a profile's payout policy, for this session (-Scope Process, the default) or persisted for the current user:
    /// a currency's limits per payout, per run and per day (one currency per call, or one per piped row), or an
    /// address book imported from a CSV file. Each change is confirmed: ConfirmImpact High.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "NordPayPolicy", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = LimitSet)]
    [OutputType(typeof(NordPayPolicy))]
    public sealed class SetNordPayPolicyCommand : NordPayPolicyCmdlet
    {
        private const string LimitSet = "Limit";
        private const string AddressBookSet = "AddressBook";
        private const string RepeatWindowSet = "RepeatWindow";

        private NordPayPolicy? _changed;

        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = LimitSet)]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        [AllowNull, AllowEmptyString]
        public string Currency { get; set; } = null!;

        /// <summary>Typed object, as every amount: the module's own invariant parser reads it, never PowerShell's binder.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LimitSet)]
        [AllowNull, AllowEmptyString]
        public object MaxPerPayout { get; set; } = null!;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LimitSet)]
        [AllowNull, AllowEmptyString]
        public object MaxPerRun { get; set; } = null!;

        /// <summary>Optional; an empty CSV cell means no day limit.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, ParameterSetName = LimitSet)]
        [AllowNull, AllowEmptyString]
        public object? MaxPerDay { get; set; }

        /// <summary>A CSV file of Currency, Address and Label, resolved as PowerShell resolves paths and imported whole.</summary>
        [Parameter(Mandatory = true, ParameterSetName = AddressBookSet)]
        [ValidateNotNullOrEmpty]
        public string? AddressBook { get; set; }

        /// <summary>
        /// Hours within which a payout of the same currency, address and amount as a withdrawal in NordPay's history is
        /// refused (PolicyRepeatPayout). Typed object, read exactly as an amount is.
        /// </summary>
        [Parameter(Mandatory = true, ParameterSetName = RepeatWindowSet)]
        [AllowNull, AllowEmptyString]
        public object RepeatWindow { get; set; } = null!;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Profile { get; set; } = NordPaySession.DefaultProfile;

        [Parameter]
        public NordPayKeyScope Scope { get; set; } = NordPayKeyScope.Process;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName != LimitSet) return;
            NextRow();
            NordPayCurrencyLimit limit;
            try
            {
                limit = ReadLimit();
            }
            catch (NordPayException ex)
            {
                WriteRowError(ex, Currency, $" ({Currency})");
                return;
            }
            if (limit.MaxPerDay == null)
                WriteWarning($"{limit.Currency} has no -MaxPerDay. -MaxPerRun bounds one pipeline (one call of a cmdlet), so a loop of pipelines, such as " +
                             "1..5 | ForEach-Object { New-NordPayWithdrawRequest ... | Confirm-NordPayWithdraw }, is bounded only by a day limit.");
            var current = Load(Profile, Scope);
            var action = current == null
                ? $"Create the policy with {limit}; from then on only the currencies it sets limits for are paid"
                : $"Set {limit} (was: {current.LimitOf(limit.Currency)?.ToString() ?? "not paid under this policy"})";
            Apply((current ?? NordPayPolicy.Empty(Profile, Scope)).WithLimit(limit), action);
        }

        protected override void EndProcessing()
        {
            if (AddressBook != null)
            {
                string path;
                IReadOnlyList<NordPayAddressBookEntry> entries;
                try
                {
                    path = ResolveFilePath(AddressBook, nameof(AddressBook));
                    entries = AddressBookFile.Read(path);
                }
                catch (NordPayException ex)
                {
                    throw Terminating(ex, AddressBook);
                }
                var current = Load(Profile, Scope);
                var counts = string.Join(", ", entries.GroupBy(e => e.Currency).Select(g => $"{g.Count()} {g.Key}"));
                var action = $"Set the address book to the {entries.Count} addresses of {path} ({counts}); nothing is paid to any other address"
                             + (current == null ? ", and, with no limits yet, in no currency" : current.AddressBook == null ? string.Empty : $" (was: {current.AddressBook.Count} addresses)");
                Apply((current ?? NordPayPolicy.Empty(Profile, Scope)).WithAddressBook(entries, path), action);
            }
            if (ParameterSetName == RepeatWindowSet)
            {
                decimal hours;
                try
                {
                    hours = ReadAmount(RepeatWindow, nameof(RepeatWindow));
                }
                catch (NordPayException ex)
                {
                    // A window is positive, as an amount is: the guard is turned off by Remove-NordPayPolicy -RepeatWindow, a change that says so.
                    throw Terminating(new NordPayException(ex.ErrorId, ex.Kind, ex.Message, ex.Field,
                        recommendedAction: "Give the window in hours as a positive number, such as 24. Remove-NordPayPolicy -RepeatWindow turns the repeat guard off; -AllowRepeat on a paying call pays its repeats."), RepeatWindow);
                }
                var current = Load(Profile, Scope);
                var action = $"Refuse a payout of the same currency, address and amount as a withdrawal in NordPay's history of the last {Amount.Format(hours)} hours"
                             + (current == null ? "; with no limits yet, nothing is paid in any currency" : string.Empty);
                Apply((current ?? NordPayPolicy.Empty(Profile, Scope)).WithRepeatWindow(hours), action);
            }
            if (PassThru && _changed != null) WriteObject(_changed);
        }

        private void Apply(NordPayPolicy changed, string action)
        {
            var bound = changed.BoundTo(ProfileKey());
            if (Change(Profile, Scope, bound, action)) _changed = bound;
        }

        // The key the profile uses now, which the policy binds wherever it is used; a profile with no key yet is bound by its name only.
        private NordPayPolicyKey? ProfileKey()
        {
            try
            {
                return new KeyResolver(this, Session).ProfileConnection(Profile)?.PolicyKey;
            }
            catch (NordPayException ex)
            {
                // A key that exists but cannot be read is not taken for no key: the policy would bind less than it should.
                throw Terminating(ex, Profile);
            }
        }

        // Limits never decrease from a payout to a run to a day: a missing or extra digit in one of them shows.
        private NordPayCurrencyLimit ReadLimit()
        {
            var currency = InputText.RequireToken(Currency, nameof(Currency));
            var perPayout = ReadAmount(MaxPerPayout, nameof(MaxPerPayout));
            var perRun = ReadAmount(MaxPerRun, nameof(MaxPerRun));
            var perDay = Unwrapped(MaxPerDay) is null or string { Length: 0 } ? (decimal?)null : ReadAmount(MaxPerDay, nameof(MaxPerDay));
            if (perPayout > perRun || perRun > perDay)
                throw new NordPayException("PolicyLimitsInconsistent", ErrorKind.InvalidArgument,
                    perPayout > perRun
                        ? $"-MaxPerPayout {Amount.Format(perPayout)} is more than -MaxPerRun {Amount.Format(perRun)}."
                        : $"-MaxPerRun {Amount.Format(perRun)} is more than -MaxPerDay {Amount.Format(perDay!.Value)}.",
                    perPayout > perRun ? nameof(MaxPerPayout) : nameof(MaxPerDay),
                    recommendedAction: "Check for a missing or extra digit: a payout's limit is at most a run's, and a run's at most a day's.");
            return new NordPayCurrencyLimit(currency, perPayout, perRun, perDay);
        }

        private static decimal ReadAmount(object? value, string parameter)
        {
            try
            {
                return Amount.ParseInput(Unwrapped(value), System.Globalization.CultureInfo.CurrentCulture);
            }
            catch (NordPayException ex)
            {
                throw new NordPayException(ex.ErrorId, ex.Kind, ex.Message, parameter, recommendedAction: ex.RecommendedAction);
            }
        }

        private static object? Unwrapped(object? value)
        {
            var unwrapped = value is PSObject wrapped ? wrapped.BaseObject : value;
            return unwrapped is string text ? text.Trim() : unwrapped;
        }
    }
}
