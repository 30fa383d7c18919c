using System;
using System.Runtime.CompilerServices;
using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>A withdraw request created by NordPay: step one of a payout, to be confirmed before it expires.</summary>
    public sealed record NordPayWithdrawRequest
    {
        // The objects made from NordPay's answers, by reference: PowerShell can build one with any amount by its constructor.
        private static readonly ConditionalWeakTable<NordPayWithdrawRequest, object> Answered = new ConditionalWeakTable<NordPayWithdrawRequest, object>();

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

        /// <summary>A request as NordPay answers it.</summary>
        internal static NordPayWithdrawRequest Read(JsonPayload payload)
        {
            var request = new NordPayWithdrawRequest(payload.Guid("identifier"), payload.String("currency"),
                payload.String("address"), payload.Decimal("amount"), payload.OptionalDecimal("amount_usd"),
                payload.OptionalDecimal("service_fee"), payload.OptionalDecimal("service_fee_usd"), payload.Timestamp("expires_at"));
            Answered.Add(request, Answered);
            return request;
        }

        /// <summary>True for this very object as read from NordPay's answer; false for one built by hand, whose details may not be what NordPay pays.</summary>
        internal bool IsNordPaysAnswer => Answered.TryGetValue(this, out _);

        public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

        public override string ToString() => $"{Core.Amount.Format(Amount)} {Currency} to {Address} (request {Identifier})";
    }
}
