using System;
using System.Collections.Generic;
using System.Linq;

namespace NordPay.Addresses
{
    /// <summary>
    /// The module's own table of the currencies NordPay listed as withdrawable when it was built, with the network each
    /// pays on: what tab completion offers and what Test-NordPayAddress checks with while NordPay's list cannot be read.
    /// </summary>
    internal static class KnownCurrencies
    {
        // NordPay's live list of 2026-07-05, as the official Python SDK's live fixtures show it.
        private static readonly (string Network, string[] Currencies)[] ByNetwork =
        {
            ("BTC", new[] { "BTC" }),
            ("LTC", new[] { "LTC" }),
            ("ERC20", new[] { "ETH", "USDTERC20", "USDCERC20", "LINKERC20", "NEARERC20", "WBTCERC20" }),
            ("BEP20", new[] { "BNB", "USDTBEP20", "USDCBEP20", "ETHBEP20", "AVAXBEP20", "DOGEBEP20", "LINKBEP20", "NEARBEP20", "WBTCBEP20" }),
            ("TRC20", new[] { "TRX", "USDTTRC20", "USDCTRC20", "DOGETRC20", "ETHTRC20", "LTCTRC20", "WBTCTRC20" }),
            ("POL", new[] { "POL", "USDTPOL", "USDCPOL", "LINKPOL", "WBTCPOL" }),
            ("AVAXC", new[] { "AVAX", "USDTAVAX", "USDCAVAX", "LINKAVAX", "WBTCAVAX" }),
            ("BASE", new[] { "ETHBASE", "USDTBASE", "USDCBASE", "LINKBASE", "WBTCBASE" }),
            ("OP", new[] { "ETHOP", "OP", "USDTOP", "USDCOP", "LINKOP", "WBTCOP" }),
            ("GNO", new[] { "xDAI", "GNO", "USDTGNO", "USDCGNO", "LINKGNO", "WBTCGNO" }),
            ("LINEA", new[] { "ETHLINEA", "LINEA", "USDTLINEA", "USDCLINEA", "WBTCLINEA" }),
            ("SCR", new[] { "ETHSCR", "SCR", "USDTSCR", "USDCSCR", "WBTCSCR" }),
            ("ZK", new[] { "USDTZK", "USDCZK", "LINKZK", "WBTCZK" }),
        };

        private static readonly Dictionary<string, string> Networks =
            ByNetwork.SelectMany(n => n.Currencies.Select(c => (Currency: c, n.Network))).ToDictionary(p => p.Currency, p => p.Network, StringComparer.Ordinal);

        /// <summary>The currencies' names, case-sensitive as NordPay spells them.</summary>
        public static IEnumerable<string> Names => Networks.Keys;

        /// <summary>The network <paramref name="currency"/> paid on; null for a currency the table lacks.</summary>
        public static string? NetworkOf(string currency) => Networks.TryGetValue(currency, out var network) ? network : null;
    }
}
