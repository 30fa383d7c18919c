using System;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Runtime.CompilerServices;
using System.Security;
using NordPay.Api;
using NordPay.Security;

namespace NordPay.Commands
{
    /// <summary>
    /// Each PowerShell session's (runspace's) key, base URI and call settings. Keyed by the runspace object,
    /// so two sessions in one process never see each other's key, and a closed session's key goes with it.
    /// </summary>
    internal static class SessionSettings
    {
        public const string KeyVariable = "NORDPAY_API_KEY";
        public const string BaseUriVariable = "NORDPAY_BASE_URI";

        private sealed class Entry
        {
            public NordPayConnection? Connection { get; set; }
            public DateTimeOffset? KeySetAt { get; set; }
            public NordPayClientOptions Options { get; set; } = NordPayClientOptions.Default;
        }

        private static readonly ConditionalWeakTable<Runspace, Entry> Sessions = new ConditionalWeakTable<Runspace, Entry>();

        public static NordPayApiKeyInfo SetKey(SecureString apiKey, Uri baseUri)
        {
            var key = apiKey.Copy();
            key.MakeReadOnly();
            var entry = Current();
            entry.Connection = new NordPayConnection(baseUri, key);
            entry.KeySetAt = DateTimeOffset.Now;
            return Describe("Session", entry.Connection, entry.KeySetAt);
        }

        public static NordPayClientOptions Options
        {
            get => Current().Options;
            set => Current().Options = value;
        }

        /// <summary>The session's key, else NORDPAY_API_KEY (with NORDPAY_BASE_URI); null when there is none.</summary>
        public static (NordPayConnection Connection, NordPayApiKeyInfo Info)? ResolveKey()
        {
            var entry = Current();
            if (entry.Connection != null) return (entry.Connection, Describe("Session", entry.Connection, entry.KeySetAt));

            var key = Environment.GetEnvironmentVariable(KeyVariable);
            if (string.IsNullOrWhiteSpace(key)) return null;
            var uriText = Environment.GetEnvironmentVariable(BaseUriVariable);
            Uri baseUri = NordPayConnection.DefaultBaseUri;
            if (!string.IsNullOrWhiteSpace(uriText) && !Uri.TryCreate(uriText!.Trim(), UriKind.Absolute, out baseUri!))
                throw new NordPayException("InvalidBaseUri", ErrorKind.InvalidArgument,
                    $"{BaseUriVariable} is not an absolute URI: '{uriText}'.", "BaseUri",
                    recommendedAction: $"Set {BaseUriVariable} to a URI such as https://api.nord-pay.com/.");
            var connection = new NordPayConnection(baseUri, new NetworkCredential(string.Empty, key!.Trim()).SecurePassword);
            return (connection, Describe("Environment", connection, null));
        }

        private static NordPayApiKeyInfo Describe(string source, NordPayConnection connection, DateTimeOffset? setAt) =>
            new NordPayApiKeyInfo(source, connection.BaseUri, Redactor.Hint(connection.RevealKey()), setAt);

        private static Entry Current() =>
            Sessions.GetValue(Runspace.DefaultRunspace ?? throw new InvalidOperationException("No PowerShell session is running on this thread."),
                _ => new Entry());
    }
}
