using System.Management.Automation;

namespace NordPay.Commands
{
    /// <summary>Shows this session's retry, timeout and proxy settings.</summary>
    [Cmdlet(VerbsCommon.Get, "NordPayConfiguration")]
    [OutputType(typeof(NordPayConfiguration))]
    public sealed class GetNordPayConfigurationCommand : NordPayCmdlet
    {
        protected override void EndProcessing() => WriteObject(new NordPayConfiguration(SessionSettings.Options));
    }
}
