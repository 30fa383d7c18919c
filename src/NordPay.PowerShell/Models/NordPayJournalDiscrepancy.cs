using System;
using System.Collections.Generic;

namespace NordPay.Models
{
    /// <summary>How a journal and NordPay's withdraw history disagree.</summary>
    public enum NordPayDiscrepancyKind
    {
        /// <summary>A withdrawal in the history that no journal row claims: paid outside the module, or paid twice.</summary>
        Unclaimed,

        /// <summary>A row the journal records as paid whose withdrawal is not in the history (or cannot be told apart there).</summary>
        Missing,

        /// <summary>A row the journal records as paid whose withdrawal pays nothing (cancelled, failed, or a status the module does not know).</summary>
        Cancelled,

        /// <summary>A row whose confirm's outcome is unknown, with the withdrawals of the history that could be its payout.</summary>
        InDoubt,

        /// <summary>A row the journal records as paid whose withdrawal pays another currency, address or amount.</summary>
        Mismatched,
    }

    /// <summary>One disagreement between batch journals and NordPay's withdraw history.</summary>
    public sealed record NordPayJournalDiscrepancy
    {
        public NordPayJournalDiscrepancy(NordPayDiscrepancyKind kind, string? journalPath, string? reference, int? row, string? currency,
            string? address, decimal? amount, long? withdrawalId, string? withdrawalStatus, DateTimeOffset? createdAt,
            IReadOnlyList<NordPayWithdrawal> candidates, string message)
        {
            Kind = kind;
            JournalPath = journalPath;
            Reference = reference;
            Row = row;
            Currency = currency;
            Address = address;
            Amount = amount;
            WithdrawalId = withdrawalId;
            WithdrawalStatus = withdrawalStatus;
            CreatedAt = createdAt;
            Candidates = candidates;
            Message = message;
        }

        public NordPayDiscrepancyKind Kind { get; }
        /// <summary>The journal of the row concerned; for Unclaimed, of the row that pays the same, if any.</summary>
        public string? JournalPath { get; }
        /// <summary>The row concerned; for Unclaimed, a row that pays the same currency, address and amount, if any.</summary>
        public string? Reference { get; }
        public int? Row { get; }
        public string? Currency { get; }
        public string? Address { get; }
        public decimal? Amount { get; }
        /// <summary>The withdrawal concerned (Unclaimed, Cancelled), or the one the journal records (Missing).</summary>
        public long? WithdrawalId { get; }
        /// <summary>Its status in the history: pending, processed or cancelled.</summary>
        public string? WithdrawalStatus { get; }
        /// <summary>When NordPay created the withdrawal (its clock).</summary>
        public DateTimeOffset? CreatedAt { get; }
        /// <summary>For InDoubt (and Missing when several could be it): the withdrawals of the history that could be the row's payout.</summary>
        public IReadOnlyList<NordPayWithdrawal> Candidates { get; }
        /// <summary>What was found, and what to do about it.</summary>
        public string Message { get; }

        public override string ToString() => $"{Kind}: {Message}";
    }
}
