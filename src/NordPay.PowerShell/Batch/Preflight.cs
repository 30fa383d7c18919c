using System;
using System.Collections.Generic;
using System.Linq;
using NordPay.Addresses;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>
    /// The checks made before any money moves, against NordPay's currency list and balance: each currency
    /// withdrawable, each amount at or above its minimum and within its decimals, each address valid for
    /// its network (format and checksum), and each currency's total within the balance.
    /// </summary>
    internal static class Preflight
    {
        /// <summary>Currencies by name, for <see cref="CheckRow"/>.</summary>
        public static IReadOnlyDictionary<string, NordPayCurrency> Index(IReadOnlyList<NordPayCurrency> currencies) =>
            currencies.GroupBy(c => c.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

        /// <summary>The fee percents NordPay publishes in its withdraw limits, of the currencies whose percent could be read.</summary>
        internal static IReadOnlyDictionary<string, decimal> FeePercents(IReadOnlyDictionary<string, Api.WithdrawLimit> limits) =>
            limits.Values.Where(l => l.FeePercent != null).ToDictionary(l => l.Currency, l => l.FeePercent!.Value, StringComparer.Ordinal);

        /// <summary>Each currency's total to pay against its balance (fees not counted).</summary>
        public static IEnumerable<NordPayException> CheckTotals(IReadOnlyDictionary<string, (int Rows, decimal Total)> totals,
            IReadOnlyDictionary<string, decimal> balances)
        {
            foreach (var currency in totals.OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                var balance = balances.TryGetValue(currency.Key, out var b) ? b : 0m;
                if (currency.Value.Total > balance)
                    yield return new NordPayException("BatchExceedsBalance", ErrorKind.LimitsExceeded,
                        $"The {currency.Value.Rows} rows to pay in {currency.Key} total {Amount.Format(currency.Value.Total)}, more than the balance of {Amount.Format(balance)} (fees not counted).",
                        "Amount", recommendedAction: "Top up the balance, or split the file.");
            }
        }

        /// <summary>
        /// The fee NordPay's published percent gives an amount (amount × percent / 100) and the amount with it, exactly;
        /// null when the percent is not known, or a result would not fit a decimal exactly: an estimate is never rounded.
        /// </summary>
        public static (decimal Fee, decimal Total)? EstimateFee(decimal amount, decimal? percent)
        {
            if (percent is not { } p) return null;
            try
            {
                // A result that needs more digits than a decimal holds comes back with fewer decimals, rounded.
                var product = amount * p;
                var fee = product / 100m;
                var total = amount + fee;
                return Scale(product) != Scale(amount) + Scale(p) || fee * 100m != product || Scale(total) != Math.Max(Scale(amount), Scale(fee))
                    ? null
                    : (fee, total);
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        private static int Scale(decimal value) => (decimal.GetBits(value)[3] >> 16) & 0xFF;

        /// <summary>Whether the row can be paid as far as NordPay's currency list tells, and its address's check once it got that far.</summary>
        public static RowCheck CheckRow(PayoutRow row, IReadOnlyDictionary<string, NordPayCurrency> currencies)
        {
            var problem = CheckCurrencyAndAmount(row, currencies, out var currency);
            if (problem != null) return new RowCheck(problem, null);
            var address = AddressValidator.Check(currency!.Name, currency.Network, row.Address);
            return new RowCheck(address.Valid ? null : address.ToError(), address);
        }

        private static NordPayException? CheckCurrencyAndAmount(PayoutRow row, IReadOnlyDictionary<string, NordPayCurrency> currencies, out NordPayCurrency? currency)
        {
            if (!currencies.TryGetValue(row.Currency, out currency))
                return CurrencyNotFound(row.Currency);
            if (!currency.Withdrawable)
                return new NordPayException("CurrencyNotAvailable", ErrorKind.ResourceUnavailable,
                    $"{currency.Name} cannot be withdrawn at the moment (available: {currency.IsAvailable}, withdrawable: {currency.CanWithdraw}).", "Currency",
                    recommendedAction: "Pay this row later, or in another currency.");
            if (Amount.DecimalPlaces(row.Amount) > currency.Decimals)
                return new NordPayException("AmountPrecisionExceeded", ErrorKind.InvalidArgument,
                    $"{Amount.Format(row.Amount)} has more decimals than {currency.Name} carries ({currency.Decimals}); it is never rounded.", "Amount",
                    recommendedAction: $"Give the amount with at most {currency.Decimals} decimals.");
            if (currency.MinWithdraw is { } minimum && row.Amount < minimum)
                return new NordPayException("AmountBelowMinimum", ErrorKind.InvalidArgument,
                    $"{Amount.Format(row.Amount)} is less than the minimum withdrawal of {Amount.Format(minimum)} {currency.Name}.", "Amount",
                    recommendedAction: "Raise the amount to at least the currency's minimum.");
            return null;
        }

        /// <summary>The error of a currency NordPay does not list (names are case-sensitive).</summary>
        public static NordPayException CurrencyNotFound(string name, bool inKnownCurrencies = false) =>
            new NordPayException("CurrencyNotFound", ErrorKind.ObjectNotFound,
                inKnownCurrencies ? $"The module's own table of currencies has no '{name}' (NordPay's list could not be read)." : $"NordPay lists no currency '{name}'.", "Currency",
                recommendedAction: "Use a currency name from Get-NordPayCurrency, such as USDTTRC20 (names are case-sensitive).");
    }

    /// <summary>What preflight found of a row: why it cannot be paid (null when it can), and its address's check when it got that far.</summary>
    internal sealed record RowCheck(NordPayException? Problem, NordPayAddressCheck? Address);
}
