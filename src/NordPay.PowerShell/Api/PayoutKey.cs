using NordPay.Core;

namespace NordPay.Api
{
    /// <summary>
    /// What identifies a payout in the withdraw history: its currency, its wallet and its amount's value. Two keys are one
    /// payout when their amounts are equal in value (2.50 and 2.5) and their addresses name one wallet (an EVM address in
    /// any letter case).
    /// </summary>
    internal sealed record PayoutKey(string Currency, string Address, decimal Amount)
    {
        public bool Equals(PayoutKey? other) =>
            other is not null && Currency == other.Currency && Amount == other.Amount && InputText.Wallet(Address) == InputText.Wallet(other.Address);

        public override int GetHashCode() => (Currency, InputText.Wallet(Address), Amount).GetHashCode();
    }
}
