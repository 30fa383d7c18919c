using System;
using System.Text.RegularExpressions;

namespace NordPay.Security
{
    /// <summary>
    /// The one redactor: every text headed for a stream, an error or a file passes through it,
    /// so the API key can only leave the process as the X-API-KEY header.
    /// </summary>
    public sealed class Redactor
    {
        public const string Mask = "***";

        private static readonly Regex KeyHeader = new Regex(@"((?:X-API-KEY|Proxy-Authorization|Authorization)\s*[:=]\s*)(\S+)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        // JSON fields that carry secrets, such as "postback_secret": "...".
        private static readonly Regex SecretField = new Regex(
            @"(""[^""]*(?:api[_-]?key|secret|token|password|signature)[^""]*""\s*:\s*"")((?:[^""\\]|\\.)*)("")",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly string? _secret;

        public Redactor(string? secret)
        {
            _secret = string.IsNullOrEmpty(secret) ? null : secret;
        }

        public static Redactor None { get; } = new Redactor(null);

        public string Redact(string? text)
        {
            if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
            var result = _secret == null ? text! : text!.Replace(_secret, Mask);
            result = SecretField.Replace(result, m => m.Groups[1].Value + Mask + m.Groups[3].Value);
            return KeyHeader.Replace(result, m => m.Groups[1].Value + Mask);
        }

        /// <summary>What may be shown of a key: its last four characters, and only when the key is long enough to keep the rest secret.</summary>
        public static string Hint(string key) =>
            key.Length >= 12 ? "..." + key.Substring(key.Length - 4) : Mask;
    }
}
