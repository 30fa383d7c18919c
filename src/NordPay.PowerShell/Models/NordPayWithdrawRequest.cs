using System;
using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>A withdraw request created by NordPay: step one of a payout, to be confirmed before it expires.</summary>
    public sealed record NordPayWithdrawRequest
    {
        public NordPayWithdrawRequest(Guid identifier, string currency, string address, decimal amount,
            decimal? amountUsd, decimal? serviceFee, decimal? serviceFeeUsd, DateTimeOffset expiresAt)
        {
            Identifier = identifier;
            Currency = currency;
            Address = address;
            Amount = amount;
            AmountUsd = amountUsd;
            ServiceFee = serviceFee;
            ServiceFeeUsd = serviceFeeUsd;
            ExpiresAt = expiresAt;
        }

        public Guid Identifier { get; }
        public string Currency { get; }
        public string Address { get; }
        public decimal Amount { get; }
        public decimal? AmountUsd { get; }
        public decimal? ServiceFee { get; }
        public decimal? ServiceFeeUsd { get; }
        public DateTimeOffset ExpiresAt { get; }

        /// <summary>A request as NordPay answers it; fields it does not echo are what was asked.</summary>
        internal static NordPayWithdrawRequest Read(JsonPayload payload, string askedCurrency, string askedAddress) =>
            new NordPayWithdrawRequest(payload.Guid("identifier"), payload.OptionalString("currency") ?? askedCurrency,
                payload.OptionalString("address") ?? askedAddress, payload.Decimal("amount"), payload.OptionalDecimal("amount_usd"),
                payload.OptionalDecimal("service_fee"), payload.OptionalDecimal("service_fee_usd"), payload.Timestamp("expires_at"));

        public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

        public override string ToString() => $"{Core.Amount.Format(Amount)} {Currency} to {Address} (request {Identifier})";
    }
}
