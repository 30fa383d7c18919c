using System;

namespace NordPay.Addresses
{
    /// <summary>
    /// Keccak-256 as Ethereum uses it (EIP-55): the original Keccak padding (0x01 ... 0x80), not SHA3-256's (0x06).
    /// </summary>
    /// <remarks>
    /// Small implementations here (this, base58check and bech32) rather than a library: a binary module shares one
    /// PowerShell process and load context with every other module, and BouncyCastle or NBitcoin at another version
    /// loaded first by another module would break this one, or this one the other. SHA-256 comes from the
    /// framework. The published vectors and a comparison with BouncyCastle (in the tests only) hold them right.
    /// </remarks>
    internal static class Keccak256
    {
        private const int Rate = 136;

        private static readonly ulong[] RoundConstants =
        {
            0x0000000000000001UL, 0x0000000000008082UL, 0x800000000000808aUL, 0x8000000080008000UL, 0x000000000000808bUL,
            0x0000000080000001UL, 0x8000000080008081UL, 0x8000000000008009UL, 0x000000000000008aUL, 0x0000000000000088UL,
            0x0000000080008009UL, 0x000000008000000aUL, 0x000000008000808bUL, 0x800000000000008bUL, 0x8000000000008089UL,
            0x8000000000008003UL, 0x8000000000008002UL, 0x8000000000000080UL, 0x000000000000800aUL, 0x800000008000000aUL,
            0x8000000080008081UL, 0x8000000000008080UL, 0x0000000080000001UL, 0x8000000080008008UL,
        };

        // The rho rotations and the pi lane order, walked as one cycle through the 24 lanes other than (0, 0).
        private static readonly int[] Rotations = { 1, 3, 6, 10, 15, 21, 28, 36, 45, 55, 2, 14, 27, 41, 56, 8, 25, 43, 62, 18, 39, 61, 20, 44 };
        private static readonly int[] PiLanes = { 10, 7, 11, 17, 18, 3, 5, 16, 8, 21, 24, 4, 15, 23, 19, 13, 12, 2, 20, 14, 22, 9, 6, 1 };

        public static byte[] Hash(byte[] message)
        {
            var state = new ulong[25];
            var offset = 0;
            for (; message.Length - offset >= Rate; offset += Rate) Absorb(state, message, offset);

            var last = new byte[Rate];
            Buffer.BlockCopy(message, offset, last, 0, message.Length - offset);
            last[message.Length - offset] ^= 0x01;
            last[Rate - 1] ^= 0x80;
            Absorb(state, last, 0);

            var digest = new byte[32];
            for (var i = 0; i < digest.Length; i++) digest[i] = (byte)(state[i / 8] >> (8 * (i % 8)));
            return digest;
        }

        private static void Absorb(ulong[] state, byte[] block, int offset)
        {
            for (var lane = 0; lane < Rate / 8; lane++)
            {
                ulong value = 0;
                for (var b = 7; b >= 0; b--) value = (value << 8) | block[offset + 8 * lane + b];
                state[lane] ^= value;
            }
            Permute(state);
        }

        private static void Permute(ulong[] a)
        {
            var c = new ulong[5];
            foreach (var constant in RoundConstants)
            {
                // theta
                for (var x = 0; x < 5; x++) c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
                for (var x = 0; x < 5; x++)
                {
                    var d = c[(x + 4) % 5] ^ RotateLeft(c[(x + 1) % 5], 1);
                    for (var y = 0; y < 25; y += 5) a[y + x] ^= d;
                }
                // rho and pi
                var carried = a[1];
                for (var i = 0; i < PiLanes.Length; i++)
                {
                    var next = a[PiLanes[i]];
                    a[PiLanes[i]] = RotateLeft(carried, Rotations[i]);
                    carried = next;
                }
                // chi
                for (var y = 0; y < 25; y += 5)
                {
                    for (var x = 0; x < 5; x++) c[x] = a[y + x];
                    for (var x = 0; x < 5; x++) a[y + x] = c[x] ^ (~c[(x + 1) % 5] & c[(x + 2) % 5]);
                }
                // iota
                a[0] ^= constant;
            }
        }

        private static ulong RotateLeft(ulong value, int count) => (value << count) | (value >> (64 - count));
    }
}
