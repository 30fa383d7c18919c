using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NordPay.Batch;
using NordPay.Models;

namespace NordPay.Commands
{
    /// <summary>
    /// Shows where each row of a batch journal stands: one object per row, read without taking the journal (also while a
    /// run holds it); -Refresh reads each paid row's withdrawal from NordPay's history as it is now.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "NordPayJournal", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(NordPayJournalRow))]
    public sealed class GetNordPayJournalCommand : NordPayJournalCmdlet
    {
        /// <summary>Only rows in these states.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public NordPayJournalState[]? State { get; set; }

        /// <summary>Reads the status of each paid row's withdrawal (pending, processed, cancelled) from NordPay's history.</summary>
        [Parameter]
        public SwitchParameter Refresh { get; set; }

        protected override void ProcessRecord()
        {
            foreach (var (path, entries) in ReadJournals())
            {
                var rows = JournalRows.Read(path, entries).Where(r => State == null || State.Contains(r.State)).ToList();
                foreach (var row in Refresh ? Refreshed(rows) : rows) WriteObject(row);
            }
        }

        // Each paid row with its withdrawal as the history shows it now: the history of each currency is read once.
        private IReadOnlyList<NordPayJournalRow> Refreshed(IReadOnlyList<NordPayJournalRow> rows)
        {
            var current = new Dictionary<long, NordPayWithdrawal>();
            foreach (var byCurrency in rows.Where(r => r.WithdrawalId > 0).GroupBy(r => r.Currency))
            {
                var ids = byCurrency.Select(r => r.WithdrawalId!.Value).ToList();
                Connect();
                foreach (var withdrawal in AwaitOrFail(token => Client.FindWithdrawalsAsync(byCurrency.Key, ids, token))) current[withdrawal.Id] = withdrawal;
            }
            return rows.Select(row =>
            {
                if (!(row.WithdrawalId > 0)) return row;
                if (current.TryGetValue(row.WithdrawalId!.Value, out var withdrawal)) return row with { WithdrawalStatus = withdrawal.Status, TxHash = withdrawal.TxHash };
                WriteWarning($"Row {row.Row} ({row.Reference}) of {row.JournalPath}: withdrawal {row.WithdrawalId} is not in the withdraw history; Compare-NordPayJournal shows what the history holds instead.");
                return row;
            }).ToList();
        }
    }
}
