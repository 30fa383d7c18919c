using System;
using System.Linq;
using System.Security.Cryptography;

namespace NordPay.Addresses
{
    /// <summary>Base58check, as Bitcoin, Litecoin, Dogecoin and Tron addresses use it: base58 text, a 4-byte double SHA-256 checksum.</summary>
    internal static class Base58Check
    {
        private const string Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

        // Addresses are at most 35 characters; decoding is quadratic, so a long paste is refused before it.
        private const int MaxLength = 64;

        /// <summary>The payload (version byte first) of a base58check string, or why there is none.</summary>
        public static DecodeFailure? Decode(string text, out byte[] payload)
        {
            payload = Array.Empty<byte>();
            if (text.Length > MaxLength) return new DecodeFailure($"it is {text.Length} characters long, longer than any base58 address");
            var bad = text.Select((c, i) => (c, i)).FirstOrDefault(x => Alphabet.IndexOf(x.c) < 0);
            if (bad.c != default(char))
                return new DecodeFailure($"'{bad.c}' (character {bad.i + 1}) is not a base58 character (base58 has no 0, O, I or l)");

            var bytes = Decode(text);
            if (bytes.Length < 5) return new DecodeFailure("it is too short for a base58check address");
            var body = bytes.Take(bytes.Length - 4).ToArray();
            if (!Checksum(body).SequenceEqual(bytes.Skip(bytes.Length - 4)))
                return new DecodeFailure("it fails its base58check checksum: a character is wrong, missing or extra", checksum: true);
            payload = body;
            return null;
        }

        private static byte[] Checksum(byte[] body)
        {
            using var sha = SHA256.Create();
            return sha.ComputeHash(sha.ComputeHash(body)).Take(4).ToArray();
        }

        // Base 58 to base 256, big-endian; each leading '1' is a leading zero byte.
        private static byte[] Decode(string text)
        {
            var zeros = text.TakeWhile(c => c == '1').Count();
            var number = new byte[(text.Length - zeros) * 733 / 1000 + 1];
            var length = 0;
            foreach (var c in text.Skip(zeros))
            {
                var carry = Alphabet.IndexOf(c);
                var used = 0;
                for (var k = number.Length - 1; (carry != 0 || used < length) && k >= 0; k--, used++)
                {
                    carry += 58 * number[k];
                    number[k] = (byte)(carry % 256);
                    carry /= 256;
                }
                length = used;
            }
            return new byte[zeros].Concat(number.Skip(number.Length - length).SkipWhile(b => b == 0)).ToArray();
        }
    }
}
