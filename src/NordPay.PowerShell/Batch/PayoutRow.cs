using System;
using NordPay.Api;
using NordPay.Core;

namespace NordPay.Batch
{
    /// <summary>One validated input row of a batch, with the reference that ties it to its journal entries.</summary>
    internal sealed class PayoutRow
    {
        public PayoutRow(int row, string reference, bool derivedReference, string currency, string address, decimal amount, object? source)
        {
            Row = row;
            Reference = reference;
            DerivedReference = derivedReference;
            Currency = currency;
            Address = address;
            Amount = amount;
            Source = source;
        }

        /// <summary>1-based position in the input.</summary>
        public int Row { get; }
        public string Reference { get; }
        /// <summary>True when the input had no reference column and one was derived from the row's content.</summary>
        public bool DerivedReference { get; }
        public string Currency { get; }
        public string Address { get; }
        public decimal Amount { get; }
        /// <summary>The input row itself, kept as the TargetObject of its errors.</summary>
        public object? Source { get; }

        public PayoutKey Key => new PayoutKey(Currency, Address, Amount);

        public override string ToString() => $"{Core.Amount.Format(Amount)} {Currency} to {Address} ({Reference})";
    }
}
