using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Security;

namespace NordPay.Session
{
    /// <summary>Where the key a call uses comes from (NordPayApiKeyInfo.Source names it).</summary>
    internal enum KeySource
    {
        /// <summary>No key: a call that needs none (-WhatIf).</summary>
        None,
        Call,
        Session,
        Environment,
        CurrentUser,
    }

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
        private readonly NordPaySession _session;

        /// <summary>Resolves for a cmdlet (which reads a vault through its runspace) in its session.</summary>
        public KeyResolver(PSCmdlet cmdlet, NordPaySession session)
        {
            _cmdlet = cmdlet;
            _session = session;
        }

        /// <summary>The key to use, or null when there is none for the default profile.</summary>
        public (NordPayConnection Connection, NordPayApiKeyInfo Info, KeySource Source)? Resolve(SecureString? explicitKey, string? namedProfile)
        {
            var profile = namedProfile ?? NordPaySession.DefaultProfile;
            var sessionKey = _session.Key(profile);
            if (explicitKey != null)
            {
                var baseUri = sessionKey?.Connection.BaseUri ?? (namedProfile == null ? EnvironmentBaseUri() : null);
                if (baseUri == null)
                {
                    baseUri = _session.Store.Find(profile)?.BaseUri;
                    // A named profile with neither a key nor a policy is a typo: taken as a new one, it would pay without its policy.
                    if (baseUri == null && namedProfile != null && _session.ProfilePolicy(profile) == null) throw ProfileNotFound(namedProfile);
                }
                var connection = new NordPayConnection(baseUri ?? NordPayConnection.DefaultBaseUri, explicitKey);
                return (connection, Describe(KeySource.Call, profile, connection, null, null), KeySource.Call);
            }
            if (sessionKey != null)
                return (sessionKey.Connection, Describe(KeySource.Session, profile, sessionKey.Connection, sessionKey.SetAt, null), KeySource.Session);
            if (namedProfile == null && EnvironmentKey() is { } environmentKey)
            {
                var connection = new NordPayConnection(EnvironmentBaseUri() ?? NordPayConnection.DefaultBaseUri, environmentKey);
                return (connection, Describe(KeySource.Environment, profile, connection, null, null), KeySource.Environment);
            }
            var persisted = _session.Store.Find(profile);
            if (persisted != null)
            {
                var key = persisted.Storage == KeyStorage.Vault ? new SecretVault(_cmdlet).Read(persisted.Vault!, persisted.SecretName!) : _session.Store.ReadKey(persisted);
                var connection = new NordPayConnection(persisted.BaseUri, key);
                return (connection, Describe(KeySource.CurrentUser, profile, connection, persisted.SetAt, persisted.Storage.ToString()), KeySource.CurrentUser);
            }
            if (namedProfile != null) throw ProfileNotFound(namedProfile);
            return null;
        }

        /// <summary>
        /// The connection a call of <paramref name="profile"/> uses when no -ApiKey is given, whose key its policy binds;
        /// null when the profile has no key anywhere. A key that exists but cannot be read throws: it is not taken for no key.
        /// </summary>
        public NordPayConnection? ProfileConnection(string profile)
        {
            try
            {
                return Resolve(null, profile == NordPaySession.DefaultProfile ? null : profile)?.Connection;
            }
            catch (NordPayException ex) when (ex.ErrorId == "ProfileNotFound")
            {
                return null;
            }
        }

        /// <summary>What Resolve would use, without reading any secret.</summary>
        public NordPayApiKeyInfo? Describe(string? namedProfile)
        {
            var profile = namedProfile ?? NordPaySession.DefaultProfile;
            if (_session.Key(profile) is { } sessionKey) return Describe(KeySource.Session, profile, sessionKey.Connection, sessionKey.SetAt, null);
            if (namedProfile == null && DescribeEnvironment() is { } environment) return environment;
            if (_session.Store.Find(profile) is { } persisted) return Describe(persisted);
            if (namedProfile != null) throw ProfileNotFound(namedProfile);
            return null;
        }

        /// <summary>NORDPAY_API_KEY as the default profile's key, when it is set.</summary>
        public NordPayApiKeyInfo? DescribeEnvironment() =>
            EnvironmentKey() is { } key
                ? Describe(KeySource.Environment, NordPaySession.DefaultProfile, new NordPayConnection(EnvironmentBaseUri() ?? NordPayConnection.DefaultBaseUri, key), null, null)
                : null;

        public static NordPayApiKeyInfo Describe(PersistedProfile persisted) =>
            new NordPayApiKeyInfo(nameof(KeySource.CurrentUser), persisted.Name, persisted.BaseUri, persisted.KeyHint, persisted.SetAt, persisted.Storage.ToString());

        public static NordPayApiKeyInfo Describe(KeySource source, string profile, NordPayConnection connection, DateTimeOffset? setAt, string? storage) =>
            new NordPayApiKeyInfo(source.ToString(), profile, connection.BaseUri, Redactor.Hint(connection.RevealKey()), setAt, storage);

        /// <summary>Where a call's key came from, as its verbose line says it.</summary>
        public static string Origin(KeySource source, string? storage) => source switch
        {
            KeySource.Call => "-ApiKey",
            KeySource.Session => "this session",
            KeySource.Environment => KeyVariable,
            KeySource.CurrentUser => $"the current user's {storage} store",
            _ => "no key (none is needed)",
        };

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
