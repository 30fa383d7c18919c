using System;
using System.Management.Automation;
using NordPay.Api;

namespace NordPay.Commands
{
    /// <summary>Sets this session's retry, timeout and proxy settings for every NordPay call.</summary>
    [Cmdlet(VerbsCommon.Set, "NordPayConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(NordPayConfiguration))]
    public sealed class SetNordPayConfigurationCommand : NordPayCmdlet
    {
        /// <summary>Retries after the first attempt (429, 502, 503, 504 and connection failures); 0 disables retrying.</summary>
        [Parameter]
        [ValidateRange(0, 20)]
        public int? MaximumRetryCount { get; set; }

        /// <summary>The first wait between attempts; it doubles each retry, with jitter.</summary>
        [Parameter]
        [ValidateRange(0.0, 600.0)]
        public double? RetryIntervalSec { get; set; }

        /// <summary>The most time one call spends waiting to retry.</summary>
        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double? RetryTimeLimitSec { get; set; }

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

        /// <summary>Back to the system and environment proxy.</summary>
        [Parameter]
        public SwitchParameter NoProxy { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            NordPayClientOptions options;
            try
            {
                var current = NoProxy ? SessionSettings.Options with { Proxy = null } : SessionSettings.Options;
                options = CallSettings.Apply(current, MaximumRetryCount, RetryIntervalSec, RetryTimeLimitSec, TimeoutSec, Proxy, ProxyCredential,
                    MyInvocation.BoundParameters.ContainsKey(nameof(ProxyUseDefaultCredentials)) ? ProxyUseDefaultCredentials.IsPresent : (bool?)null);
            }
            catch (NordPayException ex)
            {
                Fail(ex, null);
                return;
            }
            if (!ShouldProcess("NordPay call settings", "Set for this PowerShell session")) return;
            SessionSettings.Options = options;
            if (PassThru) WriteObject(new NordPayConfiguration(options));
        }
    }
}
