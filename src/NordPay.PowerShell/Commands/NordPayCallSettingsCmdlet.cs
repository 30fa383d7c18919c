using System;
using System.Management.Automation;
using NordPay.Api;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// The retry, timeout and proxy parameters, named as Invoke-RestMethod names them: for the session on
    /// Set-NordPayConfiguration, for one call on every cmdlet that calls NordPay.
    /// </summary>
    public abstract class NordPayCallSettingsCmdlet : NordPayCmdlet
    {
        /// <summary>Retries after the first attempt (429, 502, 503, 504 and connection failures); 0 disables retrying.</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int? MaximumRetryCount { get; set; }

        /// <summary>The first wait between attempts; it doubles each retry, with jitter.</summary>
        [Parameter]
        [ValidateRange(0.0, 600.0)]
        public double? RetryIntervalSec { get; set; }

        [Parameter]
        [ValidateRange(0.001, 3600.0)]
        public double? TimeoutSec { get; set; }

        [Parameter]
        public Uri? Proxy { get; set; }

        [Parameter]
        [Credential]
        public PSCredential? ProxyCredential { get; set; }

        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        /// <summary>These parameters applied over <paramref name="options"/>; the retry time limit only where a cmdlet has it.</summary>
        private protected NordPayClientOptions ApplyTo(NordPayClientOptions options, double? retryTimeLimitSec = null) =>
            CallSettings.Apply(options, MaximumRetryCount, RetryIntervalSec, retryTimeLimitSec, TimeoutSec, Proxy, ProxyCredential,
                MyInvocation.BoundParameters.ContainsKey(nameof(ProxyUseDefaultCredentials)) ? ProxyUseDefaultCredentials.IsPresent : (bool?)null);
    }
}
