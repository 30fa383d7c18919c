using NordPay.Models;

namespace NordPay.Api
{
    /// <summary>
    /// What NordPay publishes of one currency before any request (GET balance/withdraw/limits): each figure is null when
    /// it was missing or unreadable, never taken for zero. Read only to estimate; nothing read here is ever sent.
    /// </summary>
    internal sealed record WithdrawLimit(string Currency, decimal? MinAmount, decimal? MaxAmount, decimal? FeePercent, decimal? AvailableBalance)
    {
        /// <summary>One item of the list, or null when it names no currency. A percent outside 0 to 100 is not a fee: unknown.</summary>
        public static WithdrawLimit? Read(JsonPayload item)
        {
            var currency = item.StringOrUnknown("currency");
            if (string.IsNullOrWhiteSpace(currency)) return null;
            var percent = item.DecimalOrUnknown("fee_percent");
            return new WithdrawLimit(currency!, NonNegative(item.DecimalOrUnknown("min_amount")), NonNegative(item.DecimalOrUnknown("max_amount")),
                percent is { } p && p < 100m ? NonNegative(percent) : null, NonNegative(item.DecimalOrUnknown("available_balance")));
        }

        private static decimal? NonNegative(decimal? value) => value is { } v && v >= 0m ? value : null;
    }
}
