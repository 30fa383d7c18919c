using System.Globalization;

namespace NordPay.Core
{
    /// <summary>Checks the text fields of a payout row. Currency names and addresses are case-sensitive and never altered inside.</summary>
    internal static class InputText
    {
        // Invisible letters and marks that are neither blanks, controls nor format characters (Unicode's default-ignorables).
        private const string Fillers = "\u034F\u115F\u1160\u17B4\u17B5\u3164\uFFA0";

        /// <summary>Reads a payout row's three fields, or throws the error of the first one that is wrong.</summary>
        public static (string Currency, string Address, decimal Amount) ReadPayout(string? currency, string? address, object? amount,
            System.Globalization.CultureInfo? culture = null, int? decimalCommaRow = null) =>
            (RequireToken(currency, "Currency"), RequireToken(address, "Address"), Amount.ParseInput(amount, culture, decimalCommaRow));

        /// <summary>Returns the value without surrounding blanks; refuses empty values and blank, control or invisible characters inside.</summary>
        public static string RequireToken(string? value, string field)
        {
            var text = (value ?? string.Empty).Trim();
            if (text.Length == 0)
                throw new NordPayException($"{field}Missing", ErrorKind.InvalidArgument, $"The {field.ToLowerInvariant()} is empty.",
                    field, recommendedAction: $"Fill in the {field.ToLowerInvariant()}.");
            if (Hidden(text) is { } hidden)
                throw new NordPayException($"Invalid{field}", ErrorKind.InvalidArgument,
                    $"'{value}' is not a valid {field.ToLowerInvariant()}: it contains a blank, control or invisible character ({hidden}).",
                    field, recommendedAction: $"Check the {field.ToLowerInvariant()}; it is used exactly as written, and an invisible character usually comes with a copy from a web page or a document.");
            return text;
        }

        /// <summary>
        /// The first character of the text that is a blank, a control or an invisible character (such as U+200B, the
        /// zero-width space, or U+200E, the left-to-right mark), as "U+200B at character 5"; null when there is none.
        /// </summary>
        public static string? Hidden(string text)
        {
            for (var i = 0; i < text.Length; i++)
            {
                var c = text[i];
                if (char.IsWhiteSpace(c) || char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format
                    || Fillers.IndexOf(c) >= 0 || (c >= '\uFE00' && c <= '\uFE0F'))
                    return $"U+{(int)c:X4} at character {i + 1}";
            }
            return null;
        }

        // 0x and 40 hexadecimal digits: an EVM address, whose letter case is only its EIP-55 checksum. No address of another
        // network has this form (base58 has no 0, bech32 no x).
        private static readonly System.Text.RegularExpressions.Regex EvmAddress =
            new System.Text.RegularExpressions.Regex("^0x[0-9a-fA-F]{40}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

        /// <summary>
        /// The wallet an address names, for telling payouts apart: an EVM address in lower case (0xAB.. and 0xab.. are one
        /// wallet); any other address exactly as written, since its case is part of it. What is sent is always the address as given.
        /// </summary>
        public static string Wallet(string address) => EvmAddress.IsMatch(address) ? address.ToLowerInvariant() : address;
    }
}
