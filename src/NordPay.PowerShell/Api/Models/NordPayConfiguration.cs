using System;
using NordPay.Api;

namespace NordPay
{
    /// <summary>The session's call settings, as Set-NordPayConfiguration and Get-NordPayConfiguration show them.</summary>
    public sealed class NordPayConfiguration
    {
        public NordPayConfiguration(NordPayClientOptions options)
        {
            MaximumRetryCount = options.MaximumRetryCount;
            RetryIntervalSec = options.RetryInterval.TotalSeconds;
            RetryTimeLimitSec = options.RetryTimeLimit.TotalSeconds;
            TimeoutSec = options.Timeout.TotalSeconds;
            Proxy = options.Proxy?.Address;
            ProxyUser = options.Proxy?.Credential?.UserName;
            ProxyUseDefaultCredentials = options.Proxy?.UseDefaultCredentials ?? false;
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
