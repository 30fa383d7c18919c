using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>The merchant's balance in one currency.</summary>
    public sealed record NordPayBalance
    {
        public NordPayBalance(string currency, decimal amount)
        {
            Currency = currency;
            Amount = amount;
        }

        public string Currency { get; }
        public decimal Amount { get; }

        public override string ToString() => $"{Core.Amount.Format(Amount)} {Currency}";
    }
}
