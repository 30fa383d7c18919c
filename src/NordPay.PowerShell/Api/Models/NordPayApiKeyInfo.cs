using System;

namespace NordPay
{
    /// <summary>What is known about the API key in use: where it comes from and its last four characters, never the key.</summary>
    public sealed class NordPayApiKeyInfo
    {
        public NordPayApiKeyInfo(string source, Uri baseUri, string keyHint, DateTimeOffset? setAt)
        {
            Source = source;
            BaseUri = baseUri;
            KeyHint = keyHint;
            SetAt = setAt;
        }

        /// <summary>Session (Set-NordPayApiKey) or Environment (NORDPAY_API_KEY).</summary>
        public string Source { get; }
        public Uri BaseUri { get; }
        public string KeyHint { get; }
        public DateTimeOffset? SetAt { get; }

        public override string ToString() => $"{Source} key {KeyHint} for {BaseUri}";
    }
}
