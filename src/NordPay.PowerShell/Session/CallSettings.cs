using System;
using System.Management.Automation;
using System.Net;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Session
{
    /// <summary>Turns the retry, timeout and proxy parameters into client options: one place for both the session and the call.</summary>
    internal static class CallSettings
    {
        private static readonly string[] ProxySchemes = { "http", "https", "socks4", "socks4a", "socks5" };

        public static NordPayClientOptions Apply(NordPayClientOptions options, int? maximumRetryCount, double? retryIntervalSec,
            double? retryTimeLimitSec, double? timeoutSec, Uri? proxy, PSCredential? proxyCredential, bool? proxyUseDefaultCredentials)
        {
            var result = options with
            {
                MaximumRetryCount = maximumRetryCount ?? options.MaximumRetryCount,
                RetryInterval = retryIntervalSec is { } interval ? TimeSpan.FromSeconds(interval) : options.RetryInterval,
                RetryTimeLimit = retryTimeLimitSec is { } limit ? TimeSpan.FromSeconds(limit) : options.RetryTimeLimit,
                Timeout = timeoutSec is { } timeout ? TimeSpan.FromSeconds(timeout) : options.Timeout,
            };
            if (proxy == null && proxyCredential == null && proxyUseDefaultCredentials == null) return result;

            var (given, inUri) = proxy == null ? (null, null) : SplitUserInfo(proxy);
            if (inUri != null && proxyCredential != null)
                throw new NordPayException("InvalidProxy", ErrorKind.InvalidArgument,
                    "The proxy's credential was given twice: in the proxy URI and with -ProxyCredential.", "Proxy",
                    recommendedAction: "Give it once, preferably with -ProxyCredential, and the proxy URI without user:password@.");
            var address = given ?? options.Proxy?.Address
                ?? throw new NordPayException("ProxyNotSet", ErrorKind.InvalidArgument,
                    "-ProxyCredential and -ProxyUseDefaultCredentials need a proxy: give -Proxy too.", "Proxy",
                    recommendedAction: "Add -Proxy http://proxy.example:8080/.");
            var credential = proxyCredential?.GetNetworkCredential() ?? inUri ?? (proxy == null ? options.Proxy?.Credential : null);
            return result with
            {
                Proxy = new ProxySettings(address, credential,
                    proxyUseDefaultCredentials ?? (proxy == null && (options.Proxy?.UseDefaultCredentials ?? false))),
            };
        }

        private static (Uri Address, NetworkCredential? Credential) SplitUserInfo(Uri proxy)
        {
            if (!proxy.IsAbsoluteUri || Array.IndexOf(ProxySchemes, proxy.Scheme.ToLowerInvariant()) < 0 || proxy.Host.Length == 0)
                throw new NordPayException("InvalidProxy", ErrorKind.InvalidArgument,
                    "The proxy is not an absolute http, https or socks URI with a host.", "Proxy",
                    recommendedAction: "Give it as http://proxy.example:8080/, and its credential with -ProxyCredential.");
            return ProxySettings.SplitUserInfo(proxy);
        }

        /// <summary>Settings as the configuration cmdlets show them: the proxy's user, never its password.</summary>
        public static NordPayConfiguration Describe(NordPayClientOptions options) =>
            new NordPayConfiguration(options.MaximumRetryCount, options.RetryInterval.TotalSeconds, options.RetryTimeLimit.TotalSeconds,
                options.Timeout.TotalSeconds, options.Proxy?.Address, options.Proxy?.Credential?.UserName, options.Proxy?.UseDefaultCredentials ?? false);
    }
}
