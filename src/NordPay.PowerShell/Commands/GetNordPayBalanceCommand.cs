using System.Linq;
using System.Management.Automation;
using NordPay.Models;
using NordPay.Module;

namespace NordPay.Commands
{
    /// <summary>Shows the merchant's balances: the currencies with a balance, or all with -IncludeZero.</summary>
    [Cmdlet(VerbsCommon.Get, "NordPayBalance")]
    [OutputType(typeof(NordPayBalance))]
    public sealed class GetNordPayBalanceCommand : NordPayApiCmdlet
    {
        /// <summary>Currency names; wildcards allowed.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        public string[]? Currency { get; set; }

        [Parameter]
        public SwitchParameter IncludeZero { get; set; }

        protected override void EndProcessing()
        {
            var wanted = Matching(Currency);
            Connect();
            foreach (var balance in AwaitOrFail(Client.GetBalancesAsync).OrderBy(b => b.Key, System.StringComparer.Ordinal))
            {
                if (!wanted(balance.Key)) continue;
                if (balance.Value == 0m && !IncludeZero) continue;
                WriteObject(new NordPayBalance(balance.Key, balance.Value));
            }
        }
    }
}
