using System;

namespace NordPay.Models
{
    /// <summary>Where a row of a batch stands, as its journal says.</summary>
    public enum NordPayJournalState
    {
        /// <summary>Journaled before its request: nothing was asked of NordPay yet, or the request failed to arrive.</summary>
        Planned,

        /// <summary>A withdraw request exists; it was not confirmed. A re-run confirms it while it is valid, else asks again.</summary>
        Requested,

        /// <summary>
        /// A confirm was announced and no outcome is journaled: a run is sending it now, or the run died. Until a re-run
        /// finds its withdrawal in the history, it may or may not be paid.
        /// </summary>
        ConfirmSent,

        /// <summary>Paid by the journal's latest run (since its last run-started entry).</summary>
        Paid,

        /// <summary>Paid by an earlier run of the journal, or settled as paid.</summary>
        AlreadyPaid,

        /// <summary>A confirm's outcome could not be established: never paid again until settled with -SettleInDoubt.</summary>
        InDoubt,

        /// <summary>Not paid, as NordPay's answer proved; a re-run tries it again.</summary>
        Failed,

        /// <summary>
        /// Its withdrawal exists in a status that pays nothing (failed, cancelled, or one the module does not know): not
        /// paid, and never paid again until settled with -SettleInDoubt NotPaid (a wrong address would fail again).
        /// </summary>
        WithdrawalFailed,
    }

    /// <summary>One row of a batch journal: what the journal records of its payout, and when it last changed.</summary>
    public sealed record NordPayJournalRow
    {
        public NordPayJournalRow(string journalPath, string reference, int? row, NordPayJournalState state, string? currency, string? address,
            decimal? amount, decimal? serviceFee, Guid? identifier, long? withdrawalId, long? batchId, bool reconciled, string? errorId,
            string? message, DateTimeOffset? changedAt)
        {
            JournalPath = journalPath;
            Reference = reference;
            Row = row;
            State = state;
            Currency = currency;
            Address = address;
            Amount = amount;
            ServiceFee = serviceFee;
            Identifier = identifier;
            WithdrawalId = withdrawalId;
            BatchId = batchId;
            Reconciled = reconciled;
            ErrorId = errorId;
            Message = message;
            ChangedAt = changedAt;
        }

        public string JournalPath { get; }
        public string Reference { get; }
        /// <summary>The row's number in the input of the run that planned it.</summary>
        public int? Row { get; }
        public NordPayJournalState State { get; }
        public string? Currency { get; }
        public string? Address { get; }
        public decimal? Amount { get; }
        public decimal? ServiceFee { get; }
        /// <summary>The withdraw request's identifier.</summary>
        public Guid? Identifier { get; }
        /// <summary>The row's own withdrawal in the withdraw history, once known.</summary>
        public long? WithdrawalId { get; }
        /// <summary>For a multiple withdraw: the id its confirm answered with, which names the batch.</summary>
        public long? BatchId { get; }
        /// <summary>True when the confirm's answer was lost and the payout was found in the withdraw history.</summary>
        public bool Reconciled { get; }
        /// <summary>The last error journaled for the row (Failed, InDoubt).</summary>
        public string? ErrorId { get; }
        public string? Message { get; }
        /// <summary>When the journal last recorded a step of the row (this machine's clock).</summary>
        public DateTimeOffset? ChangedAt { get; }
        /// <summary>With -Refresh: the withdrawal's status in NordPay's history now (pending, processed or cancelled).</summary>
        public string? WithdrawalStatus { get; init; }
        /// <summary>For a row in doubt: from when (NordPay's clock) its request has expired, so the next run settles it from the withdraw history.</summary>
        public DateTimeOffset? SettlesAfter { get; init; }
        /// <summary>With -Refresh: the withdrawal's transaction hash, once processed.</summary>
        public string? TxHash { get; init; }

        public override string ToString() => $"{State}: row {Row} ({Reference})";
    }
}
