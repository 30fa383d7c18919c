using System;

namespace NordPay.Security
{
    /// <summary>How a persisted key is kept.</summary>
    internal enum KeyStorage
    {
        /// <summary>Encrypted with Windows DPAPI for the current user, in profiles.json.</summary>
        Dpapi,
        /// <summary>A reference to a SecretManagement vault and secret; the key itself is never stored here.</summary>
        Vault,
        /// <summary>A file only its owner can read (mode 0600), by explicit opt-in.</summary>
        PlainTextFile,
    }

    /// <summary>A named profile persisted for the current user: where its key is kept, never the key in clear.</summary>
    internal sealed record PersistedProfile(string Name, Uri BaseUri, KeyStorage Storage, string KeyHint, DateTimeOffset SetAt)
    {
        public string? ProtectedKey { get; init; }
        public string? Vault { get; init; }
        public string? SecretName { get; init; }
        public string? KeyFile { get; init; }
    }
}
