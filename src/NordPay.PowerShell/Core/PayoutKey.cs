namespace NordPay.Core
{
    /// <summary>
    /// What identifies a payout, the one place that says it: its currency, its wallet and its amount's value. Two keys are
    /// one payout when their amounts are equal in value (2.50 and 2.5) and their addresses name one wallet (an EVM address
    /// in any letter case). The wallet is worked out once, not on every comparison.
    /// </summary>
    internal sealed record PayoutKey(string Currency, string Address, decimal Amount)
    {
        /// <summary>The wallet the address names (<see cref="InputText.Wallet"/>).</summary>
        public string Wallet { get; } = InputText.Wallet(Address);

        /// <summary>The payout as one text, equal for equal keys: what a derived reference and a row's hash are made from.</summary>
        public string Text => Currency + "\n" + Wallet + "\n" + Core.Amount.Canonical(Amount);

        public bool Equals(PayoutKey? other) =>
            other is not null && Currency == other.Currency && Amount == other.Amount && Wallet == other.Wallet;

        public override int GetHashCode() => (Currency, Wallet, Amount).GetHashCode();
    }
}
