using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Models;

namespace NordPay.Api
{
    /// <summary>
    /// Finds in the withdraw history the withdrawals of confirms whose answers were lost, in the window NordPay's clock
    /// allows, under the claiming rules of <see cref="WithdrawalClaims"/>.
    /// </summary>
    internal sealed class HistorySearch
    {
        private const int PageSize = 100;

        // How far apart NordPay's own clocks (its servers) may be, beyond what the Date headers bound.
        private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1);

        // With no Date header ever seen, how far the server's clock may be from ours.
        internal static readonly TimeSpan UnknownClockSkew = TimeSpan.FromMinutes(2);

        private readonly MerchantState _merchant;
        private readonly Func<string, int, int, CancellationToken, Task<IReadOnlyList<NordPayWithdrawal>>> _page;

        public HistorySearch(MerchantState merchant, Func<string, int, int, CancellationToken, Task<IReadOnlyList<NordPayWithdrawal>>> page)
        {
            _merchant = merchant;
            _page = page;
        }

        /// <summary>
        /// When, on NordPay's clock, a confirm sent at <paramref name="sentAt"/> (this machine's clock) can have created
        /// its withdrawal: not before it was sent, not after its request expired, and not after now.
        /// </summary>
        public TimeWindow ConfirmWindow(DateTimeOffset sentAt, DateTimeOffset? serverSentAt, DateTimeOffset? expiresAt)
        {
            var clock = _merchant.Clock;
            var now = DateTimeOffset.UtcNow;
            var from = serverSentAt ?? clock.Earliest(sentAt) ?? sentAt - UnknownClockSkew;
            var to = clock.Latest(now) ?? now + UnknownClockSkew;
            if (expiresAt is { } expires && expires < to) to = expires;
            return new TimeWindow(from - Slack, to + Slack);
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
            var history = new List<NordPayWithdrawal>();
            foreach (var currency in payouts.Select(p => p.Currency).Distinct(StringComparer.Ordinal))
            {
                for (var offset = 0; ; offset += PageSize)
                {
                    var page = await _page(currency, offset, PageSize, cancellation).ConfigureAwait(false);
                    history.AddRange(page);
                    // Newest first: once a page reaches past the window's start, older pages cannot hold a match.
                    if (page.Count < PageSize || page.Any(w => w.CreatedAt < window.From)) break;
                }
            }
            return claims.Match(payouts, window, history, owner);
        }
    }
}
