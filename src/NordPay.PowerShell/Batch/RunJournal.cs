using System;
using System.Collections.Generic;
using System.Linq;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>What became of a row in doubt the operator named for settling.</summary>
    /// <param name="Row">The row in doubt.</param>
    /// <param name="Record">Its record, moved on when it was settled.</param>
    /// <param name="ProvedPaid">The withdraw history showed it paid before it was settled: it is not settled, and never paid again.</param>
    /// <param name="Problem">Settled as not paid, but the row cannot be paid now (its preflight failed).</param>
    internal sealed record SettledRow(PayoutRow Row, RowRecord Record, bool ProvedPaid, NordPayException? Problem);

    /// <summary>
    /// A run's own journal entries beyond each row's calls (the payout engine journals those): the run's start and end,
    /// each row's plan and the operator's settlements; and which rows in doubt one history search answers for.
    /// </summary>
    internal sealed class RunJournal
    {
        private readonly Journal _journal;
        private readonly string _run = Guid.NewGuid().ToString("N");
        private bool _started;

        public RunJournal(Journal journal) => _journal = journal;

        public string Path => _journal.Path;

        /// <summary>Journals that the run starts paying <paramref name="rows"/> rows, once they are approved.</summary>
        public void Start(int rows, string by)
        {
            _journal.Append(new JournalEntry(JournalEvent.RunStarted, DateTimeOffset.UtcNow) { Run = _run, Message = $"{rows} rows {by}" });
            _started = true;
        }

        /// <summary>Journals a row's payout before anything is sent for it, unless an earlier run planned it.</summary>
        public void Plan(PayoutRow row, RowRecord? record)
        {
            if (record?.Currency != null) return;
            _journal.Append(new JournalEntry(JournalEvent.Planned, DateTimeOffset.UtcNow)
            {
                References = new[] { row.Reference }, Row = row.Row, Currency = row.Currency, Address = row.Address, Amount = Core.Amount.Format(row.Amount),
            });
        }

        /// <summary>
        /// The rows in doubt to look up in the withdraw history, together when one search answers for them: those sent
        /// under one request, or lookalikes (one payout's key) whose requests expired on NordPay's clock
        /// (<paramref name="serverNow"/>) past the settle margin, as <c>Expired</c> says. Rows whose withdrawal paid nothing
        /// are not looked up: the history already said.
        /// </summary>
        public static IReadOnlyList<(IReadOnlyList<(PayoutRow Row, RowRecord Record)> Rows, bool Expired)> InDoubtGroups(BatchPlan plan, DateTimeOffset serverNow)
        {
            bool Expired(RowRecord record) => record.ExpiresAt is { } expires && expires + PayoutEngine.SettleMargin < serverNow;
            return plan.InDoubt.Where(r => r.Record.State != PayoutState.WithdrawalFailed)
                .GroupBy(r => !r.Record.Multiple && Expired(r.Record) ? (object)r.Row.Key : r.Record.Identifier ?? (object)r.Row.Reference)
                .Select(g => ((IReadOnlyList<(PayoutRow, RowRecord)>)g.ToList(), g.All(r => Expired(r.Record))))
                .ToList();
        }

        /// <summary>
        /// Settles the rows in doubt named in <paramref name="settling"/> as the operator decided, each once
        /// <paramref name="approve"/> says so, unless the withdraw history proved it paid meanwhile; tells each to
        /// <paramref name="report"/>, in order. Returns the references settled.
        /// </summary>
        public HashSet<string> Settle(BatchPlan plan, ISet<string> settling, NordPaySettlement settlement, string by,
            Func<PayoutRow, bool> approve, Action<SettledRow> report)
        {
            var settled = new HashSet<string>(StringComparer.Ordinal);
            var paid = settlement == NordPaySettlement.Paid;
            foreach (var (row, record) in plan.InDoubt)
            {
                if (!settling.Contains(row.Reference)) continue;
                if (record.State == PayoutState.Confirmed)
                {
                    report(new SettledRow(row, record, ProvedPaid: true, null));
                    continue;
                }
                if (!approve(row)) continue;
                Settle(record, settlement, by);
                settled.Add(row.Reference);
                report(new SettledRow(row, record, ProvedPaid: false, plan.Settle(row, paid)));
            }
            return settled;
        }

        /// <summary>Journals what the operator decided of a row in doubt, and moves its record on.</summary>
        public void Settle(RowRecord record, NordPaySettlement settlement, string by)
        {
            var entry = new JournalEntry(JournalEvent.Settled, DateTimeOffset.UtcNow) { References = new[] { record.Reference }, Outcome = settlement, Message = by };
            _journal.Append(entry);
            record.Apply(entry);
        }

        /// <summary>Journals the end of a started run, with what became of its rows.</summary>
        public void Finish(string tally)
        {
            if (_started) _journal.Append(new JournalEntry(JournalEvent.RunFinished, DateTimeOffset.UtcNow) { Run = _run, Message = tally });
        }
    }
}
