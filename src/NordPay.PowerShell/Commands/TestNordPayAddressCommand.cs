using System.Management.Automation;
using NordPay.Api;

namespace NordPay.Commands
{
    /// <summary>
    /// Checks addresses for the network NordPay pays each currency on (format and checksum), as the paying cmdlets
    /// do before sending: for checking a file before a run. Reads only the public currency list; never pays.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "NordPayAddress")]
    [OutputType(typeof(NordPayAddressCheck))]
    public sealed class TestNordPayAddressCommand : NordPayAddressRowCmdlet
    {
        protected override bool AllowsAnonymous => true;

        protected override void ProcessRecord()
        {
            NextRow();
            var address = (Address ?? string.Empty).Trim();
            try
            {
                var check = CheckAddress(InputText.RequireToken(Currency, "Currency"), address);
                NoteAddress(check, Row);
                WriteObject(check);
            }
            catch (NordPayException ex)
            {
                WriteRowError(ex, InputObject ?? (object)$"{Currency} {Address}", $" ({Currency} {address})");
            }
        }
    }
}
