using System.Linq;

namespace NordPay.Api
{
    /// <summary>Checks the text fields of a payout row. Currency names and addresses are case-sensitive and never altered inside.</summary>
    public static class InputText
    {
        /// <summary>Reads a payout row's three fields, or throws the error of the first one that is wrong.</summary>
        public static (string Currency, string Address, decimal Amount) ReadPayout(string? currency, string? address, object? amount) =>
            (RequireToken(currency, "Currency"), RequireToken(address, "Address"), Amount.ParseInput(amount));

        /// <summary>Returns the value without surrounding blanks; refuses empty values and blanks inside.</summary>
        public static string RequireToken(string? value, string field)
        {
            var text = (value ?? string.Empty).Trim();
            if (text.Length == 0)
                throw new NordPayException($"{field}Missing", ErrorKind.InvalidArgument, $"The {field.ToLowerInvariant()} is empty.",
                    field, recommendedAction: $"Fill in the {field.ToLowerInvariant()}.");
            if (text.Any(char.IsWhiteSpace) || text.Any(char.IsControl))
                throw new NordPayException($"Invalid{field}", ErrorKind.InvalidArgument,
                    $"'{value}' is not a valid {field.ToLowerInvariant()}: it contains blanks or control characters.",
                    field, recommendedAction: $"Check the {field.ToLowerInvariant()}; it is used exactly as written.");
            return text;
        }
    }
}
