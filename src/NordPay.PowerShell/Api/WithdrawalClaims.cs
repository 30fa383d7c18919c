using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Api
{
    /// <summary>When, on NordPay's clock, a confirm can have created its withdrawal.</summary>
    internal sealed record TimeWindow(DateTimeOffset From, DateTimeOffset To)
    {
        public bool Contains(DateTimeOffset time) => time >= From && time <= To;

        public bool Overlaps(TimeWindow other) => From <= other.To && other.From <= To;

        public override string ToString() => $"{From:yyyy-MM-dd HH:mm:ss.fff} to {To:yyyy-MM-dd HH:mm:ss.fff} UTC";
    }

    /// <summary>What a search of the withdraw history proved about a confirm whose answer was lost.</summary>
    internal sealed class HistoryMatch
    {
        private HistoryMatch(IReadOnlyList<NordPayWithdrawal>? withdrawals, string reason, IReadOnlyList<NordPayWithdrawal> candidates)
        {
            Withdrawals = withdrawals;
            Reason = reason;
            Candidates = candidates;
        }

        /// <summary>
        /// One withdrawal per payout, in the payouts' order; null when the history proves nothing. Counted lookalikes
        /// (<see cref="WithdrawalClaims.Count"/>) get fewer: the payouts past them have none.
        /// </summary>
        public IReadOnlyList<NordPayWithdrawal>? Withdrawals { get; }

        /// <summary>Nothing in the history could be these payouts': once no confirm can land any more, they were not paid.</summary>
        public bool Absent => Withdrawals == null && Candidates.Count == 0;

        /// <summary>Why nothing was proved.</summary>
        public string Reason { get; }

        /// <summary>The withdrawals that could be the payout's, for the operator to decide on.</summary>
        public IReadOnlyList<NordPayWithdrawal> Candidates { get; }

        public static HistoryMatch Found(IReadOnlyList<NordPayWithdrawal> withdrawals) => new HistoryMatch(withdrawals, string.Empty, withdrawals);

        public static HistoryMatch Unproved(string reason, IReadOnlyList<NordPayWithdrawal> candidates) => new HistoryMatch(null, reason, candidates);
    }

    /// <summary>
    /// What one session knows about a merchant's withdraw history: the withdrawals already accounted for (each claimed
    /// by one payout at most), the confirms still in flight, and the payouts that may exist with no known withdrawal id.
    /// A lost confirm's withdrawal is claimed only when exactly one unclaimed withdrawal fits and no other unexplained
    /// payout of the same currency, address and amount could be it: otherwise the payout is in doubt, never a guess.
    /// </summary>
    internal sealed class WithdrawalClaims
    {
        private readonly object _gate = new object();
        // Each claimed withdrawal and the confirm that owns it (its request identifier), or null where no run says which.
        private readonly Dictionary<long, object?> _claimed = new Dictionary<long, object?>();
        private readonly Dictionary<PayoutKey, int> _inFlight = new Dictionary<PayoutKey, int>();
        private readonly List<(PayoutKey Key, TimeWindow Window, object Owner)> _unexplained = new List<(PayoutKey, TimeWindow, object)>();

        /// <summary>Records withdrawals known to be some payout's (a journal, a reconciliation).</summary>
        public void Claim(IEnumerable<long> ids)
        {
            lock (_gate)
                foreach (var id in ids)
                    if (!_claimed.ContainsKey(id)) _claimed[id] = null;
        }

        public bool IsClaimed(long id)
        {
            lock (_gate) return _claimed.ContainsKey(id);
        }

        /// <summary>
        /// Claims a withdrawal a confirm (<paramref name="owner"/>, its request identifier) answered with; false when
        /// another payout already owns it. The same confirm's claim again is its own.
        /// </summary>
        public bool TryClaim(long id, object owner)
        {
            lock (_gate)
            {
                if (_claimed.TryGetValue(id, out var by)) return Equals(by, owner);
                _claimed[id] = owner;
                return true;
            }
        }

        /// <summary>Marks confirms as sent and unanswered until the returned handle is disposed.</summary>
        public IDisposable InFlight(IReadOnlyList<PayoutKey> keys)
        {
            lock (_gate)
                foreach (var key in keys)
                    _inFlight[key] = (_inFlight.TryGetValue(key, out var n) ? n : 0) + 1;
            return new Landing(this, keys);
        }

        /// <summary>Waits until no confirm of these payouts is in flight: its answer will claim its withdrawal, or leave it unexplained.</summary>
        public async Task WhenLandedAsync(IReadOnlyCollection<PayoutKey> keys, CancellationToken cancellation)
        {
            while (true)
            {
                lock (_gate)
                    if (!keys.Any(k => _inFlight.ContainsKey(k))) return;
                await Task.Delay(20, cancellation).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// A payout that may exist in the history under no known id (a lost answer, a crash), until explained. The owner
        /// names the confirm (its request identifier), so searching again for the same confirm never competes with itself.
        /// </summary>
        public void Unexplained(PayoutKey key, TimeWindow window, object owner)
        {
            lock (_gate)
                if (!_unexplained.Any(u => Equals(u.Owner, owner) && u.Key == key)) _unexplained.Add((key, window, owner));
        }

        /// <summary>
        /// Claims, for each payout of <paramref name="owner"/>, one withdrawal of the history created in the window and
        /// claimed by nothing else. All or nothing; on success the owner's payouts are no longer unexplained.
        /// </summary>
        public HistoryMatch Match(IReadOnlyList<PayoutKey> payouts, TimeWindow window, IEnumerable<NordPayWithdrawal> history, object owner)
        {
            var items = history.ToList();
            lock (_gate)
            {
                var chosen = new NordPayWithdrawal?[payouts.Count];
                var candidates = new List<NordPayWithdrawal>();
                string? reason = null;
                foreach (var group in payouts.Select((key, index) => (key, index)).GroupBy(p => p.key))
                {
                    var key = group.Key;
                    // A withdrawal this very confirm claimed (its answer came, its journal entry did not) is its own.
                    var fits = items.Where(w => key.Equals(new PayoutKey(w.Currency, w.Address, w.Amount)) && window.Contains(w.CreatedAt)
                                                && (!_claimed.TryGetValue(w.Id, out var by) || Equals(by, owner)))
                        .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToList();
                    candidates.AddRange(fits);
                    var wanted = group.Count();
                    var rivals = _unexplained.Count(u => !Equals(u.Owner, owner) && u.Key == key && u.Window.Overlaps(window));
                    if (fits.Count < wanted)
                        reason ??= fits.Count == 0
                            ? $"no unclaimed withdrawal of {Amount.Format(key.Amount)} {key.Currency} to {key.Address} was created between {window}"
                            : $"only {fits.Count} of the {wanted} withdrawals of {Amount.Format(key.Amount)} {key.Currency} to {key.Address} are in the history";
                    else if (fits.Count > wanted)
                        reason ??= $"{fits.Count} withdrawals (ids {string.Join(", ", fits.Select(f => f.Id))}) could be the {wanted} of {Amount.Format(key.Amount)} {key.Currency} to {key.Address}";
                    else if (rivals > 0)
                        reason ??= $"another payout of {Amount.Format(key.Amount)} {key.Currency} to {key.Address} whose outcome is unknown could be withdrawal {string.Join(", ", fits.Select(f => f.Id))}";
                    else
                        foreach (var (slot, withdrawal) in group.Select(p => p.index).Zip(fits, (i, w) => (i, w)))
                            chosen[slot] = withdrawal;
                }
                if (reason != null) return HistoryMatch.Unproved(reason, candidates);
                var found = chosen.Select(w => w!).ToList();
                foreach (var withdrawal in found) _claimed[withdrawal.Id] = owner;
                _unexplained.RemoveAll(u => Equals(u.Owner, owner));
                return HistoryMatch.Found(found);
            }
        }

        /// <summary>
        /// Lookalike payouts (one currency, address and amount) of one batch whose requests expired, so that no confirm
        /// can land any more: the withdrawals of the history that fit their window and no one else's claim are theirs, one
        /// each in order, and the payouts past them were not paid. Unproved when more withdrawals fit than there are
        /// payouts, or when another unexplained payout could own one of them.
        /// </summary>
        public HistoryMatch Count(PayoutKey key, IReadOnlyList<object> owners, TimeWindow window, IEnumerable<NordPayWithdrawal> history)
        {
            var ours = new HashSet<object>(owners);
            lock (_gate)
            {
                var fits = history.Where(w => key.Equals(new PayoutKey(w.Currency, w.Address, w.Amount)) && window.Contains(w.CreatedAt)
                                              && (!_claimed.TryGetValue(w.Id, out var by) || (by != null && ours.Contains(by))))
                    .OrderBy(w => w.CreatedAt).ThenBy(w => w.Id).ToList();
                var what = $"{Amount.Format(key.Amount)} {key.Currency} to {key.Address}";
                if (fits.Count > owners.Count)
                    return HistoryMatch.Unproved($"{fits.Count} withdrawals (ids {string.Join(", ", fits.Select(f => f.Id))}) could be the {owners.Count} of {what}", fits);
                if (fits.Count > 0 && _unexplained.Any(u => !ours.Contains(u.Owner) && u.Key == key && u.Window.Overlaps(window)))
                    return HistoryMatch.Unproved($"another payout of {what} whose outcome is unknown could be withdrawal {string.Join(", ", fits.Select(f => f.Id))}", fits);
                for (var i = 0; i < fits.Count; i++) _claimed[fits[i].Id] = owners[i];
                _unexplained.RemoveAll(u => ours.Contains(u.Owner));
                return HistoryMatch.Found(fits);
            }
        }

        private sealed class Landing : IDisposable
        {
            private readonly WithdrawalClaims _claims;
            private IReadOnlyList<PayoutKey>? _keys;

            public Landing(WithdrawalClaims claims, IReadOnlyList<PayoutKey> keys)
            {
                _claims = claims;
                _keys = keys;
            }

            public void Dispose()
            {
                var keys = Interlocked.Exchange(ref _keys, null);
                if (keys == null) return;
                lock (_claims._gate)
                    foreach (var key in keys)
                        if (--_claims._inFlight[key] == 0) _claims._inFlight.Remove(key);
            }
        }
    }
}
