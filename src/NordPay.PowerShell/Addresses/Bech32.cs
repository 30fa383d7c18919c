using System;
using System.Linq;

namespace NordPay.Addresses
{
    internal enum Bech32Variant
    {
        /// <summary>BIP-173: segwit version 0.</summary>
        Bech32,

        /// <summary>BIP-350: segwit versions 1 to 16.</summary>
        Bech32m,
    }

    /// <summary>Bech32 and bech32m strings (BIP-173, BIP-350): a human-readable part, '1', data and a 6-character BCH checksum.</summary>
    internal static class Bech32
    {
        private const string Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
        private const uint Bech32mConstant = 0x2bc830a3;
        private static readonly uint[] Generator = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };

        /// <summary>The lower-case human-readable part, the 5-bit data (checksum removed) and the checksum's variant, or why there are none.</summary>
        public static DecodeFailure? Decode(string text, out string hrp, out byte[] data, out Bech32Variant variant)
        {
            hrp = string.Empty;
            data = Array.Empty<byte>();
            variant = default;
            if (text.Length > 90) return new DecodeFailure($"it is {text.Length} characters long; bech32 allows 90");
            if (text.Any(c => c < 33 || c > 126)) return new DecodeFailure("it has a character outside printable ASCII");
            if (text.Any(char.IsLower) && text.Any(char.IsUpper)) return new DecodeFailure("it mixes upper- and lower-case letters");

            var lower = text.ToLowerInvariant();
            var separator = lower.LastIndexOf('1');
            if (separator < 1) return new DecodeFailure("it has no human-readable part before the separator '1'");
            if (separator + 7 > lower.Length) return new DecodeFailure("its checksum is shorter than 6 characters");
            var values = new byte[lower.Length - separator - 1];
            for (var i = 0; i < values.Length; i++)
            {
                var value = Charset.IndexOf(lower[separator + 1 + i]);
                if (value < 0) return new DecodeFailure($"'{text[separator + 1 + i]}' (character {separator + 2 + i}) is not a bech32 character");
                values[i] = (byte)value;
            }

            hrp = lower.Substring(0, separator);
            var check = Polymod(hrp.Select(c => (byte)(c >> 5)).Append((byte)0).Concat(hrp.Select(c => (byte)(c & 31))).Concat(values));
            if (check != 1 && check != Bech32mConstant)
                return new DecodeFailure("it fails its bech32 checksum: a character is wrong, missing or extra", checksum: true);
            variant = check == 1 ? Bech32Variant.Bech32 : Bech32Variant.Bech32m;
            data = values.Take(values.Length - 6).ToArray();
            return null;
        }

        private static uint Polymod(System.Collections.Generic.IEnumerable<byte> values)
        {
            uint checksum = 1;
            foreach (var value in values)
            {
                var top = checksum >> 25;
                checksum = ((checksum & 0x1ffffff) << 5) ^ value;
                for (var i = 0; i < 5; i++)
                    if (((top >> i) & 1) != 0) checksum ^= Generator[i];
            }
            return checksum;
        }
    }
}
