using System;
using System.Management.Automation;
using System.Security;
using NordPay.Api;

namespace NordPay.Commands
{
    /// <summary>Sets the NordPay API key and base URI for this PowerShell session.</summary>
    [Cmdlet(VerbsCommon.Set, "NordPayApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(NordPayApiKeyInfo))]
    public sealed class SetNordPayApiKeyCommand : NordPayCmdlet
    {
        /// <summary>The key, as a SecureString; PowerShell prompts for it without echo when omitted.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public SecureString ApiKey { get; set; } = null!;

        [Parameter]
        public Uri BaseUri { get; set; } = NordPayConnection.DefaultBaseUri;

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            Uri baseUri;
            try
            {
                if (ApiKey.Length == 0)
                    throw new NordPayException("ApiKeyEmpty", ErrorKind.InvalidArgument, "The API key is empty.", "ApiKey",
                        recommendedAction: "Paste the key from the NordPay panel.");
                baseUri = NordPayConnection.NormalizeBaseUri(BaseUri);
            }
            catch (NordPayException ex)
            {
                Fail(ex, BaseUri);
                return;
            }

            if (!ShouldProcess($"NordPay API key for {baseUri}", "Set for this PowerShell session")) return;
            var info = SessionSettings.SetKey(ApiKey, baseUri);
            WriteVerbose($"The session now uses the API key {info.KeyHint} for {info.BaseUri}.");
            if (PassThru) WriteObject(info);
        }
    }
}
