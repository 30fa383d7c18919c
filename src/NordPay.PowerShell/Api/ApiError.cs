using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using NordPay.Core;
using NordPay.Security;

namespace NordPay.Api
{
    /// <summary>The one error mapper: every failed call becomes a NordPayException with a stable ErrorId.</summary>
    internal static class ApiError
    {
        private sealed class DetailRule
        {
            public DetailRule(string pattern, string errorId, ErrorKind kind, string? field, string action)
            {
                Pattern = new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.IgnoreCase);
                ErrorId = errorId;
                Kind = kind;
                Field = field;
                Action = action;
            }

            public Regex Pattern { get; }
            public string ErrorId { get; }
            public ErrorKind Kind { get; }
            public string? Field { get; }
            public string Action { get; }
        }

        // The documented 'detail' strings, matched by prefix: the rendered minimum and currency vary.
        private static readonly DetailRule[] DetailRules =
        {
            new DetailRule(@"^\S+ is not available for withdraw at this moment", "CurrencyNotAvailable",
                ErrorKind.ResourceUnavailable, "Currency", "Try again later or pay this row in another currency."),
            new DetailRule(@"^Amount is less than minimum withdraw amount", "AmountBelowMinimum",
                ErrorKind.InvalidArgument, "Amount", "Raise the amount to at least the currency's minimum."),
            new DetailRule(@"^(Multiple )?Withdraw request not found", "WithdrawRequestNotFound",
                ErrorKind.ObjectNotFound, "Identifier", "Check the identifier; a request that was already confirmed is gone."),
            new DetailRule(@"^(Multiple )?Withdraw request expired", "WithdrawRequestExpired",
                ErrorKind.InvalidOperation, "Identifier", "Create a new withdraw request and confirm it before it expires."),
            new DetailRule(@"^Not enough balance", "InsufficientBalance",
                ErrorKind.LimitsExceeded, "Amount", "Top up the balance or lower the amount."),
            new DetailRule(@"^Currency does not exist", "CurrencyNotFound",
                ErrorKind.ObjectNotFound, "Currency", "Use a currency name from NordPay's currency list, such as USDTTRC20."),
        };

        /// <summary>Maps an HTTP answer that is not a success, or an envelope with success=false.</summary>
        public static NordPayException FromResponse(int status, string body, Redactor redactor)
        {
            // Redacted before it is cut to a snippet (a key across the cut would no longer be recognised), and again once
            // parsed (JSON escapes decoded); the field names too, which come from NordPay's answer.
            var (detail, parsed) = ReadDetail(redactor.Redact(body));
            detail = redactor.Redact(detail);
            var validation = parsed.Select(v => (Location: redactor.Redact(v.Location), Message: redactor.Redact(v.Message))).ToList();
            var text = detail.Length == 0 ? "(no detail)" : detail;
            var prefix = $"NordPay answered HTTP {status}: ";

            if (status == 422 && validation.Any(v => v.Location.IndexOf("x-api-key", StringComparison.OrdinalIgnoreCase) >= 0))
                return Create("ApiKeyRejected", ErrorKind.AuthenticationError, prefix + text, null, status, detail,
                    "Set a valid key with Set-NordPayApiKey.");

            foreach (var rule in DetailRules)
            {
                if (rule.Pattern.IsMatch(detail))
                    return Create(rule.ErrorId, rule.Kind, prefix + text, rule.Field, status, detail, rule.Action);
            }

            switch (status)
            {
                case 401:
                    return Create("ApiKeyRejected", ErrorKind.AuthenticationError, prefix + text, null, status, detail,
                        "Set a valid key with Set-NordPayApiKey.");
                case 403:
                    return Create("AccessDenied", ErrorKind.PermissionDenied, prefix + text, null, status, detail,
                        "Give this API key the permission to withdraw in the NordPay panel.");
                case 407:
                    return Create("ProxyAuthenticationRequired", ErrorKind.AuthenticationError, prefix + text, "Proxy", status, detail,
                        "Give the proxy's credentials with -ProxyCredential or -ProxyUseDefaultCredentials.");
                case 404:
                    return Create("EndpointNotFound", ErrorKind.ObjectNotFound, prefix + text, null, status, detail,
                        "Check the base URI given to Set-NordPayApiKey.");
                case 422:
                    var field = validation.Select(v => FieldOf(v.Location)).FirstOrDefault(f => f != null);
                    return Create("ValidationFailed", ErrorKind.InvalidData, prefix + text, field, status, detail,
                        "Correct the field NordPay named.");
                case 429:
                    return Create("RateLimited", ErrorKind.ResourceBusy, prefix + text, null, status, detail,
                        "Wait and run the row again.");
                case var s when s >= 500:
                    return Create("ServerError", ErrorKind.ResourceUnavailable, prefix + text, null, status, detail,
                        "NordPay had a problem; check the withdraw history before you run the row again.");
                default:
                    return Create("RequestRejected", ErrorKind.InvalidArgument, prefix + text, null, status, detail,
                        "Correct the row as NordPay's message says.");
            }
        }

        /// <summary>A call held back unsent: the rate NordPay set would have it wait past the retry time limit.</summary>
        public static NordPayException HeldBack(string message) =>
            Create("RateLimited", ErrorKind.ResourceBusy, message, null, null, null, "Wait and run the row again.");

        public static NordPayException Unreadable(int status, string reason, Redactor redactor) =>
            Create("UnreadableResponse", ErrorKind.ProtocolError,
                redactor.Redact($"NordPay's answer (HTTP {status}) could not be read: {reason}"), null, status, null,
                "Check the base URI; it may not point at the NordPay API.");

