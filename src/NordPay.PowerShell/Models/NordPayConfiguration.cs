using System;

namespace NordPay.Models
{
    /// <summary>The session's call settings, as Set-NordPayConfiguration and Get-NordPayConfiguration show them (never the proxy's password).</summary>
    public sealed record NordPayConfiguration
    {
        public NordPayConfiguration(int maximumRetryCount, double retryIntervalSec, double retryTimeLimitSec, double timeoutSec, Uri? proxy,
            string? proxyUser, bool proxyUseDefaultCredentials)
        {
            MaximumRetryCount = maximumRetryCount;
            RetryIntervalSec = retryIntervalSec;
            RetryTimeLimitSec = retryTimeLimitSec;
            TimeoutSec = timeoutSec;
            Proxy = proxy;
            ProxyUser = proxyUser;
            ProxyUseDefaultCredentials = proxyUseDefaultCredentials;
        }

        public int MaximumRetryCount { get; }
        public double RetryIntervalSec { get; }
        public double RetryTimeLimitSec { get; }
        public double TimeoutSec { get; }
        /// <summary>Null: the system and environment proxy.</summary>
        public Uri? Proxy { get; }
        public string? ProxyUser { get; }
        public bool ProxyUseDefaultCredentials { get; }
    }
}
