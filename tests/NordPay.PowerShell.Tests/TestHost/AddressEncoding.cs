using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Org.BouncyCastle.Crypto.Digests;

namespace NordPay.Tests.TestHost;

/// <summary>
/// Makes valid addresses for tests, independently of the module: base58check through BigInteger, EIP-55 through
/// BouncyCastle's Keccak. What the module decodes, this encodes another way.
/// </summary>
internal static class AddressEncoding
{
    private const string Base58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

    /// <summary>The base58check text of a version byte and a body.</summary>
    public static string Base58Check(byte version, byte[] body)
    {
        var payload = new[] { version }.Concat(body).ToArray();
        var data = payload.Concat(SHA256.HashData(SHA256.HashData(payload)).Take(4)).ToArray();
        var number = new BigInteger(data, isUnsigned: true, isBigEndian: true);
        var text = new StringBuilder();
        for (; number > 0; number /= 58) text.Insert(0, Base58[(int)(number % 58)]);
        return new string('1', data.TakeWhile(b => b == 0).Count()) + text;
    }

    /// <summary>The EIP-55 form of a 20-byte address.</summary>
    public static string Eip55(byte[] address)
    {
        var hex = Convert.ToHexString(address).ToLowerInvariant();
        var hash = Keccak256(Encoding.ASCII.GetBytes(hex));
        return "0x" + string.Concat(hex.Select((c, i) => ((hash[i / 2] >> (i % 2 == 0 ? 4 : 0)) & 0xF) >= 8 ? char.ToUpperInvariant(c) : c));
    }

    /// <summary>BouncyCastle's Keccak-256, for comparison with the module's own.</summary>
    public static byte[] Keccak256(byte[] data)
    {
        var digest = new KeccakDigest(256);
        digest.BlockUpdate(data, 0, data.Length);
        var hash = new byte[32];
        digest.DoFinal(hash, 0);
        return hash;
    }

    /// <summary>20 bytes that differ for each seed and name: the body of a test address.</summary>
    public static byte[] Body(string name, int seed) => SHA256.HashData(Encoding.UTF8.GetBytes($"{name}-{seed}")).Take(20).ToArray();
}