        /// <summary>
        /// A call that could not reach NordPay, naming the base URI's host and the proxy it went through, if any. Through a proxy
        /// the only connection opened is to the proxy, so a connection that could not be opened is the proxy's failure.
        /// </summary>
        public static NordPayException ConnectionFailed(Uri uri, Uri? proxy, bool proxyUnreachable, Exception inner, Redactor redactor)
        {
            var cause = Innermost(inner).Message;
            return proxy != null && proxyUnreachable
                ? Create("ConnectionFailed", ErrorKind.ConnectionError,
                    redactor.Redact($"Could not reach the proxy {Origin(proxy)} to call NordPay at {uri.Authority} ({uri.AbsolutePath}): {cause}"), null, null, null,
                    $"Check the proxy {Origin(proxy)}: Set-NordPayConfiguration -Proxy, or the HTTPS_PROXY and HTTP_PROXY variables of this session or job (NO_PROXY names the hosts reached without it).",
                    RedactedException.Of(inner, redactor))
                : Create("ConnectionFailed", ErrorKind.ConnectionError,
                    redactor.Redact($"Could not reach NordPay at {uri.Authority}{(proxy == null ? string.Empty : $" through the proxy {Origin(proxy)}")} ({uri.AbsolutePath}): {cause}"), null, null, null,
                    $"Check the network and the base URI {Origin(uri)}{(proxy == null ? string.Empty : $", and that the proxy {Origin(proxy)} may reach it")}.",
                    RedactedException.Of(inner, redactor));
        }

        /// <summary>A request creation or a read with no answer in time: neither pays anything (a confirm never ends here).</summary>
        public static NordPayException TimedOut(Uri uri, bool reads, TimeSpan timeout, Redactor redactor) =>
            Create("RequestTimedOut", ErrorKind.OperationTimeout,
                redactor.Redact($"NordPay at {uri.Authority} did not answer {uri.AbsolutePath} within {timeout.TotalSeconds:0.#} s."), null, null, null,
                (reads ? "Nothing was sent that pays: the call only reads." : "Nothing was paid: a withdraw request pays nothing until it is confirmed.") +
                " Check the network and NordPay's status, or allow more time with -TimeoutSec, and run it again.");

        // A URI's scheme, host and port: never its user information (a proxy's password), path or query.
        private static string Origin(Uri uri) => $"{uri.Scheme}://{uri.Authority}";

        private static NordPayException Create(string errorId, ErrorKind kind, string message, string? field,
            int? status, string? detail, string action, Exception? inner = null) =>
            new NordPayException(errorId, kind, message, field, status, detail, action, inner);

        // Reads the error text from any of the shapes seen: {"detail": "..."}, {"detail": [{loc, msg}]},
        // the /v1 envelope {"success": false, "error": {"type", "details"}}, or {"message": "..."}.
        private static (string Detail, IReadOnlyList<(string Location, string Message)> Validation) ReadDetail(string body)
        {
            var none = Array.Empty<(string Location, string Message)>();
            if (string.IsNullOrWhiteSpace(body)) return (string.Empty, none);
            try
            {
                using var doc = JsonDocument.Parse(body);
                var root = doc.RootElement;
                // An answer that repeats a key says two things: its detail is no known refusal.
                if (root.ValueKind != JsonValueKind.Object || JsonKeys.FirstRepeated(root) != null) return (Snippet(body), none);
                if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
                {
                    foreach (var name in new[] { "details", "detail", "message" })
                        if (error.TryGetProperty(name, out var d))
                            return ReadDetailValue(d);
                }
                foreach (var name in new[] { "detail", "message" })
                    if (root.TryGetProperty(name, out var d))
                        return ReadDetailValue(d);
                return (Snippet(body), none);
            }
            catch (JsonException)
            {
                return (Snippet(body), none);
            }
        }

        private static (string, IReadOnlyList<(string Location, string Message)>) ReadDetailValue(JsonElement value)
        {
            if (value.ValueKind == JsonValueKind.String) return (value.GetString() ?? string.Empty, Array.Empty<(string, string)>());
            if (value.ValueKind != JsonValueKind.Array) return (Snippet(value.GetRawText()), Array.Empty<(string, string)>());
            var items = new List<(string Location, string Message)>();
            foreach (var item in value.EnumerateArray())
            {
                var loc = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("loc", out var l) && l.ValueKind == JsonValueKind.Array
                    ? string.Join(".", l.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.String ? p.GetString() : p.GetRawText()))
                    : string.Empty;
                var msg = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String
                    ? m.GetString() ?? string.Empty
                    : item.GetRawText();
                items.Add((loc, msg));
            }
            var text = string.Join("; ", items.Select(i => i.Location.Length == 0 ? i.Message : $"{i.Location}: {i.Message}"));
            return (text, items);
        }

        // Maps a FastAPI location such as body.amount to our parameter name.
        private static string? FieldOf(string location)
        {
            var last = location.Split('.').LastOrDefault();
            if (string.IsNullOrEmpty(last)) return null;
            return char.ToUpperInvariant(last![0]) + last.Substring(1);
        }

        private static string Snippet(string text)
        {
            var oneLine = text.Replace("\r", " ").Replace("\n", " ").Trim();
            return oneLine.Length <= 300 ? oneLine : oneLine.Substring(0, 300) + "...";
        }

        private static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }
}
