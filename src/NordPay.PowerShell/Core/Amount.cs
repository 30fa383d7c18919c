using System;
using System.Globalization;
using System.Text.RegularExpressions;

namespace NordPay.Core
{
    /// <summary>
    /// The one amount parser. User input is parsed strictly and invariantly and never rounded;
    /// server values are read leniently (numbers, strings, exponent notation such as "0E-18").
    /// </summary>
    internal static class Amount
    {
        public const string Field = "Amount";

        // Digits, optionally '.' and more digits: no sign, no group separator, no exponent, no symbol.
        private static readonly Regex PlainDecimal = new Regex(@"^[0-9]+(\.[0-9]+)?$", RegexOptions.CultureInvariant);


        /// <summary>
        /// Parses an amount given by a user: a string, an integer or a decimal (never a floating-point number). The text is
        /// read invariantly; <paramref name="culture"/>, the user's, only refuses what reads otherwise there ('1.500' in de-DE).
        /// </summary>
        /// <param name="decimalCommaRow">The first row of the input that writes a decimal comma (12,75), if any: in such an input '.' groups thousands.</param>
        /// <exception cref="NordPayException">The value is not an exact, positive amount.</exception>
        public static decimal ParseInput(object? value, CultureInfo? culture = null, int? decimalCommaRow = null)
        {
            switch (value)
            {
                case null:
                    throw Invalid("AmountMissing", "The amount is missing.", "Give the amount as a number such as 12.5.");
                case string text:
                    return ParseText(text, culture, decimalCommaRow);
                case decimal d:
                    return RequirePositive(d, d.ToString(CultureInfo.InvariantCulture));
                case double d:
                    return ParseDouble(d);
                case float f:
                    return ParseDouble(f);
                case byte or sbyte or short or ushort or int or uint or long or ulong:
                    var integer = Convert.ToDecimal(value, CultureInfo.InvariantCulture);
                    return RequirePositive(integer, integer.ToString(CultureInfo.InvariantCulture));
                case System.Collections.IEnumerable:
                    throw Invalid("InvalidAmountFormat", "A list of values is not an amount: to PowerShell, an unquoted 1,5 is the two numbers 1 and 5.",
                        "Give one amount, quoted, with a point for decimals, such as '1.5'.");
                default:
                    throw Invalid("InvalidAmountFormat", $"A value of type {value.GetType().Name} is not an amount.",
                        "Give the amount as a string or a number.");
            }
        }

        /// <summary>Formats an amount exactly as it will be sent: invariant, every digit and trailing zero kept.</summary>
        public static string Format(decimal amount) => amount.ToString(CultureInfo.InvariantCulture);

        /// <summary>
        /// The amount's value without trailing zeros (2.50 and 2.500 are both "2.5"): what identifies a payout.
        /// What is sent is <see cref="Format"/>, the user's own digits.
        /// </summary>
        public static string Canonical(decimal amount)
        {
            var text = Format(amount);
            return text.IndexOf('.') < 0 ? text : text.TrimEnd('0').TrimEnd('.');
        }

        /// <summary>Decimal places that carry a digit: 1.50 has one.</summary>
        public static int DecimalPlaces(decimal amount)
        {
            var text = Canonical(amount);
            var point = text.IndexOf('.');
            return point < 0 ? 0 : text.Length - point - 1;
        }

        /// <summary>
        /// Reads a number the API sent, as a JSON number's text or a string; false when it is none, or when a decimal
        /// cannot hold it exactly (decimal.TryParse rounds past 28 digits, and reads 1e-30 as 0).
        /// </summary>
        public static bool TryParseServer(string text, out decimal amount) =>
            decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out amount)
            && ValueWritten(text) is { } written && written.Equals(ValueWritten(amount.ToString(CultureInfo.InvariantCulture)));

        private static readonly Regex ServerNumber = new Regex(@"^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]{1,9}))?$", RegexOptions.CultureInvariant);

        // The value a number's text writes: its sign, significant digits and the power of ten of the last (25.50 and
        // 2.55e1 are both 255e-1), or null for a text of another form.
        private static (bool Negative, string Digits, long Exponent)? ValueWritten(string text)
        {
            var match = ServerNumber.Match(text.Trim());
            if (!match.Success || match.Groups[2].Length + match.Groups[3].Length == 0) return null;
            var fraction = match.Groups[3].Value;
            var digits = (match.Groups[2].Value + fraction).TrimStart('0');
            var significant = digits.TrimEnd('0');
            if (significant.Length == 0) return (false, "0", 0);
            var exponent = (match.Groups[4].Success ? long.Parse(match.Groups[4].Value, CultureInfo.InvariantCulture) : 0)
                - fraction.Length + digits.Length - significant.Length;
            return (match.Groups[1].Value == "-", significant, exponent);
        }

        /// <summary>A number the API sent (or a journal kept), or null when there is none or it cannot be read.</summary>
        public static decimal? ReadServer(string? text) => text != null && TryParseServer(text, out var amount) ? amount : (decimal?)null;

        // Digits grouped by three after a '.', where the user's culture groups thousands with '.': 1.500 is fifteen hundred there.
        private static readonly Regex GroupedThousands = new Regex(@"^[1-9][0-9]{0,2}(\.[0-9]{3})+$", RegexOptions.CultureInvariant);

        // One ',' as the decimal separator: not before exactly three digits (12,75), or after '.'-grouped thousands (1.500,25).
        private static readonly Regex DecimalComma = new Regex(@"^[0-9]+,([0-9]{1,2}|[0-9]{4,})$|^[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$", RegexOptions.CultureInvariant);

