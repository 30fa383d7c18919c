using System.Linq;
using System.Management.Automation;
using NordPay.Addresses;
using NordPay.Batch;
using NordPay.Core;
using NordPay.Models;
using NordPay.Module;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Base of the cmdlets that take a currency and an address per row (New-NordPayWithdrawRequest,
    /// Test-NordPayAddress): bound by name, position, or property name under the headers payout files use, with
    /// the whole row kept as the TargetObject of its errors, and the address checked for the currency's network.
    /// </summary>
    public abstract class NordPayAddressRowCmdlet : NordPayApiCmdlet
    {
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Asset", "Coin", "Token")]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        [AllowNull, AllowEmptyString]
        public string Currency { get; set; } = null!;

        [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("Destination", "To", "WalletAddress", "Wallet", "Recipient")]
        [AllowNull, AllowEmptyString]
        public string Address { get; set; } = null!;

        /// <summary>The whole input row, kept as the TargetObject of its errors.</summary>
        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        private bool _currenciesRead;
        private bool _checkingWithKnownCurrencies;

        /// <summary>
        /// True when an address may be checked with the module's own table of networks while NordPay's currency list
        /// cannot be read (Test-NordPayAddress: nothing is sent after the check, so the list is not worth a wait).
        /// </summary>
        protected virtual bool ChecksWithKnownCurrencies => false;

        /// <summary>
        /// Checks an address for the network NordPay lists for the currency. The list is read once per session; a
        /// currency the session's list lacks has it read again, once per call, since NordPay may have added it.
        /// A currency NordPay does not list throws. A list that cannot be read throws too, unless the cmdlet checks
        /// with the module's own table instead: then it says so in one warning per call.
        /// </summary>
        protected NordPayAddressCheck CheckAddress(string currency, string address)
        {
            var listed = Session.Currencies?.FirstOrDefault(c => c.Name == currency);
            if (listed == null && !_currenciesRead)
            {
                try
                {
                    Connect();
                    Session.Currencies = Await(Client.GetCurrenciesAsync);
                }
                catch (NordPayException ex) when (ChecksWithKnownCurrencies)
                {
                    WriteWarning($"NordPay's currency list could not be read, so addresses are checked for the networks the module's own table names (NordPay's list as of when it was built): {ex.Message}");
                    _checkingWithKnownCurrencies = true;
                }
                catch (NordPayException ex)
                {
                    throw ex.WithMessage($"NordPay's currency list could not be read, so the address could not be checked and nothing was sent: {ex.Message}");
                }
                _currenciesRead = true;
                listed = Session.Currencies?.FirstOrDefault(c => c.Name == currency);
            }
            var network = listed?.Network
                          ?? (_checkingWithKnownCurrencies ? KnownCurrencies.NetworkOf(currency) : null)
                          ?? throw Preflight.CurrencyNotFound(currency, _checkingWithKnownCurrencies);
            return AddressValidator.Check(currency, network, address);
        }
    }
}
