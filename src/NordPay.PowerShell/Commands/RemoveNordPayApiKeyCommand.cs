using System.Linq;
using System.Management.Automation;
using NordPay.Core;
using NordPay.Models;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>Forgets a profile's key: in this session (-Scope Process, the default) and/or persisted for the current user.</summary>
    [Cmdlet(VerbsCommon.Remove, "NordPayApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType("None")]
    public sealed class RemoveNordPayApiKeyCommand : NordPayCmdlet
    {
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public string Profile { get; set; } = NordPaySession.DefaultProfile;

        [Parameter]
        public NordPayKeyScope[] Scope { get; set; } = { NordPayKeyScope.Process };

        protected override void EndProcessing()
        {
            var removed = false;
            if (Scope.Contains(NordPayKeyScope.Process) && Session.Key(Profile) != null
                && ShouldProcess($"NordPay API key of profile '{Profile}'", "Remove from this PowerShell session"))
                removed |= Session.RemoveKey(Profile);
            if (Scope.Contains(NordPayKeyScope.CurrentUser) && Session.Store.Find(Profile) != null
                && ShouldProcess($"NordPay API key of profile '{Profile}' in {Session.Store.Directory}", "Remove for the current user"))
                removed |= Session.Store.Remove(Profile);
            if (!removed && !MyInvocation.BoundParameters.ContainsKey("WhatIf"))
                WriteNordPayError(new NordPayException("ApiKeyNotFound", ErrorKind.ObjectNotFound,
                    $"Profile '{Profile}' has no key in scope {string.Join(", ", Scope)}.", "Profile"), Profile);
        }
    }
}
