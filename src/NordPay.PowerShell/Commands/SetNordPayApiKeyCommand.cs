using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Security;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Sets a NordPay API key and base URI: for this PowerShell session (-Scope Process, the default), or
    /// persisted for the current user (-Scope CurrentUser): DPAPI on Windows, a SecretManagement vault
    /// reference anywhere, or by explicit opt-in a file only its owner can read.
    /// </summary>
    [Cmdlet(VerbsCommon.Set, "NordPayApiKey", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium, DefaultParameterSetName = KeySet)]
    [OutputType(typeof(NordPayApiKeyInfo))]
    public sealed class SetNordPayApiKeyCommand : NordPayCmdlet
    {
        private const string KeySet = "Key";
        private const string VaultSet = "Vault";

        /// <summary>The key, as a SecureString; PowerShell prompts for it without echo when omitted.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = KeySet)]
        [Parameter(Position = 0, ParameterSetName = VaultSet)]
        public SecureString ApiKey { get; set; } = null!;

        [Parameter]
        public Uri BaseUri { get; set; } = NordPayConnection.DefaultBaseUri;

        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Profile { get; set; } = NordPaySession.DefaultProfile;

        [Parameter]
        public NordPayKeyScope Scope { get; set; } = NordPayKeyScope.Process;

        /// <summary>The SecretManagement vault that holds (or is to hold) the key; only the reference is persisted.</summary>
        [Parameter(Mandatory = true, ParameterSetName = VaultSet)]
        [ValidateNotNullOrEmpty]
        public string Vault { get; set; } = null!;

        [Parameter(Mandatory = true, ParameterSetName = VaultSet)]
        [ValidateNotNullOrEmpty]
        public string SecretName { get; set; } = null!;

        /// <summary>Off Windows, persist the key in clear in a file only you can read (mode 0600).</summary>
        [Parameter(ParameterSetName = KeySet)]
        public SwitchParameter AllowPlainTextFile { get; set; }

        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void EndProcessing()
        {
            var vault = ParameterSetName == VaultSet;
            var scope = vault && !MyInvocation.BoundParameters.ContainsKey(nameof(Scope)) ? NordPayKeyScope.CurrentUser : Scope;
            Uri baseUri;
            try
            {
                if (ApiKey != null)
                {
                    // Checked and trimmed before it is kept anywhere: what is stored is what the header will carry.
                    ApiKey = NordPayConnection.NormalizeKey(ApiKey);
                    if (ApiKey.Length == 0)
                        throw new NordPayException("ApiKeyEmpty", ErrorKind.InvalidArgument, "The API key is empty.", "ApiKey",
                            recommendedAction: "Paste the key from the NordPay panel.");
                }
                if (vault && scope == NordPayKeyScope.Process)
                    throw new NordPayException("VaultNeedsCurrentUserScope", ErrorKind.InvalidArgument,
                        "-Vault and -SecretName persist a reference for the current user: use them with -Scope CurrentUser.", "Scope");
                baseUri = NordPayConnection.NormalizeBaseUri(BaseUri);
            }
            catch (NordPayException ex)
            {
                throw Terminating(ex, BaseUri);
            }

            var where = scope == NordPayKeyScope.Process ? "Set for this PowerShell session" : "Persist for the current user";
            if (!ShouldProcess($"NordPay API key of profile '{Profile}' for {baseUri}", where)) return;

            NordPayApiKeyInfo info;
            try
            {
                info = scope == NordPayKeyScope.Process ? SetForSession(baseUri) : Persist(baseUri, vault);
            }
            catch (NordPayException ex)
            {
                throw Terminating(ex, Profile);
            }
            WriteVerbose($"Profile '{info.Profile}' now uses the API key {info.KeyHint} for {info.BaseUri} ({info.Source}{(info.Storage == null ? string.Empty : ", " + info.Storage)}).");
            if (PassThru) WriteObject(info);
        }

        private NordPayApiKeyInfo SetForSession(Uri baseUri)
        {
            var sessionKey = Session.SetKey(Profile, ApiKey, baseUri);
            return KeyResolver.Describe(KeySource.Session, Profile, sessionKey.Connection, sessionKey.SetAt, null);
        }

        private NordPayApiKeyInfo Persist(Uri baseUri, bool vault)
        {
            var store = Session.Store;
            PersistedProfile persisted;
            SecureString key;
            if (vault)
            {
                if (ApiKey != null) new SecretVault(this).Write(Vault, SecretName, ApiKey);
                // Read back through Get-Secret: proves the reference works before it is saved.
                key = new SecretVault(this).Read(Vault, SecretName);
                persisted = store.SaveVaultReference(Profile, baseUri, Vault, SecretName, Redactor.Hint(new System.Net.NetworkCredential(string.Empty, key).Password));
            }
            else if (store.CanProtect)
            {
                key = ApiKey;
                persisted = store.SaveProtected(Profile, baseUri, key);
            }
            else if (AllowPlainTextFile)
            {
                key = ApiKey;
                persisted = store.SavePlainTextFile(Profile, baseUri, key);
                WriteWarning($"The key of profile '{Profile}' is stored in clear in {System.IO.Path.Combine(store.Directory, persisted.KeyFile!)}, readable only by you (mode 0600). " +
                             "A SecretManagement vault (-Vault, -SecretName) or NORDPAY_API_KEY from your scheduler's secret store is safer.");
            }
            else
            {
                throw new NordPayException("PlainTextPersistenceRefused", ErrorKind.PermissionDenied,
                    $"On {RuntimeInformation.OSDescription} there is no DPAPI to encrypt the key, and it is not persisted in clear unless you ask.", "Scope",
                    recommendedAction: "Use -Vault and -SecretName (Microsoft.PowerShell.SecretManagement), or -AllowPlainTextFile for a file only you can read, or NORDPAY_API_KEY.");
            }
            // The session follows what was just persisted, so an older session key does not shadow it.
            Session.SetKey(Profile, key, baseUri);
            return KeyResolver.Describe(persisted);
        }
    }
}
