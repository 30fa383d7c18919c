using System;
using System.Management.Automation;
using NordPay.Api;

namespace NordPay.Commands
{
    /// <summary>Turns the retry, timeout and proxy parameters into client options: one place for both the session and the call.</summary>
    internal static class CallSettings
    {
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

            var address = proxy ?? options.Proxy?.Address
                ?? throw new NordPayException("ProxyNotSet", ErrorKind.InvalidArgument,
                    "-ProxyCredential and -ProxyUseDefaultCredentials need a proxy: give -Proxy too.", "Proxy",
                    recommendedAction: "Add -Proxy http://proxy.example:8080/.");
            if (!address.IsAbsoluteUri)
                throw new NordPayException("InvalidProxy", ErrorKind.InvalidArgument, $"'{address}' is not an absolute proxy URI.", "Proxy");
            var credential = proxyCredential?.GetNetworkCredential() ?? (proxy == null ? options.Proxy?.Credential : null);
            return result with
            {
                Proxy = new ProxySettings(address, credential,
                    proxyUseDefaultCredentials ?? (proxy == null && (options.Proxy?.UseDefaultCredentials ?? false))),
            };
        }
    }
}
