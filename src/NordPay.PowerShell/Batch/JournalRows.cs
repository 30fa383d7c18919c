using System.Collections.Generic;
using System.Linq;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>What a journal says of each of its rows, for people: the fold of its entries, with outcomes named as Invoke-NordPayPayout names them.</summary>
    internal static class JournalRows
    {
        /// <summary>The journal's rows in input order; a row is Paid when the journal's latest run paid it, AlreadyPaid when an earlier one did.</summary>
        public static IReadOnlyList<NordPayJournalRow> Read(string path, IReadOnlyList<JournalEntry> entries)
        {
            var latestRun = LastIndex(entries, JournalEvent.RunStarted);
            var earlier = RowRecord.Fold(entries.Take(latestRun < 0 ? 0 : latestRun));
            return RowRecord.Fold(entries).Values
                .OrderBy(r => r.Row ?? int.MaxValue).ThenBy(r => r.Reference, System.StringComparer.Ordinal)
                .Select(r => Describe(path, r, earlier.TryGetValue(r.Reference, out var before) && before.State == PayoutState.Confirmed))
                .ToList();
        }

        private static NordPayJournalRow Describe(string path, RowRecord record, bool paidEarlier) =>
            new NordPayJournalRow(path, record.Reference, record.Row, State(record.State, paidEarlier), record.Currency, record.Address,
                Amount.ReadServer(record.Amount), Amount.ReadServer(record.ServiceFee), record.Identifier, record.WithdrawalId, record.BatchId, record.Reconciled,
                record.ErrorId, record.Message, record.ChangedAt)
            {
                SettlesAfter = record.State is PayoutState.ConfirmSending or PayoutState.InDoubt ? record.ExpiresAt + PayoutEngine.SettleMargin : null,
            };

        private static NordPayJournalState State(PayoutState state, bool paidEarlier) => state switch
        {
            PayoutState.Planned => NordPayJournalState.Planned,
            PayoutState.Requested => NordPayJournalState.Requested,
            PayoutState.ConfirmSending => NordPayJournalState.ConfirmSent,
            PayoutState.Confirmed => paidEarlier ? NordPayJournalState.AlreadyPaid : NordPayJournalState.Paid,
            PayoutState.InDoubt => NordPayJournalState.InDoubt,
            PayoutState.WithdrawalFailed => NordPayJournalState.WithdrawalFailed,
            _ => NordPayJournalState.Failed,
        };

        private static int LastIndex(IReadOnlyList<JournalEntry> entries, JournalEvent @event)
        {
            for (var i = entries.Count - 1; i >= 0; i--)
                if (entries[i].Event == @event) return i;
            return -1;
        }
    }
}
