using System;
using System.Diagnostics;
using System.IO;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Security;

namespace NordPay.Api
{
    /// <summary>
    /// The NordPay API client: one shared HttpClient for the process, JSON in and out, exact amounts,
    /// every failure mapped by <see cref="ApiError"/>. No PowerShell types live here.
    /// </summary>
    public sealed class NordPayClient
    {
        private const string RequestPath = "balance/withdraw/request";
        private const string ConfirmPath = "balance/withdraw/confirm";

        // One HttpClient per process keeps connections pooled across rows and runspaces; the
        // per-request timeout is a linked token, so the client-wide one is off.
        private static readonly HttpClient Http = new HttpClient(new HttpClientHandler()) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };

        private static readonly string UserAgent =
            $"NordPay.PowerShell/{typeof(NordPayClient).Assembly.GetName().Version?.ToString(3)}";

        private readonly NordPayConnection _connection;
        private readonly Action<string> _log;

        public NordPayClient(NordPayConnection connection, Action<string>? log = null)
        {
            _connection = connection;
            Redactor = new Redactor(connection.RevealKey());
            _log = log ?? (_ => { });
        }

        public Redactor Redactor { get; }

        public Uri BaseUri => _connection.BaseUri;

        /// <summary>Step one: asks NordPay for a withdraw request. The amount is sent digit for digit.</summary>
        public async Task<NordPayWithdrawRequest> RequestWithdrawAsync(string currency, string address, decimal amount,
            CancellationToken cancellation)
        {
            var body = WriteJson(w =>
            {
                w.WriteString("currency", currency);
                w.WriteString("address", address);
                // A decimal string is carried exactly by any JSON parser; a JSON number may be read as a float.
                w.WriteString("amount", Amount.Format(amount));
            });
            var payload = await PostAsync(RequestPath, body, cancellation).ConfigureAwait(false);
            var request = new NordPayWithdrawRequest(
                payload.Guid("identifier"),
                payload.OptionalString("currency") ?? currency,
                payload.OptionalString("address") ?? address,
                payload.Decimal("amount"),
                payload.OptionalDecimal("amount_usd"),
                payload.OptionalDecimal("service_fee"),
                payload.OptionalDecimal("service_fee_usd"),
                payload.Timestamp("expires_at"));
            RequireEcho(request, currency, address, amount);
            return request;
        }

        /// <summary>Step two: confirms a withdraw request, which queues the payout for admin approval.</summary>
        public async Task<WithdrawConfirmResult> ConfirmWithdrawAsync(Guid identifier, CancellationToken cancellation)
        {
            var body = WriteJson(w => w.WriteString("identifier", identifier.ToString("D")));
            var payload = await PostAsync(ConfirmPath, body, cancellation).ConfigureAwait(false);
            return new WithdrawConfirmResult(payload.Int64("id"), payload.String("status"), payload.OptionalString("detail") ?? string.Empty);
        }

        // A request NordPay echoes with another currency, address or amount must never be confirmed.
        private void RequireEcho(NordPayWithdrawRequest request, string currency, string address, decimal amount)
        {
            string? field = !string.Equals(request.Currency, currency, StringComparison.Ordinal) ? "Currency"
                : !string.Equals(request.Address, address, StringComparison.Ordinal) ? "Address"
                : request.Amount != amount ? "Amount"
                : null;
            if (field == null) return;
            throw new NordPayException("ResponseMismatch", ErrorKind.InvalidResult,
                Redactor.Redact($"NordPay created request {request.Identifier} for {Amount.Format(request.Amount)} {request.Currency} " +
                                $"to {request.Address}, which differs from what was asked ({Amount.Format(amount)} {currency} to {address}) in {field}."),
                field, recommendedAction: "Do not confirm this request; let it expire and contact NordPay.");
        }

        private async Task<JsonPayload> PostAsync(string path, byte[] body, CancellationToken cancellation)
        {
            var uri = new Uri(_connection.BaseUri, path);
            using var message = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            message.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            message.Headers.TryAddWithoutValidation("X-API-KEY", _connection.RevealKey());

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(_connection.Timeout);
            var clock = Stopwatch.StartNew();
            int status;
            string text;
            try
            {
                using var response = await Http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
                status = (int)response.StatusCode;
                text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                throw ApiError.TimedOut(uri.AbsolutePath, _connection.Timeout, Redactor);
            }
            catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
            {
                throw ApiError.ConnectionFailed(uri.AbsolutePath, ex, Redactor);
            }
            _log(Redactor.Redact($"POST {uri.AbsolutePath} -> HTTP {status} in {clock.ElapsedMilliseconds} ms"));
            return ReadPayload(status, text);
        }

        // Accepts the documented bare JSON and the /v1 envelope {success, data, error}.
        private JsonPayload ReadPayload(int status, string text)
        {
            if (status < 200 || status > 299) throw ApiError.FromResponse(status, text, Redactor);
            Exception Unreadable(string reason) => ApiError.Unreadable(status, reason, Redactor);
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                throw Unreadable("it is not JSON (" + ex.Message + ")");
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("success", out var success)
                    && (success.ValueKind == JsonValueKind.True || success.ValueKind == JsonValueKind.False))
                {
                    if (success.ValueKind == JsonValueKind.False) throw ApiError.FromResponse(400, text, Redactor);
                    if (!root.TryGetProperty("data", out var data)) throw Unreadable("the envelope has no 'data'");
                    return new JsonPayload(data.Clone(), Unreadable);
                }
                return new JsonPayload(root.Clone(), Unreadable);
            }
        }

        private static byte[] WriteJson(Action<Utf8JsonWriter> writeFields)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writeFields(writer);
                writer.WriteEndObject();
            }
            return stream.ToArray();
        }
    }
}
