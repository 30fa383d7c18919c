using System.Management.Automation;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Commands
{
    /// <summary>
    /// Step one of a payout: checks the address for the currency's network and the payout against the profile's policy,
    /// asks NordPay for a withdraw request and emits it with its fee and expiry.
    /// </summary>
    [Cmdlet(VerbsCommon.New, "NordPayWithdrawRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(NordPayWithdrawRequest))]
    public sealed class NewNordPayWithdrawRequestCommand : NordPayAddressRowCmdlet
    {
        private bool? _verbose;

        /// <summary>A string or a number. Typed object on purpose: the module's own invariant parser reads it, never PowerShell's binder.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("Value", "Sum")]
        [AllowNull, AllowEmptyString]
        public object Amount { get; set; } = null!;


        /// <summary>Pays a payout the policy's repeat guard refuses as a repeat of a withdrawal in NordPay's history (PolicyRepeatPayout).</summary>
        [Parameter]
        public SwitchParameter AllowRepeat { get; set; }

        protected override bool AllowsRepeat => AllowRepeat;

        protected override void ProcessRecord()
        {
            if (IsEmptyRow(InputObject)) return;
            NextRow();
            var row = InputObject ?? ParameterRow((nameof(Currency), Currency), (nameof(Address), Address), (nameof(Amount), Amount));
            if (ReadPayoutRow(Currency, Address, Amount, InputObject, row) is not { } payout)
            {
                return;
            }
            var (currency, address, amount) = payout;

            var target = $"{Core.Amount.Format(amount)} {currency} to {address}";
            if (_verbose ??= Wants("Verbose", "VerbosePreference"))
                WriteVerbose($"Row {Row}: amount read exactly as {Core.Amount.Format(amount)} from '{Amount}'.");

            var requesting = false;
            try
            {
                // The address is checked before anything is sent; -WhatIf does not even read the currency list (only a policy's day
                // limit reads the withdraw history, under -WhatIf too).
                if (!WhatIfRequested())
                {
                    var check = CheckAddress(currency, address);
                    if (!check.Valid) throw check.ToError();
                    NoteAddress(check, Row);
                }
                // Checked here as well as at the confirm, which is what pays: a payout over a limit gets no request.
                if (!ProceedWithinPolicy(currency, address, amount, target, "Create NordPay withdraw request", force: false)) return;
                Connect();
                requesting = true;
                WriteObject(Await(token => Client.RequestWithdrawAsync(currency, address, amount, token)));
            }
            catch (NordPayException ex)
            {
                // A request that failed pays nothing, and counts toward no limit.
                if (requesting) PolicyRun?.Release(currency, address, amount);
                WriteRowError(ex, row, $" ({target})");
            }
        }
    }
}
