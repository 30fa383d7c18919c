using NordPay.Security;

namespace NordPay.Tests.TestHost;

/// <summary>Stands in for DPAPI on Linux: a reversible transformation, so the stored blob never holds the key in clear.</summary>
internal sealed class TestKeyProtector : IKeyProtector
{
    public bool IsAvailable { get; init; } = true;
    /// <summary>Fails to decrypt, as DPAPI does for another account or machine.</summary>
    public bool FailsToUnprotect { get; init; }
    public int Protected { get; private set; }

    public byte[] Protect(byte[] data)
    {
        Protected++;
        return data.Select(b => (byte)(b ^ 0x5A)).Reverse().ToArray();
    }

    public byte[] Unprotect(byte[] data) =>
        FailsToUnprotect ? throw new System.ComponentModel.Win32Exception(13, "The data is invalid.") : data.Reverse().Select(b => (byte)(b ^ 0x5A)).ToArray();
}
