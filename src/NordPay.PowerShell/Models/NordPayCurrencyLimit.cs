using NordPay.Core;

namespace NordPay.Models
{
    /// <summary>What a policy lets one currency pay: per payout, per run, and optionally per day (amounts as sent, fees not counted).</summary>
    public sealed record NordPayCurrencyLimit
    {
        public NordPayCurrencyLimit(string currency, decimal maxPerPayout, decimal maxPerRun, decimal? maxPerDay)
        {
            Currency = currency;
            MaxPerPayout = maxPerPayout;
            MaxPerRun = maxPerRun;
            MaxPerDay = maxPerDay;
        }

        public string Currency { get; }
        public decimal MaxPerPayout { get; }
        /// <summary>The most one run pays: one Invoke-NordPayPayout, or one pipeline of a two-step cmdlet.</summary>
        public decimal MaxPerRun { get; }
        /// <summary>The most paid in a UTC day on NordPay's clock, counted from the withdraw history; null: no day limit.</summary>
        public decimal? MaxPerDay { get; }

        public override string ToString() =>
            $"{Currency}: at most {Amount.Format(MaxPerPayout)} per payout, {Amount.Format(MaxPerRun)} per run, "
            + (MaxPerDay is { } day ? $"{Amount.Format(day)} per day" : "no day limit");
    }
}
