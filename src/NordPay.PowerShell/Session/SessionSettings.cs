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
    /// Each PowerShell session's (runspace's) keys by profile, and its call settings. Keyed by the runspace
    /// object, so two sessions in one process never see each other's key, and a closed session's keys go with it.
    /// </summary>
    internal static class SessionSettings
    {
        public const string DefaultProfile = "default";

        internal sealed class SessionKey
        {
            public SessionKey(NordPayConnection connection, DateTimeOffset setAt)
            {
                Connection = connection;
                SetAt = setAt;
            }

            public NordPayConnection Connection { get; }
            public DateTimeOffset SetAt { get; }
        }

        private sealed class Entry
        {
            public Dictionary<string, SessionKey> Keys { get; } = new Dictionary<string, SessionKey>(StringComparer.Ordinal);
            public NordPayClientOptions Options { get; set; } = NordPayClientOptions.Default;
            public KeyStore? Store { get; set; }
            // Set only by UseKeyStore: tests that run side by side in one process each keep their own process policies.
            public string? PoliciesApart { get; set; }
            public IReadOnlyList<NordPayCurrency>? Currencies { get; set; }
        }

        private static readonly ConditionalWeakTable<Runspace, Entry> Sessions = new ConditionalWeakTable<Runspace, Entry>();

        // Per process, not per runspace: runspaces of one process (ForEach-Object -Parallel, jobs in threads) paying one
        // merchant must see each other's claimed withdrawals, or a lost confirm in one takes another's payout for its own.
        private static readonly Dictionary<string, MerchantState> Merchants = new Dictionary<string, MerchantState>(StringComparer.Ordinal);

        // Per process too: "-Scope Process" means every runspace of it, or ForEach-Object -Parallel and thread jobs pay past
        // it. One set for the whole process, whatever NORDPAY_CONFIG_DIR says when a runspace starts; tests keep theirs apart.
        private static readonly Dictionary<string, Dictionary<string, NordPayPolicy>> ProcessPolicies =
            new Dictionary<string, Dictionary<string, NordPayPolicy>>(StringComparer.Ordinal);

        // This process's policies by profile (a test's own, for a session pointed at a test key store); lock ProcessPolicies to use them.
        private static Dictionary<string, NordPayPolicy> ProcessPoliciesOf(string apart) =>
            ProcessPolicies.TryGetValue(apart, out var policies) ? policies
                : ProcessPolicies[apart] = new Dictionary<string, NordPayPolicy>(StringComparer.Ordinal);

        public static SessionKey SetKey(string profile, SecureString apiKey, Uri baseUri)
        {
            var key = apiKey.Copy();
            key.MakeReadOnly();
            return Current().Keys[profile] = new SessionKey(new NordPayConnection(baseUri, key), DateTimeOffset.Now);
        }

        public static SessionKey? Key(string profile) => Current().Keys.TryGetValue(profile, out var key) ? key : null;

        public static IReadOnlyList<KeyValuePair<string, SessionKey>> Keys() => Current().Keys.OrderBy(k => k.Key, StringComparer.Ordinal).ToList();

        public static bool RemoveKey(string profile) => Current().Keys.Remove(profile);

        public static NordPayClientOptions Options
        {
            get => Current().Options;
            set => Current().Options = value;
        }

        /// <summary>What this process learned of the merchant a connection reaches: NordPay's clock, the withdrawals claimed, its rate.</summary>
        public static MerchantState Merchant(NordPayConnection connection)
        {
            // Named outside the lock: it hashes the key, and every runspace of the process takes this lock.
            var account = connection.Account;
            lock (Merchants)
            {
                return Merchants.TryGetValue(account, out var state) ? state : Merchants[account] = new MerchantState();
            }
        }

        /// <summary>The currency list last read in this session, for tab completion and the networks of address checks.</summary>
        public static IReadOnlyList<NordPayCurrency>? Currencies
        {
            get => Current().Currencies;
            set => Current().Currencies = value;
        }

        /// <summary>A profile's payout policy in one scope: this process's (Process), or the one persisted for the current user.</summary>
        public static NordPayPolicy? Policy(string profile, NordPayKeyScope scope)
        {
            if (scope == NordPayKeyScope.CurrentUser) return PolicyStore.Find(profile);
            var apart = Current().PoliciesApart ?? string.Empty;
            lock (ProcessPolicies) return ProcessPoliciesOf(apart).TryGetValue(profile, out var policy) ? policy : null;
        }

        /// <summary>A profile's own policy: this process's, else the one persisted for the current user. Null when neither exists.</summary>
        public static NordPayPolicy? ProfilePolicy(string profile) =>
            Policy(profile, NordPayKeyScope.Process) ?? Policy(profile, NordPayKeyScope.CurrentUser);

        /// <summary>
        /// The policy a paying call obeys: its profile's own, and every other profile's bound to the key the call uses
        /// (<paramref name="account"/>, NordPayConnection.Account; null with no key), so another name, -ApiKey or
        /// NORDPAY_API_KEY for that key changes nothing. Null when none applies; two profiles' policies for one key are refused, not chosen between.
        /// </summary>
        public static NordPayPolicy? ApplyingPolicy(string profile, string? account)
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
        public static IReadOnlyList<NordPayPolicy> Policies()
        {
            List<NordPayPolicy> process;
            var apart = Current().PoliciesApart ?? string.Empty;
            lock (ProcessPolicies) process = ProcessPoliciesOf(apart).Values.OrderBy(p => p.Profile, StringComparer.Ordinal).ToList();
            return process.Concat(PolicyStore.List()).ToList();
        }

        /// <summary>Keeps a policy in its scope, replacing the profile's policy there.</summary>
        public static void SavePolicy(NordPayPolicy policy)
        {
            if (policy.Scope == NordPayKeyScope.CurrentUser) PolicyStore.Save(policy);
            else
            {
                var apart = Current().PoliciesApart ?? string.Empty;
                lock (ProcessPolicies) ProcessPoliciesOf(apart)[policy.Profile] = policy;
            }
        }

        public static bool RemovePolicy(string profile, NordPayKeyScope scope)
        {
            if (scope == NordPayKeyScope.CurrentUser) return PolicyStore.Remove(profile);
            var apart = Current().PoliciesApart ?? string.Empty;
            lock (ProcessPolicies) return ProcessPoliciesOf(apart).Remove(profile);
        }

        /// <summary>Where a profile's policy of a scope lives, as a prompt names it.</summary>
        public static string PolicyPlace(string profile, NordPayKeyScope scope) =>
            scope == NordPayKeyScope.CurrentUser
                ? $"NordPay payout policy of profile '{profile}' for the current user ({PolicyStore.Path})"
                : $"NordPay payout policy of profile '{profile}' for this PowerShell process (every runspace of it)";

        /// <summary>The current user's persisted policies, next to the persisted profiles.</summary>
        private static PolicyStore PolicyStore => new PolicyStore(Store.Directory);

        /// <summary>The current user's persisted profiles (a session may be pointed at another store by tests).</summary>
        public static KeyStore Store => Current().Store ??= KeyStore.ForCurrentUser();

        /// <summary>Points one session at another key store: tests use a temporary folder and a stand-in for DPAPI.</summary>
        internal static void UseKeyStore(Runspace runspace, KeyStore store)
        {
            var entry = Sessions.GetValue(runspace, _ => new Entry());
            (entry.Store, entry.PoliciesApart) = (store, store.Directory);
        }

        private static Entry Current() =>
            Sessions.GetValue(Runspace.DefaultRunspace ?? throw new InvalidOperationException("No PowerShell session is running on this thread."),
                _ => new Entry());
    }
}
