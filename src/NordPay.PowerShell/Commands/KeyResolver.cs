using System;
using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Security;
using NordPay.Api;
using NordPay.Security;

namespace NordPay.Commands
{
    /// <summary>
    /// The one resolution order for the API key: -ApiKey on the call, then the session, then NORDPAY_API_KEY
    /// (for the default profile), then the persisted profile. A profile named with -Profile that exists nowhere
    /// is an error, never a fallback to another account.
    /// </summary>
    internal sealed class KeyResolver
    {
        public const string KeyVariable = "NORDPAY_API_KEY";
        public const string BaseUriVariable = "NORDPAY_BASE_URI";

        private readonly PSCmdlet _cmdlet;

        public KeyResolver(PSCmdlet cmdlet) => _cmdlet = cmdlet;

        /// <summary>The key to use, or null when there is none for the default profile.</summary>
        public (NordPayConnection Connection, NordPayApiKeyInfo Info)? Resolve(SecureString? explicitKey, string? namedProfile)
        {
            var profile = namedProfile ?? SessionSettings.DefaultProfile;
            var session = SessionSettings.Key(profile);
            if (explicitKey != null)
            {
                var baseUri = session?.Connection.BaseUri ?? (namedProfile == null ? EnvironmentBaseUri() : null)
                              ?? SessionSettings.Store.Find(profile)?.BaseUri ?? NordPayConnection.DefaultBaseUri;
                var connection = new NordPayConnection(baseUri, explicitKey);
                return (connection, Describe("Call", profile, connection, null, null));
            }
            if (session != null) return (session.Connection, Describe("Session", profile, session.Connection, session.SetAt, null));
            if (namedProfile == null && EnvironmentKey() is { } environmentKey)
            {
                var connection = new NordPayConnection(EnvironmentBaseUri() ?? NordPayConnection.DefaultBaseUri, environmentKey);
                return (connection, Describe("Environment", profile, connection, null, null));
            }
            var persisted = SessionSettings.Store.Find(profile);
            if (persisted != null)
            {
                var key = persisted.Storage == KeyStorage.Vault ? ReadVault(persisted) : SessionSettings.Store.ReadKey(persisted);
                var connection = new NordPayConnection(persisted.BaseUri, key);
                return (connection, Describe("CurrentUser", profile, connection, persisted.SetAt, persisted.Storage.ToString()));
            }
            if (namedProfile != null) throw ProfileNotFound(namedProfile);
            return null;
        }

        /// <summary>What Resolve would use, without reading any secret.</summary>
        public NordPayApiKeyInfo? Describe(string? namedProfile)
        {
            var profile = namedProfile ?? SessionSettings.DefaultProfile;
            if (SessionSettings.Key(profile) is { } session) return Describe("Session", profile, session.Connection, session.SetAt, null);
            if (namedProfile == null && DescribeEnvironment() is { } environment) return environment;
            if (SessionSettings.Store.Find(profile) is { } persisted) return Describe(persisted);
            if (namedProfile != null) throw ProfileNotFound(namedProfile);
            return null;
        }

        /// <summary>NORDPAY_API_KEY as the default profile's key, when it is set.</summary>
        public NordPayApiKeyInfo? DescribeEnvironment() =>
            EnvironmentKey() is { } key
                ? Describe("Environment", SessionSettings.DefaultProfile, new NordPayConnection(EnvironmentBaseUri() ?? NordPayConnection.DefaultBaseUri, key), null, null)
                : null;

        public static NordPayApiKeyInfo Describe(PersistedProfile persisted) =>
            new NordPayApiKeyInfo("CurrentUser", persisted.Name, persisted.BaseUri, persisted.KeyHint, persisted.SetAt, persisted.Storage.ToString());

        public static NordPayApiKeyInfo Describe(string source, string profile, NordPayConnection connection, DateTimeOffset? setAt, string? storage) =>
            new NordPayApiKeyInfo(source, profile, connection.BaseUri, Redactor.Hint(connection.RevealKey()), setAt, storage);

        /// <summary>Stores a key in a SecretManagement vault.</summary>
        public void WriteVault(string vault, string secretName, SecureString key) =>
            InvokeSecretManagement("param($vault, $name, $key) Microsoft.PowerShell.SecretManagement\\Set-Secret -Vault $vault -Name $name -SecureStringSecret $key -ErrorAction Stop",
                vault, secretName, key);

        /// <summary>Reads a key from a SecretManagement vault, through Get-Secret.</summary>
        public SecureString ReadVault(string vault, string secretName)
        {
            var output = InvokeSecretManagement("param($vault, $name) Microsoft.PowerShell.SecretManagement\\Get-Secret -Vault $vault -Name $name -ErrorAction Stop",
                vault, secretName);
            var value = output.Select(o => o?.BaseObject).FirstOrDefault();
            return value switch
            {
                SecureString secure => secure,
                PSCredential credential => credential.Password,
                string text => new NetworkCredential(string.Empty, text).SecurePassword,
                _ => throw new NordPayException("VaultSecretUnreadable", ErrorKind.InvalidData,
                    $"The secret '{secretName}' in vault '{vault}' is not a string, a SecureString or a PSCredential.", "SecretName"),
            };
        }

        private SecureString ReadVault(PersistedProfile profile) => ReadVault(profile.Vault!, profile.SecretName!);

        private System.Collections.ObjectModel.Collection<PSObject> InvokeSecretManagement(string script, params object[] args)
        {
            try
            {
                // None: the secret comes back to this code, never into the calling pipeline.
                return _cmdlet.InvokeCommand.InvokeScript(script, false, PipelineResultTypes.None, (IList?)null, args);
            }
            catch (RuntimeException ex)
            {
                throw new NordPayException("VaultSecretUnreadable", ErrorKind.ResourceUnavailable,
                    $"SecretManagement could not reach the secret: {ex.Message}", "Vault",
                    recommendedAction: "Install and register the vault (Microsoft.PowerShell.SecretManagement), and unlock it for unattended jobs.");
            }
        }

        private static SecureString? EnvironmentKey()
        {
            var key = Environment.GetEnvironmentVariable(KeyVariable);
            return string.IsNullOrWhiteSpace(key) ? null : new NetworkCredential(string.Empty, key!.Trim()).SecurePassword;
        }

        private static Uri? EnvironmentBaseUri()
        {
            var text = Environment.GetEnvironmentVariable(BaseUriVariable);
            if (string.IsNullOrWhiteSpace(text)) return null;
            return Uri.TryCreate(text!.Trim(), UriKind.Absolute, out var uri)
                ? uri
                : throw new NordPayException("InvalidBaseUri", ErrorKind.InvalidArgument, $"{BaseUriVariable} is not an absolute URI: '{text}'.", "BaseUri",
                    recommendedAction: $"Set {BaseUriVariable} to a URI such as https://api.nord-pay.com/.");
        }

        private static NordPayException ProfileNotFound(string profile) =>
            new NordPayException("ProfileNotFound", ErrorKind.ObjectNotFound,
                $"There is no NordPay profile '{profile}' in this session or for this user; no other profile's key is used instead.", "Profile",
                recommendedAction: $"Create it with Set-NordPayApiKey -Profile {profile}, or list profiles with Get-NordPayApiKey -ListAvailable.");
    }
}
