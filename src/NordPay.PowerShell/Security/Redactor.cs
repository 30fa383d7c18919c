using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace NordPay.Security
{
    /// <summary>
    /// The one redactor: every text headed for a stream, an error or a file passes through it,
    /// so the API key can only leave the process as the X-API-KEY header.
    /// </summary>
    internal sealed class Redactor
    {
        public const string Mask = "***";

        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

        // Built on the first text to redact, not with the module's first call: most calls succeed and redact nothing.
        private static class Patterns
        {
            // A header that carries a credential: its whole value to the end of the line, a scheme such as Basic included.
            public static readonly Regex KeyHeader = new Regex(@"((?:X-API-KEY|Proxy-Authorization|Authorization)[ \t]*[:=][ \t]*)[^\r\n]+", Options);

            // JSON fields that carry secrets, such as "postback_secret": "..." or an echoed "Authorization": "...".
            public static readonly Regex SecretField = new Regex(
                @"(""[^""]*(?:api[_-]?key|secret|token|password|signature|authorization)[^""]*""\s*:\s*"")((?:[^""\\]|\\.)*)("")", Options);
        }

        private readonly string? _secret;

        // The key in any letter case, each character plain, JSON-escaped (\u0063, \u0043, \/ ...), percent-encoded (%2B) or an
        // HTML character reference (&#43;, &#x2b;, &amp;): as a server, a proxy or an error page may echo it.
        private readonly Lazy<Regex>? _spelledSecret;

        public Redactor(string? secret)
        {
            if (string.IsNullOrEmpty(secret)) return;
            _secret = secret;
            _spelledSecret = new Lazy<Regex>(() => new Regex(string.Concat(secret!.Select(AnySpelling)), Options));
        }

        public static Redactor None { get; } = new Redactor(null);

        public string Redact(string? text)
        {
            if (string.IsNullOrEmpty(text)) return text ?? string.Empty;
            var result = text!;
            // Only an escape or the key itself can spell the key: most texts skip the pattern.
            if (_spelledSecret != null && (result.IndexOfAny(EscapeStarts) >= 0 || result.IndexOf(_secret!, StringComparison.OrdinalIgnoreCase) >= 0))
                result = _spelledSecret.Value.Replace(result, Mask);
            if (result.IndexOf('"') >= 0 && MayMatch(result, SecretFieldWords))
                result = Patterns.SecretField.Replace(result, m => m.Groups[1].Value + Mask + m.Groups[3].Value);
            return MayMatch(result, KeyHeaderWords) ? Patterns.KeyHeader.Replace(result, m => m.Groups[1].Value + Mask) : result;
        }

        // A word each match of a pattern contains: a text without any of them is left as it is, unscanned (every journal
        // entry, most log lines). Only in ASCII text is that certain: case folding maps other letters onto these (the
        // Kelvin sign onto k), so a text with any other character is always scanned.
        private static readonly char[] EscapeStarts = { '\\', '%', '&' };

        private static readonly string[] SecretFieldWords = { "key", "secret", "token", "password", "signature", "authorization" };
        private static readonly string[] KeyHeaderWords = { "x-api-key", "authorization" };

        private static bool MayMatch(string text, string[] words)
        {
            foreach (var c in text)
                if (c > '\u007f') return true;
            foreach (var word in words)
                if (text.IndexOf(word, StringComparison.OrdinalIgnoreCase) >= 0) return true;
            return false;
        }

        /// <summary>What may be shown of a key: its last four characters, and only when the key is long enough to keep the rest secret.</summary>
        public static string Hint(string key) =>
            key.Length >= 12 ? "..." + key.Substring(key.Length - 4) : Mask;

        private static readonly Dictionary<char, string> NamedReferences = new Dictionary<char, string>
        {
            ['&'] = "amp", ['<'] = "lt", ['>'] = "gt", ['"'] = "quot", ['\''] = "apos",
        };

        private static string AnySpelling(char c)
        {
            var spellings = new[] { c, char.ToLowerInvariant(c), char.ToUpperInvariant(c) }.Distinct()
                .Select(v => @"\\u" + ((int)v).ToString("x4", CultureInfo.InvariantCulture)).ToList();
            spellings.Add(Regex.Escape(c.ToString()));
            if (c == '"' || c == '\\' || c == '/') spellings.Add(@"\\" + Regex.Escape(c.ToString()));
            // A key is printable ASCII (NordPayConnection.NormalizeKey): one byte, so one %XX, and one character reference.
            if (c <= '\u007f')
            {
                var code = (int)c;
                spellings.Add("%" + code.ToString("x2", CultureInfo.InvariantCulture));
                spellings.Add("&\\#0*" + code.ToString(CultureInfo.InvariantCulture) + ";");
                spellings.Add("&\\#x0*" + code.ToString("x", CultureInfo.InvariantCulture) + ";");
                if (NamedReferences.TryGetValue(c, out var name)) spellings.Add("&" + name + ";");
            }
            return "(?:" + string.Join("|", spellings) + ")";
        }
    }
}
