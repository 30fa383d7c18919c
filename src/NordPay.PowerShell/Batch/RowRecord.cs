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
            switch (entry.Event)
            {
                case JournalEvent.Planned:
                    Currency = entry.Currency;
                    Address = entry.Address;
                    Amount = entry.Amount;
                    if (!MayBePaid && State != PayoutState.Requested) State = PayoutState.Planned;
                    break;
                case JournalEvent.Requested:
                    State = PayoutState.Requested;
                    Identifier = entry.Identifier;
                    Multiple = entry.Multiple;
                    ExpiresAt = entry.ExpiresAt;
                    ServiceFee = entry.ServiceFee;
                    break;
                case JournalEvent.ConfirmSending:
                    State = PayoutState.ConfirmSending;
                    ConfirmSentAt = entry.At;
                    break;
                case JournalEvent.Confirmed:
                    State = PayoutState.Confirmed;
                    WithdrawalId = entry.WithdrawalId;
                    break;
                case JournalEvent.Failed:
                    State = PayoutState.Failed;
                    break;
                case JournalEvent.InDoubt:
                    State = PayoutState.InDoubt;
                    break;
                case JournalEvent.Settled:
                    if (entry.Outcome == "Paid") State = PayoutState.Confirmed;
                    else
                    {
                        // Not paid, by the operator's word: the row starts over with a new request.
                        State = PayoutState.Planned;
                        Identifier = null;
                        ExpiresAt = null;
                    }
                    break;
            }
        }
    }
}
