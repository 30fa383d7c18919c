using System;
using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>A confirmed withdrawal: queued by NordPay for the merchant's admin approval.</summary>
    public sealed record NordPayWithdrawConfirmation
    {
        public NordPayWithdrawConfirmation(long id, string status, string detail, Guid identifier,
            NordPayWithdrawRequest? request)
        {
            Id = id;
            Status = status;
            Detail = detail;
            Identifier = identifier;
            Currency = request?.Currency;
            Address = request?.Address;
            Amount = request?.Amount;
            ServiceFee = request?.ServiceFee;
        }

        /// <summary>NordPay's id of the withdrawal, as listed in the withdraw history.</summary>
        public long Id { get; }
        public string Status { get; }
        public string Detail { get; }
        public Guid Identifier { get; }
        public string? Currency { get; }
        public string? Address { get; }
        public decimal? Amount { get; }
        public decimal? ServiceFee { get; }

        public override string ToString() => $"Withdrawal {Id} ({Status}) for request {Identifier}";
    }
}
