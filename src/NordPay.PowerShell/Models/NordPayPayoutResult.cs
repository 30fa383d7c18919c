using System;
using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>One row of a batch that is paid: now, by an earlier run, or found paid in the withdraw history.</summary>
    public sealed record NordPayPayoutResult
    {
        public NordPayPayoutResult(string reference, int row, string state, string currency, string address, decimal amount,
            decimal? serviceFee, Guid? identifier, long? withdrawalId, bool reconciled, long? batchId = null)
        {
            Reference = reference;
            Row = row;
            State = state;
            Currency = currency;
            Address = address;
            Amount = amount;
            ServiceFee = serviceFee;
            Identifier = identifier;
            WithdrawalId = withdrawalId;
            Reconciled = reconciled;
            BatchId = batchId;
        }

        public string Reference { get; }
        public int Row { get; }
        /// <summary>Paid (by this run) or AlreadyPaid (by an earlier run, per the journal).</summary>
        public string State { get; }
        public string Currency { get; }
        public string Address { get; }
        public decimal Amount { get; }
        public decimal? ServiceFee { get; }
        public Guid? Identifier { get; }
        /// <summary>The row's own withdrawal in the withdraw history (Get-NordPayWithdrawal -Id); null while the history does not show it.</summary>
        public long? WithdrawalId { get; }
        /// <summary>With -UseMultipleWithdraw: the id the multiple confirm answered with, which names the batch, not a withdrawal.</summary>
        public long? BatchId { get; }
        /// <summary>True when the confirm's answer was lost and the payout was found in the withdraw history.</summary>
        public bool Reconciled { get; }

        public override string ToString() => $"{State}: {Core.Amount.Format(Amount)} {Currency} to {Address} ({Reference})";
    }
}
