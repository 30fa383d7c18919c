using System;
using System.Collections.Generic;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>Where a row stands, as its journal entries say.</summary>
    internal enum PayoutState
    {
        Planned,
        Requested,
        /// <summary>A confirm was announced (and maybe sent) with no outcome: it may have been paid.</summary>
        ConfirmSending,
        Confirmed,
        Failed,
        /// <summary>A confirm's outcome could not be established; never paid again automatically.</summary>
        InDoubt,
        /// <summary>Its withdrawal exists, in a status that pays nothing (failed, cancelled, unknown); not paid again without the operator's word.</summary>
        WithdrawalFailed,
    }

    /// <summary>The latest known state of one reference, folded from the journal.</summary>
    internal sealed class RowRecord
    {
        public RowRecord(string reference) => Reference = reference;

        public string Reference { get; }
        public PayoutState State { get; set; }
        public int? Row { get; set; }
        public string? Currency { get; set; }
        public string? Address { get; set; }
        public string? Amount { get; set; }
        public Guid? Identifier { get; set; }
        public bool Multiple { get; set; }
        public DateTimeOffset? ExpiresAt { get; set; }
        /// <summary>When its request was journaled (this machine's clock).</summary>
        public DateTimeOffset? RequestedAt { get; set; }
        /// <summary>The earliest NordPay's clock read when the request was asked for (journals written before 0.3 lack it).</summary>
        public DateTimeOffset? RequestedServerAt { get; set; }
        public DateTimeOffset? ConfirmSentAt { get; set; }
        /// <summary>The earliest NordPay's clock read when the confirm was sent (journals written before 0.2 lack it).</summary>
        public DateTimeOffset? ServerSentAt { get; set; }
        /// <summary>The row's own withdrawal, when known.</summary>
        public long? WithdrawalId { get; set; }
        /// <summary>For a multiple withdraw: the id the confirm answered with, which names the batch.</summary>
        public long? BatchId { get; set; }
        public string? ServiceFee { get; set; }
        public bool Reconciled { get; set; }
        public string? ErrorId { get; set; }
        public string? Message { get; set; }
        public DateTimeOffset? ChangedAt { get; set; }
        /// <summary>Its announced confirm left (a confirm-sent marker follows the announcement).</summary>
        public bool ConfirmLeft { get; set; }
        /// <summary>The operating system's boot the confirm was announced on.</summary>
        public string? AnnouncedBoot { get; set; }

        /// <summary>True when a payout may exist: confirmed, or a confirm whose outcome is unknown.</summary>
        public bool MayBePaid => State == PayoutState.Confirmed || State == PayoutState.ConfirmSending || State == PayoutState.InDoubt;

        /// <summary>The withdrawal the row owns, when the journal knows it (0 is a 0.1 reconciled multiple confirm's: none).</summary>
        public long? OwnWithdrawalId => WithdrawalId is { } id && id > 0 ? id : (long?)null;

        /// <summary>A payout that may exist under no withdrawal id the journal knows (a lost answer, a row settled paid).</summary>
        public bool Unexplained => OwnWithdrawalId == null && MayBePaid && Key != null;

        /// <summary>The payout as the journal planned it, once it has a planned entry.</summary>
        public PayoutKey? Key =>
            Currency != null && Address != null && Amount != null && Core.Amount.TryParseServer(Amount, out var amount)
                ? new PayoutKey(Currency, Address, amount)
                : null;

        /// <summary>Names the row's confirm (its request's identifier) in every search of the history, so searching again never competes with itself.</summary>
        public object ConfirmOwner => Identifier ?? (object)Reference;

        /// <summary>When, on NordPay's clock, the row's confirm can have created its withdrawal.</summary>
        public TimeWindow ConfirmWindow(INordPayApi client) =>
            client.ConfirmWindow(ConfirmSentAt ?? ChangedAt ?? DateTimeOffset.UtcNow, ServerSentAt, ExpiresAt);

        /// <summary>
        /// When, on NordPay's clock, any confirm of the row's request, this module's or anyone's, can have created its
        /// withdrawal: from the request to its expiry. What proves the row not paid must cover all of it, so it is placed
        /// on NordPay's clock as read then, never on this machine's clock mapped now (either clock may have been set
        /// since); a journal that lacks that reading goes back the longest a request lives.
        /// </summary>
        public TimeWindow RequestWindow(INordPayApi client) =>
            client.ConfirmWindow(RequestedAt ?? ConfirmSentAt ?? ChangedAt ?? DateTimeOffset.UtcNow,
                RequestedServerAt ?? ExpiresAt - AnswerChecks.LongestLifetime, ExpiresAt);

        /// <summary>
        /// Reads each reference's latest state from the journal's entries, in order. A confirm announced on this boot of
        /// the system (<paramref name="boot"/>, the current one unless a test says otherwise) with no marker that it left
        /// never left: its row is Requested, not in doubt.
        /// </summary>
        public static Dictionary<string, RowRecord> Fold(IEnumerable<JournalEntry> entries) => Fold(entries, BootIdentity.Current);

        internal static Dictionary<string, RowRecord> Fold(IEnumerable<JournalEntry> entries, string? boot)
        {
            var records = Replay(entries);
            foreach (var record in records.Values)
                if (record is { State: PayoutState.ConfirmSending, ConfirmLeft: false, AnnouncedBoot: { } announced } && announced == boot)
                    record.State = PayoutState.Requested;
            return records;
        }

        private static Dictionary<string, RowRecord> Replay(IEnumerable<JournalEntry> entries)
        {
            var records = new Dictionary<string, RowRecord>(StringComparer.Ordinal);
            foreach (var entry in entries)
            {
                for (var i = 0; i < entry.References.Count; i++)
                {
                    var reference = entry.References[i];
                    if (!records.TryGetValue(reference, out var record)) records[reference] = record = new RowRecord(reference);
                    record.Apply(entry, i);
                }
            }
            return records;
        }

        /// <summary>Moves this record on by one journal entry about it, where it is the entry's <paramref name="index"/>th reference.</summary>
        public void Apply(JournalEntry entry, int index = 0)
        {
            ChangedAt = entry.At;
            switch (entry.Event)
            {
                case JournalEvent.Planned:
                    Row = entry.Row;
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
                    RequestedAt = entry.At;
                    RequestedServerAt = entry.ServerAt;
                    ServiceFee = entry.ServiceFee;
                    ErrorId = Message = null;
                    break;
                case JournalEvent.ConfirmSending:
                    State = PayoutState.ConfirmSending;
                    ConfirmSentAt = entry.At;
                    ServerSentAt = entry.ServerAt;
                    AnnouncedBoot = entry.Boot;
                    ConfirmLeft = false;
                    break;
                case JournalEvent.ConfirmSent:
                    ConfirmLeft = true;
                    break;
                case JournalEvent.Confirmed:
                    // Journals written before 0.3 kept no status for some entries: those were pending.
                    State = entry.Status == null || WithdrawalStatus.Pays(entry.Status) ? PayoutState.Confirmed : PayoutState.WithdrawalFailed;
                    Reconciled = entry.Reconciled;
                    (ErrorId, Message) = State == PayoutState.Confirmed ? ((string?)null, (string?)null) : ("WithdrawalNotPaid", $"NordPay reports its withdrawal as '{entry.Status}': nothing was paid.");
                    if (entry.Multiple && entry.WithdrawalIds == null)
                    {
                        // Written before 0.2: a multiple confirm's withdrawalId was its batch's id (0 when reconciled).
                        BatchId = entry.WithdrawalId;
                        WithdrawalId = null;
                    }
                    else
                    {
                        WithdrawalId = entry.WithdrawalIds != null ? (index < entry.WithdrawalIds.Count ? entry.WithdrawalIds[index] : null) : entry.WithdrawalId;
                        BatchId = entry.BatchId;
                    }
                    break;
                case JournalEvent.Failed:
                    State = PayoutState.Failed;
                    ErrorId = entry.ErrorId;
                    Message = entry.Message;
                    break;
                case JournalEvent.InDoubt:
                    State = PayoutState.InDoubt;
                    ErrorId = entry.ErrorId ?? "PayoutInDoubt";
                    Message = entry.Message;
                    break;
                case JournalEvent.Settled:
                    if (entry.Outcome == NordPaySettlement.Paid) State = PayoutState.Confirmed;
                    else
                    {
                        // Not paid, by the operator's word: the row starts over with a new request.
                        State = PayoutState.Planned;
                        Identifier = null;
                        ExpiresAt = null;
                    }
                    ErrorId = Message = null;
                    break;
            }
        }
    }
}
