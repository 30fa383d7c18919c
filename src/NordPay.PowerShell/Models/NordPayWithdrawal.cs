using System;
using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>A withdrawal in NordPay's withdraw history: pending until an admin approves it, then processed or cancelled.</summary>
    public sealed record NordPayWithdrawal
    {
        public NordPayWithdrawal(long id, string currency, string address, decimal amount, decimal? amountUsd,
            decimal? serviceFee, decimal? serviceFeeUsd, string status, string? txHash, DateTimeOffset createdAt)
        {
            Id = id;
            Currency = currency;
            Address = address;
            Amount = amount;
            AmountUsd = amountUsd;
            ServiceFee = serviceFee;
            ServiceFeeUsd = serviceFeeUsd;
            Status = status;
            TxHash = string.IsNullOrEmpty(txHash) ? null : txHash;
            CreatedAt = createdAt;
        }

        public long Id { get; }
        public string Currency { get; }
        public string Address { get; }
        public decimal Amount { get; }
        public decimal? AmountUsd { get; }
        public decimal? ServiceFee { get; }
        public decimal? ServiceFeeUsd { get; }
        public string Status { get; }
        public string? TxHash { get; }
        public DateTimeOffset CreatedAt { get; }

        internal static NordPayWithdrawal Read(JsonPayload item) =>
            new NordPayWithdrawal(item.Int64("id"), item.String("currency"), item.String("address"), item.Decimal("amount"),
                item.OptionalDecimal("amount_usd"), item.OptionalDecimal("service_fee"), item.OptionalDecimal("service_fee_usd"),
                item.String("status"), item.OptionalString("tx_hash"), item.Timestamp("created_at"));

        public override string ToString() => $"Withdrawal {Id}: {Core.Amount.Format(Amount)} {Currency} to {Address} ({Status})";
    }
}
