using System;
using System.Collections.Generic;
using NordPay.Core;

namespace NordPay.Batch
{
    /// <summary>The kinds of journal entries, in the order a row normally goes through them.</summary>
    internal static class JournalEvent
    {
        public const string RunStarted = "run-started";
        public const string Planned = "planned";
        public const string Requested = "requested";
        /// <summary>Flushed before the confirm is sent: from here until an outcome, the payout may have happened.</summary>
        public const string ConfirmSending = "confirm-sending";
        /// <summary>Written (not flushed to the disk) as each announced confirm leaves: without it, on the same boot, it never left.</summary>
        public const string ConfirmSent = "confirm-sent";
        public const string Confirmed = "confirmed";
        public const string Failed = "failed";
        public const string InDoubt = "in-doubt";
        public const string Settled = "settled";
        public const string RunFinished = "run-finished";
    }

    /// <summary>One line of the journal. References name the rows it is about (several for a multiple withdraw).</summary>
    internal sealed record JournalEntry(string Event, DateTimeOffset At)
    {
        public IReadOnlyList<string> References { get; init; } = Array.Empty<string>();
        public int? Row { get; init; }
        public string? Currency { get; init; }
        public string? Address { get; init; }
        public string? Amount { get; init; }
        public Guid? Identifier { get; init; }
        public bool Multiple { get; init; }
        public DateTimeOffset? ExpiresAt { get; init; }
        public string? ServiceFee { get; init; }
        public long? WithdrawalId { get; init; }
        /// <summary>For a multiple confirm: each reference's own withdrawal, in the order of <see cref="References"/> (null where the history did not show it).</summary>
        public IReadOnlyList<long?>? WithdrawalIds { get; init; }
        /// <summary>For a multiple confirm: the id its answer carried, which names the batch, not a withdrawal.</summary>
        public long? BatchId { get; init; }
        /// <summary>For confirm-sending and requested: the earliest NordPay's clock read when the call was made, to place a withdrawal in the history.</summary>
        public DateTimeOffset? ServerAt { get; init; }
        /// <summary>For confirm-sending: the operating system's boot it was written on (see <see cref="BootIdentity"/>).</summary>
        public string? Boot { get; init; }
        public string? Status { get; init; }
        public bool Reconciled { get; init; }
        public string? Stage { get; init; }
        public string? ErrorId { get; init; }
        public string? Message { get; init; }
        /// <summary>For settled entries: Paid or NotPaid, as the operator decided.</summary>
        public string? Outcome { get; init; }
        public string? Run { get; init; }
    }
}
