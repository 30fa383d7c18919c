using System.Management.Automation;
using NordPay.Core;
using NordPay.Models;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>Shows which API key would be used and where it comes from (source, profile, base URI, last four characters), never the key.</summary>
    [Cmdlet(VerbsCommon.Get, "NordPayApiKey", DefaultParameterSetName = ResolveSet)]
    [OutputType(typeof(NordPayApiKeyInfo))]
    public sealed class GetNordPayApiKeyCommand : NordPayCmdlet
    {
        private const string ResolveSet = "Resolve";
        private const string ListSet = "List";

        [Parameter(Position = 0, ParameterSetName = ResolveSet)]
        [ValidateNotNullOrEmpty]
        public string? Profile { get; set; }

        /// <summary>Every key this session could use: session keys, NORDPAY_API_KEY and persisted profiles.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ListSet)]
        public SwitchParameter ListAvailable { get; set; }

        protected override void EndProcessing()
        {
            try
            {
                if (ListAvailable)
                {
                    foreach (var sessionKey in Session.Keys())
                        WriteObject(KeyResolver.Describe(KeySource.Session, sessionKey.Key, sessionKey.Value.Connection, sessionKey.Value.SetAt, null));
                    if (new KeyResolver(this, Session).DescribeEnvironment() is { } environment) WriteObject(environment);
                    foreach (var persisted in Session.Store.List()) WriteObject(KeyResolver.Describe(persisted));
                    return;
                }
                var info = new KeyResolver(this, Session).Describe(Profile);
                if (info != null) WriteObject(info);
                else
                    WriteNordPayError(new NordPayException("ApiKeyNotFound", ErrorKind.ObjectNotFound,
                        $"No NordPay API key is set in this session, in {KeyResolver.KeyVariable} or for this user.", null,
                        recommendedAction: "Set one with Set-NordPayApiKey."), null);
            }
            catch (NordPayException ex)
            {
                throw Terminating(ex, Profile);
            }
        }
    }
}
