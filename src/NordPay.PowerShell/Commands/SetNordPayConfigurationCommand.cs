using System;
using System.Management.Automation;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>Sets this session's retry, timeout and proxy settings for every NordPay call.</summary>
    [Cmdlet(VerbsCommon.Set, "NordPayConfiguration", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(NordPayConfiguration))]
    public sealed class SetNordPayConfigurationCommand : NordPayCallSettingsCmdlet
    {
        /// <summary>The most time one call spends waiting to retry.</summary>
        [Parameter]
        [ValidateRange(0.0, 3600.0)]
        public double? RetryTimeLimitSec { get; set; }

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
                var current = NoProxy ? Session.Options with { Proxy = null } : Session.Options;
                options = ApplyTo(current, RetryTimeLimitSec);
            }
            catch (NordPayException ex)
            {
                throw Terminating(ex, null);
            }
            if (!ShouldProcess("NordPay call settings", "Set for this PowerShell session")) return;
            Session.Options = options;
            if (PassThru) WriteObject(CallSettings.Describe(options));
        }
    }
}
