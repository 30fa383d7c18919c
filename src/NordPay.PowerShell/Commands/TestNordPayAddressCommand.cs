using System.Management.Automation;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Commands
{
    /// <summary>
    /// Checks addresses for the network NordPay pays each currency on (format and checksum), as the paying cmdlets
    /// do before sending: for checking a file before a run. Reads only the public currency list, once, and
    /// checks with the module's own table of networks when it cannot be read; never pays.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "NordPayAddress")]
    [OutputType(typeof(NordPayAddressCheck))]
    public sealed class TestNordPayAddressCommand : NordPayAddressRowCmdlet
    {
        protected override bool AllowsAnonymous => true;

        protected override bool ChecksWithKnownCurrencies => true;

        // The currency list is only worth one attempt here: without it the module's own table serves.
        private protected override NordPayClientOptions SessionOptions => base.SessionOptions with { MaximumRetryCount = 0 };

        protected override void ProcessRecord()
        {
            NextRow();
            var currency = Currency ?? (InputObject == null ? null : Column(InputObject, nameof(Currency), null)?.ToString());
            var address = (Address ?? (InputObject == null ? null : Column(InputObject, nameof(Address), null)?.ToString()) ?? string.Empty).Trim();
            try
            {
                var check = CheckAddress(InputText.RequireToken(currency, "Currency"), address);
                NoteAddress(check, Row);
                WriteObject(check);
            }
            catch (NordPayException ex)
            {
                WriteRowError(ex, InputObject ?? ParameterRow((nameof(Currency), Currency), (nameof(Address), Address)), $" ({currency} {address})");
            }
        }
    }
}
