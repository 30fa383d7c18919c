using System;
using NordPay.Api;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>
    /// A run's journal beyond each row's calls: the run's start and end, each row's plan and the operator's settlements,
    /// and the payout engine that journals the calls. The cmdlet asks and writes; every journal entry is written here or by the engine.
    /// </summary>
    internal sealed class BatchRun
    {
        private readonly NordPayClient _client;
        private readonly Journal _journal;
        private readonly string _run = Guid.NewGuid().ToString("N");
        private bool _started;

        public BatchRun(NordPayClient client, Journal journal)
        {
            _client = client;
            _journal = journal;
        }

        public string JournalPath => _journal.Path;

        /// <summary>The engine that pays (or resolves) rows and journals each call, reporting each row to <paramref name="report"/>.</summary>
        public PayoutEngine Engine(Action<PayoutEvent> report) => new PayoutEngine(_client, _journal, report);

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
