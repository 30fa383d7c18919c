using System.Management.Automation;
using NordPay.Core;
using NordPay.Models;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Shows the payout policy a profile's payouts obey (its own, the process's else the one persisted for the user, or
    /// another profile's bound to the key it uses), one scope's, or all.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "NordPayPolicy", DefaultParameterSetName = ResolveSet)]
    [OutputType(typeof(NordPayPolicy))]
    public sealed class GetNordPayPolicyCommand : NordPayCmdlet
    {
        private const string ResolveSet = "Resolve";
        private const string ListSet = "List";

        [Parameter(Position = 0, ParameterSetName = ResolveSet)]
        [ValidateNotNullOrEmpty]
        public string Profile { get; set; } = NordPaySession.DefaultProfile;

        /// <summary>Only this scope's policy, even when another one applies.</summary>
        [Parameter(ParameterSetName = ResolveSet)]
        public NordPayKeyScope? Scope { get; set; }

        /// <summary>Every policy: this session's, then those persisted for the current user.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ListSet)]
        public SwitchParameter ListAvailable { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                if (ListAvailable)
                {
                    foreach (var each in Session.Policies()) WriteObject(each);
                    return;
                }
                // Found as a paying call of the profile finds it: its own, or one bound to the key the profile uses.
                var policy = Scope is { } scope
                    ? Session.Policy(Profile, scope)
                    : Session.ApplyingPolicy(Profile, new KeyResolver(this, Session).ProfileConnection(Profile)?.Account);
                if (policy != null) WriteObject(policy);
                else
                    WriteNordPayError(new NordPayException("PolicyNotFound", ErrorKind.ObjectNotFound,
                        $"Profile '{Profile}' has no policy{(Scope == null ? " in this process or for this user, and none is bound to its key" : " in scope " + Scope)}: its payouts are not limited.", "Profile",
                        recommendedAction: "Set one with Set-NordPayPolicy."), Profile);
            }
            catch (NordPayException ex)
            {
                throw Terminating(ex, Profile);
            }
        }
    }
}
