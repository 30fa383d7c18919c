using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Api
{
    /// <summary>
    /// Finds in the withdraw history the withdrawals of confirms whose answers were lost, in the window NordPay's clock
    /// allows, under the claiming rules of <see cref="WithdrawalClaims"/>.
    /// </summary>
    internal sealed class HistorySearch
    {
        // How far apart NordPay's own clocks (its servers) may be, beyond what the Date headers bound.
        private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

        // With no Date header ever seen, how far the server's clock may be from ours.
        internal static readonly TimeSpan UnknownClockSkew = TimeSpan.FromMinutes(2);

        private readonly MerchantState _merchant;
        private readonly HistoryReader _reader;

        public HistorySearch(MerchantState merchant, HistoryReader reader)
        {
            _merchant = merchant;
            _reader = reader;
        }

        /// <summary>
        /// When, on NordPay's clock, a confirm sent at <paramref name="sentAt"/> (this machine's clock) can have created
        /// its withdrawal: not before it was sent, not after its request expired, and not after now.
        /// </summary>
        public TimeWindow ConfirmWindow(DateTimeOffset sentAt, DateTimeOffset? serverSentAt, DateTimeOffset? expiresAt)
        {
            var span = Span(sentAt, DateTimeOffset.UtcNow);
            var from = serverSentAt is { } server ? server - Slack : span.From;
            var to = expiresAt is { } expires && expires + Slack < span.To ? expires + Slack : span.To;
            return new TimeWindow(from, to);
        }

        /// <summary>When, on NordPay's clock, withdrawals made between two instants of this machine's clock can have been created.</summary>
        public TimeWindow Span(DateTimeOffset fromLocal, DateTimeOffset toLocal)
        {
            var clock = _merchant.Clock;
            return new TimeWindow((clock.Earliest(fromLocal) ?? fromLocal - UnknownClockSkew) - Slack, (clock.Latest(toLocal) ?? toLocal + UnknownClockSkew) + Slack);
        }

        /// <summary>
        /// The withdrawals a lost confirm created, one per payout, once every other confirm of the same payouts has
        /// landed. Until found, <paramref name="owner"/>'s payouts count as unexplained for every other search.
        /// </summary>
        public async Task<HistoryMatch> FindAsync(IReadOnlyList<PayoutKey> payouts, TimeWindow window, object owner, CancellationToken cancellation)
        {
            var claims = _merchant.Claims;
            foreach (var key in payouts) claims.Unexplained(key, window, owner);
            await claims.WhenLandedAsync(payouts.Distinct().ToList(), cancellation).ConfigureAwait(false);
            var history = await _reader.SinceAsync(payouts.Select(p => p.Currency), window.From, cancellation).ConfigureAwait(false);
            return claims.Match(payouts, window, history, owner);
        }

        /// <summary>Lookalike payouts whose requests expired, by count (see <see cref="WithdrawalClaims.Count"/>).</summary>
        public async Task<HistoryMatch> CountAsync(PayoutKey key, IReadOnlyList<object> owners, TimeWindow window, CancellationToken cancellation)
        {
            var claims = _merchant.Claims;
            await claims.WhenLandedAsync(new[] { key }, cancellation).ConfigureAwait(false);
            var history = await _reader.SinceAsync(key.Currency, window.From, cancellation).ConfigureAwait(false);
            return claims.Count(key, owners, window, history);
        }
    }
}
