using System;
using System.Net;

namespace NordPay.Api
{
    /// <summary>How calls are made: retries, timeout and proxy. Immutable; override with a 'with' expression.</summary>
    internal sealed record NordPayClientOptions
    {
        public static NordPayClientOptions Default { get; } = new NordPayClientOptions();

        /// <summary>Retries after the first attempt; 0 disables retrying.</summary>
        public int MaximumRetryCount { get; init; } = 3;
        /// <summary>The first backoff; each retry doubles it (with jitter), unless NordPay's Retry-After says otherwise.</summary>
        public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(0.5);
        /// <summary>The most time spent waiting between attempts of one call.</summary>
        public TimeSpan RetryTimeLimit { get; init; } = TimeSpan.FromSeconds(60);
        /// <summary>How long one attempt may take.</summary>
        public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
        /// <summary>Null: the system and environment proxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY).</summary>
        public ProxySettings? Proxy { get; init; }
    }

    /// <summary>An explicit proxy, named as Invoke-RestMethod names its parameters.</summary>
    internal sealed record ProxySettings(Uri Address, NetworkCredential? Credential = null, bool UseDefaultCredentials = false)
    {
        /// <summary>User info in a proxy URI is its credential, URL-decoded: it is taken out, so the address kept and shown carries no password.</summary>
        internal static (Uri Address, NetworkCredential? Credential) SplitUserInfo(Uri proxy)
        {
            if (proxy.UserInfo.Length == 0) return (proxy, null);
            var colon = proxy.UserInfo.IndexOf(':');
            var user = colon < 0 ? proxy.UserInfo : proxy.UserInfo.Substring(0, colon);
            var password = colon < 0 ? string.Empty : proxy.UserInfo.Substring(colon + 1);
            var address = new UriBuilder(proxy) { UserName = string.Empty, Password = string.Empty }.Uri;
            return (address, new NetworkCredential(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password)));
        }
    }
}
