using System;
using System.Collections.Generic;
using System.Linq;
using NordPay.Api;
using NordPay.Models;

namespace NordPay.Session
{
    /// <summary>
    /// What every runspace of this process shares, where a runspace's own state (<see cref="NordPaySession"/>) would let
    /// ForEach-Object -Parallel and thread jobs pay past each other: what was learned of each merchant, and the -Scope Process policies.
    /// </summary>
    internal static class ProcessWide
    {
        // Runspaces paying one merchant must see each other's claimed withdrawals, or a lost confirm in one takes another's payout for its own.
        private static readonly Dictionary<string, MerchantState> Merchants = new Dictionary<string, MerchantState>(StringComparer.Ordinal);

        // One set for the whole process, whatever NORDPAY_CONFIG_DIR says when a runspace starts; tests keep theirs apart by a tag.
        private static readonly Dictionary<string, ProcessPolicies> PolicySets = new Dictionary<string, ProcessPolicies>(StringComparer.Ordinal);

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

        /// <summary>The process's -Scope Process policies: the one set (tag ""), or a test's own set kept apart by its tag.</summary>
        public static ProcessPolicies Policies(string apart)
        {
            lock (PolicySets)
            {
                return PolicySets.TryGetValue(apart, out var policies) ? policies : PolicySets[apart] = new ProcessPolicies();
            }
        }
    }

    /// <summary>The -Scope Process policies by profile, read and changed by every runspace of the process.</summary>
    internal sealed class ProcessPolicies
    {
        private readonly Dictionary<string, NordPayPolicy> _byProfile = new Dictionary<string, NordPayPolicy>(StringComparer.Ordinal);

        public NordPayPolicy? Find(string profile)
        {
            lock (_byProfile) return _byProfile.TryGetValue(profile, out var policy) ? policy : null;
        }

        public IReadOnlyList<NordPayPolicy> List()
        {
            lock (_byProfile) return _byProfile.Values.OrderBy(p => p.Profile, StringComparer.Ordinal).ToList();
        }

        /// <summary>Keeps a policy, replacing its profile's.</summary>
        public void Save(NordPayPolicy policy)
        {
            lock (_byProfile) _byProfile[policy.Profile] = policy;
        }

        public bool Remove(string profile)
        {
            lock (_byProfile) return _byProfile.Remove(profile);
        }
    }
}
