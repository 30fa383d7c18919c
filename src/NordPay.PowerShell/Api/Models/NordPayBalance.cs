namespace NordPay
{
    /// <summary>The merchant's balance in one currency.</summary>
    public sealed class NordPayBalance
    {
        public NordPayBalance(string currency, decimal amount)
        {
            Currency = currency;
            Amount = amount;
        }

        public string Currency { get; }
        public decimal Amount { get; }

        public override string ToString() => $"{Api.Amount.Format(Amount)} {Currency}";
    }
}
