using System;
using System.Collections.Generic;
using System.Linq;

namespace NordPay.Policy
{
    /// <summary>
    /// The payouts this process admitted under a day limit, per account and currency, so that runs in several runspaces
    /// at once (ForEach-Object -Parallel, thread jobs) cannot each fit under the limit with a history that does not yet
    /// show the others. A run's payouts count for every other run until the run ends, and after it for every run whose
    /// history was read before it ended: counted twice, perhaps, but never missed. Plain .NET state, shared by runspaces.
    /// </summary>
    internal sealed class DayLedger
    {
        public static DayLedger Process { get; } = new DayLedger();

        private readonly List<Entry> _entries = new List<Entry>();

        private sealed class Entry
        {
            public Entry(string account, string currency, object run) => (Account, Currency, Run) = (account, currency, run);
            public string Account { get; }
            public string Currency { get; }
            public object Run { get; }
            public decimal Amount { get; set; }
            public DateTimeOffset? Ended { get; set; }
        }

        /// <summary>
        /// What other runs of this process admitted in the account's currency that a history read at <paramref name="readAt"/>
        /// may not show; with <paramref name="fits"/> (given it) true, <paramref name="amount"/> is counted for <paramref name="run"/>
        /// in the same step, so that no other run checks in between.
        /// </summary>
        public decimal Count(string account, string currency, object run, DateTimeOffset readAt, decimal amount, Func<decimal, bool> fits)
        {
            lock (_entries)
            {
                var others = _entries.Where(e => e.Account == account && e.Currency == currency && e.Run != run && (e.Ended == null || e.Ended >= readAt))
                    .Sum(e => e.Amount);
                if (!fits(others)) return others;
                var own = _entries.FirstOrDefault(e => e.Run == run && e.Account == account && e.Currency == currency);
                if (own == null) _entries.Add(own = new Entry(account, currency, run));
                own.Amount += amount;
                return others;
            }
        }

        /// <summary>Takes back an amount a run counted and then did not pay.</summary>
        public void Release(string account, string currency, object run, decimal amount)
        {
            lock (_entries)
            {
                var own = _entries.FirstOrDefault(e => e.Run == run && e.Account == account && e.Currency == currency);
                if (own != null) own.Amount -= amount;
            }
        }

        /// <summary>A run is over: what it paid is in the history of every later read. Entries older than two days go.</summary>
        public void End(object run, DateTimeOffset now)
        {
            lock (_entries)
            {
                foreach (var entry in _entries.Where(e => e.Run == run)) entry.Ended = now;
                _entries.RemoveAll(e => e.Ended < now.AddDays(-2));
            }
        }
    }
}
