using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Security;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Policy;
using NordPay.Security;

namespace NordPay.Session
{
    /// <summary>
    /// One PowerShell session's (runspace's) state: its keys by profile, its call settings, the key store and the currency
    /// list it uses, and its view of the policies (the process's, <see cref="ProcessWide"/>, then the persisted ones).
    /// A cmdlet finds it once, in BeginProcessing; two sessions in one process never see each other's keys.
    /// </summary>
    internal sealed class NordPaySession
    {
        public const string DefaultProfile = "default";

        // Keyed by the runspace object, so a closed session's keys go with it.
        private static readonly ConditionalWeakTable<Runspace, NordPaySession> Sessions = new ConditionalWeakTable<Runspace, NordPaySession>();

        /// <summary>A key set for a profile of this session, and when.</summary>
        internal sealed record SessionKey(NordPayConnection Connection, DateTimeOffset SetAt);

        private readonly Dictionary<string, SessionKey> _keys = new Dictionary<string, SessionKey>(StringComparer.Ordinal);
        private readonly ProcessPolicies _processPolicies;
        private KeyStore? _store;

        /// <summary>
        /// A session of the current user's key store; or, for tests, of another <paramref name="store"/>, whose -Scope Process
        /// policies are kept apart too, so tests that run side by side in one process each keep their own.
        /// </summary>
        public NordPaySession(KeyStore? store = null)
        {
            _store = store;
            _processPolicies = ProcessWide.Policies(store?.Directory ?? string.Empty);
        }

        /// <summary>The session of the runspace this thread runs, looked up once by a cmdlet (BeginProcessing) or the completer.</summary>
        public static NordPaySession Current() =>
            Sessions.GetValue(Runspace.DefaultRunspace ?? throw new InvalidOperationException("No PowerShell session is running on this thread."),
                _ => new NordPaySession());

        /// <summary>Gives a runspace that ran nothing yet a session of another key store: tests use a temporary folder and a stand-in for DPAPI.</summary>
        internal static void UseKeyStore(Runspace runspace, KeyStore store)
        {
            Sessions.Remove(runspace);
            Sessions.Add(runspace, new NordPaySession(store));
        }

        public SessionKey SetKey(string profile, SecureString apiKey, Uri baseUri)
        {
            var key = apiKey.Copy();
            key.MakeReadOnly();
            return _keys[profile] = new SessionKey(new NordPayConnection(baseUri, key), DateTimeOffset.Now);
        }

        public SessionKey? Key(string profile) => _keys.TryGetValue(profile, out var key) ? key : null;

        public IReadOnlyList<KeyValuePair<string, SessionKey>> Keys() => _keys.OrderBy(k => k.Key, StringComparer.Ordinal).ToList();

        public bool RemoveKey(string profile) => _keys.Remove(profile);

        /// <summary>The call settings Set-NordPayConfiguration gave this session.</summary>
        public NordPayClientOptions Options { get; set; } = NordPayClientOptions.Default;

        /// <summary>The currency list last read in this session, for tab completion and the networks of address checks.</summary>
        public IReadOnlyList<NordPayCurrency>? Currencies { get; set; }

        /// <summary>The current user's persisted profiles (a session may be pointed at another store by tests).</summary>
        public KeyStore Store => _store ??= KeyStore.ForCurrentUser();

        /// <summary>The current user's persisted policies, next to the persisted profiles.</summary>
        private PolicyStore PolicyStore => new PolicyStore(Store.Directory);

        /// <summary>A profile's payout policy in one scope: this process's (Process), or the one persisted for the current user.</summary>
        public NordPayPolicy? Policy(string profile, NordPayKeyScope scope) =>
            scope == NordPayKeyScope.CurrentUser ? PolicyStore.Find(profile) : _processPolicies.Find(profile);

        /// <summary>A profile's own policy: this process's, else the one persisted for the current user. Null when neither exists.</summary>
        public NordPayPolicy? ProfilePolicy(string profile) =>
            Policy(profile, NordPayKeyScope.Process) ?? Policy(profile, NordPayKeyScope.CurrentUser);

        /// <summary>
        /// The policy a paying call obeys: its profile's own, and every other profile's bound to the key the call uses
        /// (<paramref name="account"/>, NordPayConnection.Account; null with no key), so another name, -ApiKey or
        /// NORDPAY_API_KEY for that key changes nothing. Null when none applies; two profiles' policies for one key are refused, not chosen between.
        /// </summary>
        public NordPayPolicy? ApplyingPolicy(string profile, string? account)
        {
            var profiles = Policies().Where(p => account != null && p.Account == account).Select(p => p.Profile).Append(profile).Distinct(StringComparer.Ordinal);
            var applying = profiles.Select(ProfilePolicy).Where(p => p != null).Select(p => p!).ToList();
            if (applying.Count <= 1) return applying.FirstOrDefault();
            throw new NordPayException("PolicyConflict", ErrorKind.SecurityError,
                $"Policies {string.Join(" and ", applying.Select(p => p.Name))} all apply to this call (its profile's, and those set for the key it uses, " +
                $"{applying.Select(p => p.KeyHint).FirstOrDefault(h => h != null) ?? "the same key"}), and one is not chosen over another: nothing was paid.", "Profile",
                recommendedAction: "Keep one policy per key: remove the others with Remove-NordPayPolicy -Profile <name>.");
        }

        /// <summary>Every policy: this process's, then the persisted ones.</summary>
        public IReadOnlyList<NordPayPolicy> Policies() => _processPolicies.List().Concat(PolicyStore.List()).ToList();

        /// <summary>Keeps a policy in its scope, replacing the profile's policy there.</summary>
        public void SavePolicy(NordPayPolicy policy)
        {
            if (policy.Scope == NordPayKeyScope.CurrentUser) PolicyStore.Save(policy);
            else _processPolicies.Save(policy);
        }

        public bool RemovePolicy(string profile, NordPayKeyScope scope) =>
            scope == NordPayKeyScope.CurrentUser ? PolicyStore.Remove(profile) : _processPolicies.Remove(profile);

        /// <summary>Where a profile's policy of a scope lives, as a prompt names it.</summary>
        public string PolicyPlace(string profile, NordPayKeyScope scope) =>
            scope == NordPayKeyScope.CurrentUser
                ? $"NordPay payout policy of profile '{profile}' for the current user ({PolicyStore.Path})"
                : $"NordPay payout policy of profile '{profile}' for this PowerShell process (every runspace of it)";
    }
}
