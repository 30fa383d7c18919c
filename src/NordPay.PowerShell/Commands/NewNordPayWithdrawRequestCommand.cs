using System.Management.Automation;
using NordPay.Api;

namespace NordPay.Commands
{
    /// <summary>Step one of a payout: asks NordPay for a withdraw request and emits it with its fee and expiry.</summary>
    [Cmdlet(VerbsCommon.New, "NordPayWithdrawRequest", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(NordPayWithdrawRequest))]
    public sealed class NewNordPayWithdrawRequestCommand : NordPayApiCmdlet
    {
        private bool? _verbose;

        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Asset", "Coin", "Token")]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        [AllowNull, AllowEmptyString]
        public string Currency { get; set; } = null!;

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Destination", "To", "WalletAddress", "Wallet", "Recipient")]
        [AllowNull, AllowEmptyString]
        public string Address { get; set; } = null!;

        /// <summary>A string or a number. Typed object on purpose: the module's own invariant parser reads it, never PowerShell's binder.</summary>
        [Parameter(Position = 2, ValueFromPipelineByPropertyName = true)]
        [Alias("Value", "Sum")]
        [AllowNull, AllowEmptyString]
        public object Amount { get; set; } = null!;

        /// <summary>The whole input row, kept as the TargetObject of its errors.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        protected override void ProcessRecord()
        {
            NextRow();
            object row = InputObject ?? (object)$"{Amount} {Currency} {Address}";
            if (ReadPayoutRow(Currency, Address, Amount, InputObject, row) is not { } payout)
            {
                return;
            }
            var (currency, address, amount) = payout;

            var target = $"{Api.Amount.Format(amount)} {currency} to {address}";
            if (_verbose ??= Wants("Verbose", "VerbosePreference"))
                WriteVerbose($"Row {Row}: amount read exactly as {Api.Amount.Format(amount)} from '{Amount}'.");
            if (!ShouldProceed(target, "Create NordPay withdraw request", force: false)) return;

            try
            {
                WriteObject(Await(token => Client.RequestWithdrawAsync(currency, address, amount, token)));
            }
            catch (NordPayException ex)
            {
                WriteRowError(ex, row, $" ({target})");
            }
        }
    }
}
