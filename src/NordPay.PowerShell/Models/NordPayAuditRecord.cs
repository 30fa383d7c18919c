using System;
using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>An audit event on the Information stream (tag NordPay.Audit): who paid what, when, and the outcome. Never the key.</summary>
    public sealed record NordPayAuditRecord
    {
        public NordPayAuditRecord(string @event, string reference, string currency, string address, decimal amount, Guid? identifier,
            long? withdrawalId, string keyHint, string? errorId, string? policy = null, string? repeatAllowed = null)
        {
            RepeatAllowed = repeatAllowed;
            Event = @event;
            Reference = reference;
            Currency = currency;
            Address = address;
            Amount = amount;
            Identifier = identifier;
            WithdrawalId = withdrawalId;
            KeyHint = keyHint;
            ErrorId = errorId;
            Policy = policy;
            User = Environment.UserName;
            Machine = Environment.MachineName;
            At = DateTimeOffset.UtcNow;
        }

        public string Event { get; }
        public string Reference { get; }
        public string Currency { get; }
        public string Address { get; }
        public decimal Amount { get; }
        public Guid? Identifier { get; }
        public long? WithdrawalId { get; }
        public string KeyHint { get; }
        public string? ErrorId { get; }
        /// <summary>The name of the policy the payout obeyed; null when none applied.</summary>
        public string? Policy { get; }
        /// <summary>Set when the payout repeats a withdrawal in NordPay's history and was paid because the call allowed it (-AllowRepeat): which, and when.</summary>
        public string? RepeatAllowed { get; }
        public string User { get; }
        public string Machine { get; }
        public DateTimeOffset At { get; }

        public override string ToString() => $"{At:u} {Event} {Reference}: {Core.Amount.Format(Amount)} {Currency} to {Address}; {NordPayPolicy.Describe(Policy)}";
    }
}
