using System;

namespace NordPay.Models
{
    /// <summary>Which API key is in use and where it comes from, showing only its last four characters, never the key.</summary>
    public sealed record NordPayApiKeyInfo
    {
        public NordPayApiKeyInfo(string source, string profile, Uri baseUri, string keyHint, DateTimeOffset? setAt, string? storage = null)
        {
            Source = source;
            Profile = profile;
            BaseUri = baseUri;
            KeyHint = keyHint;
            SetAt = setAt;
            Storage = storage;
        }

        /// <summary>Call (-ApiKey), Session (Set-NordPayApiKey), Environment (NORDPAY_API_KEY) or CurrentUser (persisted).</summary>
        public string Source { get; }
        public string Profile { get; }
        public Uri BaseUri { get; }
        public string KeyHint { get; }
        public DateTimeOffset? SetAt { get; }
        /// <summary>For persisted keys: Dpapi, Vault or PlainTextFile.</summary>
        public string? Storage { get; }

        public override string ToString() => $"{Source} key {KeyHint} of profile '{Profile}' for {BaseUri}";
    }
}
