using System;
using System.Collections.Generic;

namespace NordPay.Batch
{
    /// <summary>Where a row stands, as its journal entries say.</summary>
    public enum PayoutState
    {
        Planned,
        Requested,
        /// <summary>A confirm was announced (and maybe sent) with no outcome: it may have been paid.</summary>
        ConfirmSending,
        Confirmed,
        Failed,
        /// <summary>A confirm's outcome could not be established; never paid again automatically.</summary>
        InDoubt,
    }

    /// <summary>The latest known state of one reference, folded from the journal.</summary>
    public sealed class RowRecord
    {
        public RowRecord(string reference) => Reference = reference;

        public string Reference { get; }
        public PayoutState State { get; set; }
        public string? Currency { get; set; }
        public string? Address { get; set; }
        public string? Amount { get; set; }
        public Guid? Identifier { get; set; }
        public bool Multiple { get; set; }
        public DateTimeOffset? ExpiresAt { get; set; }
        public DateTimeOffset? ConfirmSentAt { get; set; }
        public long? WithdrawalId { get; set; }
        public string? ServiceFee { get; set; }

        /// <summary>True when a payout may exist: confirmed, or a confirm whose outcome is unknown.</summary>
        public bool MayBePaid => State == PayoutState.Confirmed || State == PayoutState.ConfirmSending || State == PayoutState.InDoubt;

        /// <summary>Reads each reference's latest state from the journal's entries, in order.</summary>
        public static Dictionary<string, RowRecord> Fold(IEnumerable<JournalEntry> entries)
        {
            var records = new Dictionary<string, RowRecord>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                foreach (var reference in entry.References)
                {
                    if (!records.TryGetValue(reference, out var record)) records[reference] = record = new RowRecord(reference);
                    record.Apply(entry);
                }
            }
            return records;
        }

        /// <summary>Moves this record on by one journal entry about it.</summary>
        public void Apply(JournalEntry entry)
        {
            var record = this;
            switch (entry.Event)
            {
                case JournalEvent.Planned:
                    record.Currency = entry.Currency;
                    record.Address = entry.Address;
                    record.Amount = entry.Amount;
                    if (!record.MayBePaid && record.State != PayoutState.Requested) record.State = PayoutState.Planned;
                    break;
                case JournalEvent.Requested:
                    record.State = PayoutState.Requested;
                    record.Identifier = entry.Identifier;
                    record.Multiple = entry.Multiple;
                    record.ExpiresAt = entry.ExpiresAt;
                    record.ServiceFee = entry.ServiceFee;
                    break;
                case JournalEvent.ConfirmSending:
                    record.State = PayoutState.ConfirmSending;
                    record.ConfirmSentAt = entry.At;
                    break;
                case JournalEvent.Confirmed:
                    record.State = PayoutState.Confirmed;
                    record.WithdrawalId = entry.WithdrawalId;
                    break;
                case JournalEvent.Failed:
                    record.State = PayoutState.Failed;
                    break;
                case JournalEvent.InDoubt:
                    record.State = PayoutState.InDoubt;
                    break;
                case JournalEvent.Settled:
                    if (entry.Outcome == "Paid") record.State = PayoutState.Confirmed;
                    else
                    {
                        // Not paid, by the operator's word: the row starts over with a new request.
                        record.State = PayoutState.Planned;
                        record.Identifier = null;
                        record.ExpiresAt = null;
                    }
                    break;
            }
        }
    }
}
