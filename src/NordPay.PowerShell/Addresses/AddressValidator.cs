using System;
using System.Linq;
using System.Text;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Addresses
{
    /// <summary>
    /// Checks an address against the network NordPay pays a currency on: its format and its checksum (EIP-55 on EVM
    /// networks, base58check on TRC20, BTC, LTC and DOGE, bech32 and bech32m on BTC and LTC), and names the network
    /// of a well-formed address of another one. A network it does not know passes, said so in the note: never a guess.
    /// </summary>
    internal static class AddressValidator
    {
        private static readonly string[] EvmNetworks = { "ERC20", "BEP20", "POL", "AVAXC", "BASE", "OP", "ARB", "GNO", "LINEA", "SCR", "ZK", "FTM", "MNT" };

        private static readonly Format Evm = new Format("an EVM address (ERC20, BEP20 and the other EVM networks)", "0x followed by 40 hexadecimal digits", CheckEvm);
        private static readonly Format Tron = new Format("a TRC20 address", "T followed by 33 base58 characters", a => CheckBase58(a, 0x41));
        private static readonly Format Bitcoin = new Format("a BTC address", "bc1... or a base58 address starting with 1 or 3", a => CheckUtxo(a, "bc", 0x00, 0x05));
        private static readonly Format Litecoin = new Format("an LTC address", "ltc1... or a base58 address starting with L, M or 3", CheckLitecoin);
        private static readonly Format Dogecoin = new Format("a DOGE address", "a base58 address starting with D, A or 9", a => CheckBase58(a, 0x1E, 0x16));
        private static readonly Format BitcoinTestnet = new Format("a Bitcoin testnet address", "tb1... or a base58 address starting with m, n or 2", a => CheckUtxo(a, "tb", 0x6F, 0xC4));
        private static readonly Format[] Formats = { Evm, Tron, Bitcoin, Litecoin, Dogecoin, BitcoinTestnet };

        /// <summary>Checks <paramref name="address"/> for <paramref name="network"/>, the network NordPay lists for <paramref name="currency"/>.</summary>
        public static NordPayAddressCheck Check(string currency, string network, string address)
        {
            NordPayAddressCheck Result(NordPayAddressStatus status, string? problem, string? checksummed = null, string? note = null) =>
                new NordPayAddressCheck(currency, network, address, status, problem, checksummed, note);

            if (address.Length == 0) return Result(NordPayAddressStatus.Invalid, "The address is empty.");
            if (InputText.Hidden(address) is { } hidden)
                return Result(NordPayAddressStatus.Invalid, $"It contains a blank, control or invisible character ({hidden}).");
            if (FormatOf(network) is not { } format)
                return Result(NordPayAddressStatus.NetworkNotChecked, null, address, $"The module does not know {network} addresses: {address} was not checked.");

            var verdict = format.Check(address);
            if (verdict.Failure is not { } failure) return Result(verdict.Status, null, verdict.Checksummed ?? address, verdict.Note);
            var others = Formats.Where(f => f != format && f.Check(address).Failure == null).Select(f => f.Name).ToList();
            if (others.Count > 0)
                return Result(NordPayAddressStatus.WrongNetwork, $"This is {string.Join(" or ", others)}; {currency} pays on {network}.");
            return failure.Checksum
                ? Result(NordPayAddressStatus.ChecksumInvalid, char.ToUpperInvariant(failure.Reason[0]) + failure.Reason.Substring(1) + ".")
                : Result(NordPayAddressStatus.Invalid, $"Not a {network} address ({format.Shape}): {failure.Reason}.");
        }

        private static Format? FormatOf(string network) =>
            EvmNetworks.Contains(network, StringComparer.OrdinalIgnoreCase) ? Evm
            : network.ToUpperInvariant() switch
            {
                "TRC20" => Tron,
                "BTC" => Bitcoin,
                "LTC" => Litecoin,
                "DOGE" => Dogecoin,
                _ => null,
            };

        private static Verdict CheckEvm(string address)
        {
            if (!address.StartsWith("0x", StringComparison.Ordinal)) return Verdict.Failed(new DecodeFailure("it does not start with 0x"));
            var hex = address.Substring(2);
            var index = hex.Select((c, i) => (c, i)).FirstOrDefault(x => !Uri.IsHexDigit(x.c));
            if (index.c != default(char)) return Verdict.Failed(new DecodeFailure($"'{index.c}' (character {index.i + 3}) is not a hexadecimal digit"));
            if (hex.Length != 40) return Verdict.Failed(new DecodeFailure($"it has {hex.Length} hexadecimal digits"));

            var checksummed = Eip55(hex.ToLowerInvariant());
            var upper = hex.Any(char.IsUpper);
            var lower = hex.Any(char.IsLower);
            if (!upper || !lower)
                return new Verdict(NordPayAddressStatus.NoChecksum, checksummed,
                    $"{(upper ? "Its letters are all upper-case" : lower ? "Its letters are all lower-case" : "It has no letters")}, so it carries no EIP-55 checksum and a mistyped character cannot be detected; its checksummed form is {checksummed}.");
            return address == checksummed
                ? new Verdict(NordPayAddressStatus.Verified, checksummed, null)
                : Verdict.Failed(new DecodeFailure("the case of its letters does not match its EIP-55 checksum: a character is wrong", checksum: true));
        }

        /// <summary>EIP-55: each letter upper-case where the Keccak-256 of the lower-case hex has a nibble of 8 or more.</summary>
        private static string Eip55(string lowerHex)
        {
            var hash = Keccak256.Hash(Encoding.ASCII.GetBytes(lowerHex));
            var text = new StringBuilder("0x", 42);
            for (var i = 0; i < lowerHex.Length; i++)
            {
                var nibble = (hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF;
                text.Append(nibble >= 8 ? char.ToUpperInvariant(lowerHex[i]) : lowerHex[i]);
            }
            return text.ToString();
        }

        private static Verdict CheckBase58(string address, params byte[] versions)
        {
            if (Base58Check.Decode(address, out var payload) is { } failure) return Verdict.Failed(failure);
            if (payload.Length != 21) return Verdict.Failed(new DecodeFailure($"it holds {payload.Length - 1} bytes after its version, not 20"));
            if (!versions.Contains(payload[0]))
                return Verdict.Failed(new DecodeFailure($"its version byte is 0x{payload[0]:X2}, not {string.Join(" or ", versions.Select(v => $"0x{v:X2}"))}"));
            return new Verdict(NordPayAddressStatus.Verified, null, null);
        }

        private static Verdict CheckUtxo(string address, string hrp, params byte[] versions) =>
            !address.StartsWith(hrp + "1", StringComparison.OrdinalIgnoreCase) ? CheckBase58(address, versions)
            : SegwitAddress.Decode(hrp, address, out _, out _) is { } failure ? Verdict.Failed(failure)
            : new Verdict(NordPayAddressStatus.Verified, null, null);

        private static Verdict CheckLitecoin(string address)
        {
            var verdict = CheckUtxo(address, "ltc", 0x30, 0x32, 0x05);
            return verdict.Failure == null && address[0] == '3'
                ? new Verdict(verdict.Status, null, "A 3... address is Litecoin's old script-hash form and also Bitcoin's: make sure this one was given for Litecoin.")
                : verdict;
        }

        private sealed class Format
        {
            public Format(string name, string shape, Func<string, Verdict> check)
            {
                Name = name;
                Shape = shape;
                Check = check;
            }

            /// <summary>What an address of this format is called in "This is ...".</summary>
            public string Name { get; }
            public string Shape { get; }
            public Func<string, Verdict> Check { get; }
        }

        private readonly struct Verdict
        {
            public Verdict(NordPayAddressStatus status, string? checksummed, string? note)
            {
                Status = status;
                Checksummed = checksummed;
                Note = note;
                Failure = null;
            }

            private Verdict(DecodeFailure failure)
            {
                Status = default;
                Checksummed = null;
                Note = null;
                Failure = failure;
            }

            public NordPayAddressStatus Status { get; }
            public string? Checksummed { get; }
            public string? Note { get; }
            public DecodeFailure? Failure { get; }

            public static Verdict Failed(DecodeFailure failure) => new Verdict(failure);
        }
    }
}
