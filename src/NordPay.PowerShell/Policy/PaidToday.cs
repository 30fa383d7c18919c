using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Policy
{
    /// <summary>What NordPay's withdraw history shows paid in one currency on one day.</summary>
    internal sealed class DayTotal
    {
        public DayTotal(DateTimeOffset day, decimal paid, int withdrawals)
        {
            Day = day;
            Paid = paid;
            Withdrawals = withdrawals;
        }

        /// <summary>The day's start, 00:00 UTC.</summary>
        public DateTimeOffset Day { get; }
        public decimal Paid { get; }
        public int Withdrawals { get; }
    }

    /// <summary>
    /// A day's payouts in one currency, counted from NordPay's withdraw history, so that runs, re-runs and the two-step
    /// cmdlets add up. "A day" is the calendar day in UTC on NordPay's own clock, the clock of its created_at timestamps
    /// (its Date header tells it): every machine and time zone that runs a job agrees on it, and no daylight-saving
    /// change makes it 23 or 25 hours long. When this machine cannot tell which side of midnight NordPay's clock is on,
    /// the earlier day is taken, which counts more. Every withdrawal counts but a cancelled one: pending (waiting for the
    /// merchant's admin), processed, and any other status NordPay may report. Amounts as paid out; fees are not counted.
    /// </summary>
    internal static class PaidToday
    {
        /// <summary>The currency's total today; a history that cannot be read fails with its own error, said to leave the day unknown.</summary>
        public static async Task<DayTotal> ReadAsync(INordPayApi client, string currency, CancellationToken cancellation)
        {
            try
            {
                return await ReadAsync(client.ReadHistoryAsync, client.Merchant.Clock, () => DateTimeOffset.UtcNow, currency, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex)
            {
                throw ex.WithMessage($"NordPay's withdraw history could not be read, so what {currency} paid today is unknown and nothing was paid: {ex.Message}");
            }
        }

        internal static async Task<DayTotal> ReadAsync(
            Func<string, Func<IReadOnlyList<NordPayWithdrawal>, bool>, CancellationToken, Task<IReadOnlyList<NordPayWithdrawal>>> history,
            ServerClock clock, Func<DateTimeOffset> now, string currency, CancellationToken cancellation)
        {
            // Taken once the first page answered, whose Date header tells NordPay's clock.
            DateTimeOffset? day = null;
            DateTimeOffset Day() => day ??= DayOf(clock, now());
            var read = await history(currency, r => r[r.Count - 1].CreatedAt < Day(), cancellation).ConfigureAwait(false);
            var today = read.Where(w => w.CreatedAt >= Day() && WithdrawalStatus.Counts(w.Status)).ToList();
            return new DayTotal(Day(), today.Sum(w => w.Amount), today.Count);
        }

        /// <summary>
        /// 00:00 UTC of the day NordPay's clock is on at this machine's <paramref name="local"/> instant: the earliest it
        /// can read, or, with no Date header seen yet, this machine's clock less the skew the history search allows.
        /// </summary>
        public static DateTimeOffset DayOf(ServerClock clock, DateTimeOffset local)
        {
            var earliest = clock.Earliest(local) ?? local - HistorySearch.UnknownClockSkew;
            return new DateTimeOffset(earliest.UtcDateTime.Date, TimeSpan.Zero);
        }
    }
}
