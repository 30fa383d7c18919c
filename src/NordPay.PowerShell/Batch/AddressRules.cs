using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace NordPay.Batch
{
    /// <summary>
    /// Whether an address is plausible for a network: its shape only (prefix, alphabet, length), not its
    /// checksum. Networks without a rule here accept any address without blanks.
    /// </summary>
    public static class AddressRules
    {
        private const string Base58 = "[1-9A-HJ-NP-Za-km-z]";
        private const string Bech32 = "[02-9ac-hj-np-z]";

        private static readonly (string Shape, Regex Pattern) Evm = ("0x followed by 40 hexadecimal digits", new Regex("^0x[0-9a-fA-F]{40}$"));

        private static readonly Dictionary<string, (string Shape, Regex Pattern)> Rules = new Dictionary<string, (string, Regex)>(StringComparer.OrdinalIgnoreCase)
        {
            ["ERC20"] = Evm, ["BEP20"] = Evm, ["POL"] = Evm, ["AVAXC"] = Evm, ["BASE"] = Evm, ["OP"] = Evm, ["ARB"] = Evm,
            ["GNO"] = Evm, ["LINEA"] = Evm, ["SCR"] = Evm, ["ZK"] = Evm, ["FTM"] = Evm, ["MNT"] = Evm,
            ["TRC20"] = ("T followed by 33 base58 characters", new Regex($"^T{Base58}{{33}}$")),
            ["BTC"] = ("bc1... (bech32) or a base58 address starting with 1 or 3", new Regex($"^(bc1{Bech32}{{11,71}}|[13]{Base58}{{25,34}})$")),
            ["LTC"] = ("ltc1... (bech32) or a base58 address starting with L, M or 3", new Regex($"^(ltc1{Bech32}{{11,71}}|[LM3]{Base58}{{26,33}})$")),
            ["DOGE"] = ("D followed by 25 to 33 base58 characters", new Regex($"^D{Base58}{{25,33}}$")),
        };

        /// <summary>Null when the address is plausible for the network; otherwise the shape it should have.</summary>
        public static string? Problem(string network, string address) =>
            Rules.TryGetValue(network, out var rule) && !rule.Pattern.IsMatch(address) ? rule.Shape : null;
    }
}
