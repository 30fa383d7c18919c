using System.Linq;
using System.Management.Automation;
using NordPay.Models;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>Lists the currencies NordPay supports, with network, decimals, minimum withdrawal and availability.</summary>
    [Cmdlet(VerbsCommon.Get, "NordPayCurrency")]
    [OutputType(typeof(NordPayCurrency))]
    public sealed class GetNordPayCurrencyCommand : NordPayApiCmdlet
    {
        /// <summary>Currency names; wildcards allowed.</summary>
        [Parameter(Position = 0)]
        [SupportsWildcards]
        [ValidateNotNullOrEmpty]
        public string[]? Name { get; set; }

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? Network { get; set; }

        /// <summary>Only currencies that can be withdrawn now (available and withdrawable).</summary>
        [Parameter]
        public SwitchParameter Withdrawable { get; set; }

        protected override bool AllowsAnonymous => true;

        protected override void EndProcessing()
        {
            Connect();
            var currencies = AwaitOrFail(Client.GetCurrenciesAsync);
            Session.Currencies = currencies;
            var named = Matching(Name);
            foreach (var currency in currencies)
            {
                if (!named(currency.Name)) continue;
                if (Network != null && !Network.Contains(currency.Network, System.StringComparer.OrdinalIgnoreCase)) continue;
                if (Withdrawable && !currency.Withdrawable) continue;
                WriteObject(currency);
            }
        }
    }
}
