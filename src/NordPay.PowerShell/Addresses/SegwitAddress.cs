using System;
using System.Collections.Generic;

namespace NordPay.Addresses
{
    /// <summary>Native segwit addresses (BIP-173, BIP-350): a witness version and program behind a network's prefix.</summary>
    internal static class SegwitAddress
    {
        /// <summary>The witness version and program of an address with the given human-readable part, or why there are none.</summary>
        public static DecodeFailure? Decode(string hrp, string address, out int version, out byte[] program)
        {
            version = -1;
            program = Array.Empty<byte>();
            var failure = Bech32.Decode(address, out var prefix, out var data, out var variant);
            if (failure != null) return failure;
            if (prefix != hrp) return new DecodeFailure($"its prefix is '{prefix}', not '{hrp}'");
            if (data.Length == 0) return new DecodeFailure("it has no witness version");
            if (data[0] > 16) return new DecodeFailure($"its witness version {data[0]} does not exist (0 to 16)");
            if (ToBytes(data) is not { } bytes) return new DecodeFailure("its last character carries padding that is not zero, or more than 4 bits of it");
            if (bytes.Length < 2 || bytes.Length > 40) return new DecodeFailure($"its witness program is {bytes.Length} bytes; 2 to 40 are allowed");
            if (data[0] == 0 && bytes.Length != 20 && bytes.Length != 32)
                return new DecodeFailure($"its witness program is {bytes.Length} bytes; version 0 allows 20 or 32");
            if ((data[0] == 0) != (variant == Bech32Variant.Bech32))
                return new DecodeFailure(data[0] == 0
                    ? "it carries a bech32m checksum, but version 0 addresses use bech32: a character is wrong"
                    : "it carries a bech32 checksum, but version 1 and later addresses use bech32m (BIP-350): a character is wrong", checksum: true);
            version = data[0];
            program = bytes;
            return null;
        }

        // The 5-bit groups after the version as bytes; null when the padding is longer than 4 bits or not zero.
        private static byte[]? ToBytes(byte[] data)
        {
            var bytes = new List<byte>();
            int accumulator = 0, bits = 0;
            for (var i = 1; i < data.Length; i++)
            {
                accumulator = ((accumulator << 5) | data[i]) & 0xfff;
                bits += 5;
                if (bits < 8) continue;
                bits -= 8;
                bytes.Add((byte)((accumulator >> bits) & 0xff));
            }
            return bits >= 5 || ((accumulator << (8 - bits)) & 0xff) != 0 ? null : bytes.ToArray();
        }
    }
}
