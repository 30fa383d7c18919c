using System.Management.Automation;
using NordPay.Models;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>Shows this session's retry, timeout and proxy settings.</summary>
    [Cmdlet(VerbsCommon.Get, "NordPayConfiguration")]
    [OutputType(typeof(NordPayConfiguration))]
    public sealed class GetNordPayConfigurationCommand : NordPayCmdlet
    {
        protected override void EndProcessing() => WriteObject(CallSettings.Describe(Session.Options));
    }
}
