using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Policy
{
    /// <summary>
    /// A policy's repeat guard (-RepeatWindow): a payout of the same currency, address and amount as a withdrawal in
    /// NordPay's withdraw history within the window, or as one this run already admitted, is refused before anything is
    /// sent, so the same payouts from a re-saved file, a deleted journal or a copy of one are not paid again. A cancelled
    /// withdrawal paid nothing and is no repeat. The history is read once per currency and run, through the one history
    /// reader, whose certainty rules hold: a history that cannot be read refuses.
    /// </summary>
    internal sealed class RepeatGuard
    {
        private readonly NordPayPolicy _policy;
        private readonly Func<string, TimeSpan, IReadOnlyList<NordPayWithdrawal>> _readSince;
        // Each currency's history, or why it could not be read: read once, refused alike for every payout.
        private readonly Dictionary<string, (IReadOnlyList<NordPayWithdrawal>? Read, NordPayException? Failure)> _histories =
            new Dictionary<string, (IReadOnlyList<NordPayWithdrawal>?, NordPayException?)>(StringComparer.Ordinal);
        private readonly HashSet<PayoutKey> _admitted = new HashSet<PayoutKey>();

        /// <param name="readSince">The currency's withdrawals NordPay's history shows within a window back from now.</param>
        public RepeatGuard(NordPayPolicy policy, Func<string, TimeSpan, IReadOnlyList<NordPayWithdrawal>> readSince)
        {
            _policy = policy;
            _readSince = readSince;
        }

        /// <summary>The window of a policy that has one.</summary>
        public static TimeSpan? WindowOf(NordPayPolicy policy) =>
            policy.RepeatWindowHours is { } hours ? TimeSpan.FromTicks((long)(hours * TimeSpan.TicksPerHour)) : (TimeSpan?)null;

        /// <summary>
        /// The withdrawal the payout repeats, or null; <paramref name="ownWithdrawals"/> are those of the same journal row
        /// being run again, which are no repeat of it.
        /// </summary>
        public NordPayWithdrawal? FindRepeat(string currency, string address, decimal amount, ICollection<long>? ownWithdrawals = null)
        {
            if (WindowOf(_policy) is not { } window) return null;
            if (!_histories.TryGetValue(currency, out var history))
            {
                try
                {
                    _histories[currency] = history = (_readSince(currency, window), null);
                }
                catch (NordPayException ex)
                {
                    _histories[currency] = history = (null, ex);
                }
            }
            if (history.Failure != null) throw history.Failure;
            var payout = new PayoutKey(currency, address, amount);
            return history.Read!.FirstOrDefault(w => payout.Equals(new PayoutKey(w.Currency, w.Address, w.Amount))
                                                 && WithdrawalStatus.Counts(w.Status) && !(ownWithdrawals?.Contains(w.Id) ?? false));
        }

        /// <summary>Throws PolicyRepeatPayout when the payout repeats a withdrawal in the history or one this run admitted; otherwise counts it in.</summary>
        public void Admit(string currency, string address, decimal amount)
        {
            var key = new PayoutKey(currency, address, amount);
            if (FindRepeat(currency, address, amount) is { } repeated) throw Refused(_policy, repeated);
            if (WindowOf(_policy) != null && !_admitted.Add(key))
                throw new NordPayException("PolicyRepeatPayout", ErrorKind.ResourceExists,
                    $"{Amount.Format(amount)} {currency} to {address} was already admitted earlier in this call; policy {_policy.Name} refuses the same payout twice " +
                    $"within {Amount.Format(_policy.RepeatWindowHours!.Value)} hours, and nothing was sent for this one.", "Amount",
                    recommendedAction: "Check the input for a duplicated row; if both payouts are meant, pay the second with -AllowRepeat.");
        }

        /// <summary>Takes back an admitted payout that was then not made.</summary>
        public void Release(string currency, string address, decimal amount) => _admitted.Remove(new PayoutKey(currency, address, amount));

        /// <summary>The refusal of a payout that repeats a withdrawal in NordPay's history.</summary>
        public static NordPayException Refused(NordPayPolicy policy, NordPayWithdrawal repeated) =>
            new NordPayException("PolicyRepeatPayout", ErrorKind.ResourceExists,
                $"{Amount.Format(repeated.Amount)} {repeated.Currency} to {repeated.Address} repeats withdrawal {repeated.Id} ({repeated.Status}), made at " +
                $"{repeated.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC (NordPay's clock); policy {policy.Name} refuses " +
                $"the same currency, address and amount within {Amount.Format(policy.RepeatWindowHours!.Value)} hours, and nothing was sent.", "Amount",
                recommendedAction: "Check that this is not the same payout from another file or a lost journal (Get-NordPayWithdrawal); if it is meant " +
                                   "to be paid again, run it with -AllowRepeat, which the audit records.");

        /// <summary>How an audit record names a repeat paid with -AllowRepeat.</summary>
        public static string Allowed(NordPayWithdrawal repeated) =>
            $"repeats withdrawal {repeated.Id}, made at {repeated.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC; paid by -AllowRepeat";

        /// <summary>The currency's withdrawals within <paramref name="window"/> back from now on NordPay's clock (taken early, which reads more).</summary>
        public static async Task<IReadOnlyList<NordPayWithdrawal>> ReadSinceAsync(INordPayApi client, string currency, TimeSpan window, CancellationToken cancellation)
        {
            DateTimeOffset? from = null;
            DateTimeOffset From() => from ??= (client.Merchant.Clock.Earliest(DateTimeOffset.UtcNow) ?? DateTimeOffset.UtcNow - HistorySearch.UnknownClockSkew) - window;
            try
            {
                var read = await client.ReadHistoryAsync(currency, r => r[r.Count - 1].CreatedAt < From(), cancellation).ConfigureAwait(false);
                return read.Where(w => w.CreatedAt >= From()).ToList();
            }
            catch (NordPayException ex)
            {
                throw ex.WithMessage($"NordPay's withdraw history could not be read, so whether this {currency} payout repeats one is unknown and nothing was paid: {ex.Message}");
            }
        }
    }
}
