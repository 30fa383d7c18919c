using NordPay.Core;

namespace NordPay.Api
{
    /// <summary>What identifies a payout in the withdraw history: its currency, address and exact amount.</summary>
    public sealed record PayoutKey(string Currency, string Address, decimal Amount);
}
