using System;

namespace NordPay.Models
{
    /// <summary>A multiple withdraw request: many addresses in one currency, confirmed together before it expires.</summary>
    public sealed record NordPayMultipleWithdrawRequest
    {
        public NordPayMultipleWithdrawRequest(Guid identifier, string currency, decimal totalAmount, decimal? totalServiceFee,
            int addressesCount, DateTimeOffset expiresAt)
        {
            Identifier = identifier;
            Currency = currency;
            TotalAmount = totalAmount;
            TotalServiceFee = totalServiceFee;
            AddressesCount = addressesCount;
            ExpiresAt = expiresAt;
        }

        public Guid Identifier { get; }
        public string Currency { get; }
        public decimal TotalAmount { get; }
        public decimal? TotalServiceFee { get; }
        public int AddressesCount { get; }
        public DateTimeOffset ExpiresAt { get; }

        internal static NordPayMultipleWithdrawRequest Read(JsonPayload payload) =>
            new NordPayMultipleWithdrawRequest(payload.Guid("identifier"), payload.String("currency"),
                payload.Decimal("total_amount"), payload.OptionalDecimal("total_service_fee"), (int)payload.Int64("addresses_count"),
                payload.Timestamp("expires_at"));
    }
}