        /// <summary>Whether a user's value writes its decimals with a comma (12,75), as a German or French spreadsheet does: there '.' groups thousands.</summary>
        public static bool ShowsDecimalComma(object? value) => value is string text && DecimalComma.IsMatch(text.Trim());

        /// <summary>
        /// The error of an amount read as digits grouped by '.' (1.500) in an input whose row <paramref name="decimalCommaRow"/> writes a
        /// decimal comma, where it may mean fifteen hundred; null when the amount has another form or no row writes a decimal comma.
        /// </summary>
        public static NordPayException? AmbiguousInInput(decimal amount, int? decimalCommaRow) =>
            decimalCommaRow is { } row && GroupedThousands.IsMatch(Format(amount)) ? Ambiguous(Format(amount), Format(amount), DecimalCommaInput(row)) : null;

        private static string DecimalCommaInput(int row) => $"in this input, whose row {row} writes its decimals with a comma, '.' groups thousands and";

        private static decimal ParseText(string raw, CultureInfo? culture = null, int? decimalCommaRow = null)
        {
            var text = raw.Trim();
            if (text.Length == 0)
                throw Invalid("AmountMissing", "The amount is empty.", "Fill in the amount, for example 12.5.");
            if (text[0] == '-' && PlainDecimal.IsMatch(text.Substring(1)))
                throw Invalid("AmountNotPositive", $"'{raw}' is negative.", "Give an amount greater than zero.");
            if (!PlainDecimal.IsMatch(text))
                throw Invalid("InvalidAmountFormat", $"'{raw}' is not a valid amount: {Explain(text)}",
                    "Write the amount with digits and '.' as the only decimal separator, for example 1234.56.");
            if (GroupedThousands.IsMatch(text))
            {
                if (culture?.NumberFormat.NumberGroupSeparator == ".") throw Ambiguous(raw, text, $"in {culture.Name}, where '.' groups thousands,");
                if (decimalCommaRow is { } row) throw Ambiguous(raw, text, DecimalCommaInput(row));
            }
            if (!decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount)
                || !SameDigits(text, amount))
                throw Invalid("AmountPrecisionExceeded",
                    $"'{raw}' has more digits than can be carried exactly (at most 28 decimal places and 29 significant digits).",
                    "Check the amount; it is never rounded.");
            return RequirePositive(amount, raw);
        }

        // A double is what PowerShell made of an unquoted number with a point, a JSON number or a calculation: the digits
        // typed may be gone before the module sees it (2.000000000000000001 arrives as the double 2), so none is used.
        private static decimal ParseDouble(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value))
                throw Invalid("InvalidAmountFormat", $"'{value}' is not a valid amount.", "Give a finite amount.");
            var shortest = value.ToString("R", CultureInfo.InvariantCulture);
            if (value <= 0) return RequirePositive(0m, shortest);
            throw Invalid("AmountIsFloatingPoint",
                $"The amount {shortest} arrived as a floating-point number (an unquoted -Amount with a point, a JSON number, a calculation), " +
                "whose digits may not be the ones you wrote; it is not used.",
                $"Quote the amount, -Amount '{shortest}', or give it as a decimal, {shortest}d.");
        }

        private static decimal RequirePositive(decimal amount, string raw)
        {
            if (amount <= 0m)
                throw Invalid("AmountNotPositive", $"'{raw}' is not a positive amount.", "Give an amount greater than zero.");
            return amount;
        }

        // decimal keeps trailing zeros, so an exact parse prints back the same digits (leading zeros aside).
        private static bool SameDigits(string text, decimal amount)
        {
            var canonical = text.TrimStart('0');
            if (canonical.Length == 0 || canonical[0] == '.') canonical = "0" + canonical;
            return canonical == amount.ToString(CultureInfo.InvariantCulture);
        }

        private static string Explain(string text)
        {
            if (text.IndexOf(',') >= 0)
                return text.IndexOf('.') >= 0 || text.IndexOf(',') != text.LastIndexOf(',')
                    ? "group separators are not accepted."
                    : "',' could be a decimal or a group separator; use '.' as the decimal separator and no group separators.";
            if (Regex.IsMatch(text, "^[0-9.]+[eE][-+]?[0-9]+$"))
                return "exponent notation is not accepted.";
            if (Regex.IsMatch(text, @"\p{Sc}") || Regex.IsMatch(text, @"^[0-9.]+\s*[A-Za-z]{3,}$|^[A-Za-z]{3,}\s*[0-9.]+$"))
                return "currency symbols and codes are not accepted; put the currency in its own column.";
            if (text.IndexOfAny(new[] { ' ', '\u00A0', '\'', '_' }) >= 0) return "group separators are not accepted.";
            if (text.StartsWith(".", StringComparison.Ordinal) || text.EndsWith(".", StringComparison.Ordinal))
                return "write at least one digit on each side of '.'.";
            return "it is not a plain decimal number.";
        }

        private static NordPayException Ambiguous(string raw, string text, string where)
        {
            var grouped = text.Replace(".", string.Empty);
            var point = text.TrimEnd('0').TrimEnd('.');
            if (GroupedThousands.IsMatch(point)) point += "0";
            return Invalid("AmountAmbiguous", $"'{raw}' is read with '.' as the decimal point, but {where} it reads as {grouped}; it is not used.",
                $"Write {grouped} if you mean {grouped}, or {point} if you mean {point}: either can only mean one amount.");
        }

        private static NordPayException Invalid(string errorId, string message, string action) =>
            new NordPayException(errorId, ErrorKind.InvalidArgument, message, Field, recommendedAction: action);
    }
}
