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
    /// The key and base URI of each PowerShell session (runspace). Keyed by the runspace object, so two
    /// sessions in one process never see each other's key, and a closed session's key goes with it.
    /// </summary>
    internal static class SessionCredentials
    {
        public const string KeyVariable = "NORDPAY_API_KEY";
        public const string BaseUriVariable = "NORDPAY_BASE_URI";

        private sealed class Entry
        {
            public Entry(NordPayConnection connection, DateTimeOffset setAt)
            {
                Connection = connection;
                SetAt = setAt;
            }

            public NordPayConnection Connection { get; }
            public DateTimeOffset SetAt { get; }
        }

        private static readonly ConditionalWeakTable<Runspace, Entry> Sessions = new ConditionalWeakTable<Runspace, Entry>();

        public static NordPayApiKeyInfo Set(SecureString apiKey, Uri baseUri)
        {
            var key = apiKey.Copy();
            key.MakeReadOnly();
            var entry = new Entry(new NordPayConnection(baseUri, key), DateTimeOffset.Now);
            var runspace = CurrentRunspace();
            Sessions.Remove(runspace);
            Sessions.Add(runspace, entry);
            return Describe("Session", entry.Connection, entry.SetAt);
        }

        /// <summary>The session's key, else NORDPAY_API_KEY (with NORDPAY_BASE_URI); null when there is none.</summary>
        public static (NordPayConnection Connection, NordPayApiKeyInfo Info)? Resolve()
        {
            if (Sessions.TryGetValue(CurrentRunspace(), out var entry))
                return (entry.Connection, Describe("Session", entry.Connection, entry.SetAt));

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

        private static Runspace CurrentRunspace() =>
            Runspace.DefaultRunspace ?? throw new InvalidOperationException("No PowerShell session is running on this thread.");
    }
}
