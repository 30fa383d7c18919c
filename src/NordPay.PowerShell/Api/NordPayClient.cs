using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Security;

namespace NordPay.Api
{
    /// <summary>
    /// The NordPay API client: shared HttpClients, JSON in and out, exact amounts, retries that can never
    /// pay twice, and every failure mapped by <see cref="ApiError"/>. No PowerShell types live here.
    /// </summary>
    public sealed class NordPayClient
    {
        private const string RequestPath = "balance/withdraw/request";
        private const string ConfirmPath = "balance/withdraw/confirm";
        private const string HistoryPath = "balance/withdraws";
        private const string CurrenciesPath = "currencies/";
        private const string BalancePath = "balance/";
        private const string MultipleRequestPath = "balance/withdraw/multiple/request";
        private const string MultipleConfirmPath = "balance/withdraw/multiple/confirm";
        private const int HistoryPageSize = 100;

        // How far the server's clock may trail ours when matching a withdrawal to a confirm we sent.
        private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

        private static readonly byte[] Utf8Bom = { 0xEF, 0xBB, 0xBF };
        private static readonly MediaTypeHeaderValue JsonMediaType = new MediaTypeHeaderValue("application/json");

        private readonly NordPayConnection _connection;
        private readonly NordPayClientOptions _options;
        private readonly HttpClient _http;
        private readonly Action<LogLevel, string> _log;
        private readonly Func<LogLevel, bool> _logs;
        // Revealed once: the redactor holds the same text for the client's lifetime anyway.
        private readonly string _key;
        // Withdrawals already matched to a confirm by this client: two lost answers never claim the same one.
        private readonly HashSet<long> _claimed = new HashSet<long>();

        /// <summary>How a call may be repeated.</summary>
        private enum Repeat
        {
            /// <summary>Reads and request creation: a repeat at worst leaves a request that expires unused.</summary>
            Safely,
            /// <summary>Confirm: repeated only when NordPay cannot have received it.</summary>
            OnlyIfNotReceived,
        }

        /// <param name="logs">Which levels are wanted: lines nobody reads (request bodies above all) are never built.</param>
        public NordPayClient(NordPayConnection connection, NordPayClientOptions? options = null, Action<LogLevel, string>? log = null,
            Func<LogLevel, bool>? logs = null)
        {
            _connection = connection;
            _options = options ?? NordPayClientOptions.Default;
            _http = HttpClients.For(_options.Proxy);
            _key = connection.RevealKey();
            Redactor = new Redactor(_key);
            _log = log ?? ((_, _) => { });
            _logs = log == null ? _ => false : logs ?? (_ => true);
        }

        public Redactor Redactor { get; }

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
            var payload = await SendAsync(HttpMethod.Post, RequestPath, body, Repeat.Safely, cancellation).ConfigureAwait(false);
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

        /// <summary>
        /// Step two: confirms a withdraw request, which queues the payout for admin approval. It is never sent
        /// twice: when the answer is lost after sending, the withdraw history is read to find the payout, and
        /// when it cannot be found the call fails with OutcomeUnknown.
        /// </summary>
        /// <param name="request">The request being confirmed, when known: what to look for in the history.</param>
        public async Task<WithdrawConfirmResult> ConfirmWithdrawAsync(Guid identifier, NordPayWithdrawRequest? request,
            CancellationToken cancellation)
        {
            var body = WriteJson(w => w.WriteString("identifier", identifier.ToString("D")));
            var sentAt = DateTimeOffset.UtcNow;
            JsonPayload payload;
            try
            {
                payload = await SendAsync(HttpMethod.Post, ConfirmPath, body, Repeat.OnlyIfNotReceived, cancellation).ConfigureAwait(false);
            }
            catch (OutcomeUnknownException unknown)
            {
                _log(LogLevel.Verbose, Redactor.Redact($"The confirm of {identifier} may have reached NordPay ({unknown.Message}); it is not sent again. Reading the withdraw history."));
                return await ReconcileAsync(identifier, request, sentAt, unknown.Message, cancellation).ConfigureAwait(false);
            }
            var result = new WithdrawConfirmResult(payload.Int64("id"), payload.String("status"), payload.OptionalString("detail") ?? string.Empty);
            lock (_claimed) _claimed.Add(result.Id);
            return result;
        }

        /// <summary>Step one for many addresses in one currency: one request, all or nothing.</summary>
        public async Task<NordPayMultipleWithdrawRequest> RequestMultipleWithdrawAsync(string currency,
            IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts, CancellationToken cancellation)
        {
            var body = WriteJson(w =>
            {
                w.WriteString("currency", currency);
                w.WriteStartArray("addresses_and_amounts");
                foreach (var pair in addressesAndAmounts)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(pair.Key);
                    w.WriteStringValue(Amount.Format(pair.Value));
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            });
            var payload = await SendAsync(HttpMethod.Post, MultipleRequestPath, body, Repeat.Safely, cancellation).ConfigureAwait(false);
            var request = new NordPayMultipleWithdrawRequest(payload.Guid("identifier"), payload.OptionalString("currency") ?? currency,
                payload.Decimal("total_amount"), payload.OptionalDecimal("total_service_fee"), (int)payload.Int64("addresses_count"),
                payload.Timestamp("expires_at"));
            var asked = addressesAndAmounts.Sum(p => p.Value);
            if (request.TotalAmount != asked || request.AddressesCount != addressesAndAmounts.Count || !string.Equals(request.Currency, currency, StringComparison.Ordinal))
                throw new NordPayException("ResponseMismatch", ErrorKind.InvalidResult,
                    $"NordPay created multiple request {request.Identifier} for {request.AddressesCount} addresses and {Amount.Format(request.TotalAmount)} {request.Currency}, " +
                    $"which differs from what was asked ({addressesAndAmounts.Count} addresses, {Amount.Format(asked)} {currency}).", "Amount",
                    recommendedAction: "Do not confirm this request; let it expire and contact NordPay.");
            return request;
        }

        /// <summary>
        /// Step two for many addresses. Never sent twice: a lost answer is resolved by finding every payout in
        /// the withdraw history, else OutcomeUnknown.
        /// </summary>
        public async Task<WithdrawConfirmResult> ConfirmMultipleWithdrawAsync(Guid identifier, string currency,
            IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts, CancellationToken cancellation)
        {
            var body = WriteJson(w => w.WriteString("identifier", identifier.ToString("D")));
            var sentAt = DateTimeOffset.UtcNow;
            try
            {
                var payload = await SendAsync(HttpMethod.Post, MultipleConfirmPath, body, Repeat.OnlyIfNotReceived, cancellation).ConfigureAwait(false);
                return new WithdrawConfirmResult(payload.Int64("id"), payload.String("status"), payload.OptionalString("detail") ?? string.Empty);
            }
            catch (OutcomeUnknownException unknown)
            {
                var found = await FindWithdrawalsAsync(addressesAndAmounts.Select(p => new PayoutKey(currency, p.Key, p.Value)).ToList(), sentAt, cancellation)
                    .ConfigureAwait(false);
                if (found == null) throw OutcomeUnknown(identifier, unknown.Message, "not every payout is in the withdraw history yet");
                return new WithdrawConfirmResult(0, found[0].Status,
                    $"The answer to the confirm was lost ({unknown.Message}); all {found.Count} withdrawals were found in the withdraw history.", reconciled: true);
            }
        }

        /// <summary>Every currency NordPay lists, with decimals, minimums and availability. Public: no key is needed, but it is sent.</summary>
        public async Task<IReadOnlyList<NordPayCurrency>> GetCurrenciesAsync(CancellationToken cancellation)
        {
            var payload = await SendAsync(HttpMethod.Get, CurrenciesPath, null, Repeat.Safely, cancellation).ConfigureAwait(false);
            return payload.Items().Select(c => new NordPayCurrency(c.String("name"), c.OptionalString("token"), c.String("network"),
                (int)c.Int64("decimals"), c.OptionalDecimal("min_withdraw"), c.OptionalDecimal("rate"), c.Boolean("is_available"), c.Boolean("can_withdraw"))).ToList();
        }

        /// <summary>The merchant's balance in each currency.</summary>
        public async Task<IReadOnlyDictionary<string, decimal>> GetBalancesAsync(CancellationToken cancellation)
        {
            var payload = await SendAsync(HttpMethod.Get, BalancePath, null, Repeat.Safely, cancellation).ConfigureAwait(false);
            var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var pair in payload.AmountsByName("balances")) balances[pair.Key] = pair.Value;
            return balances;
        }

        /// <summary>One page of the withdraw history, newest first.</summary>
        public async Task<IReadOnlyList<NordPayWithdrawal>> GetWithdrawalsAsync(string? currency, int offset, int limit,
            CancellationToken cancellation)
        {
            var query = $"{HistoryPath}?offset={offset.ToString(CultureInfo.InvariantCulture)}&limit={limit.ToString(CultureInfo.InvariantCulture)}"
                        + (currency == null ? string.Empty : "&currency=" + Uri.EscapeDataString(currency));
            var payload = await SendAsync(HttpMethod.Get, query, null, Repeat.Safely, cancellation).ConfigureAwait(false);
            var items = new List<NordPayWithdrawal>();
            foreach (var item in payload.Array("items"))
            {
                items.Add(new NordPayWithdrawal(item.Int64("id"), item.String("currency"), item.String("address"), item.Decimal("amount"),
                    item.OptionalDecimal("amount_usd"), item.OptionalDecimal("service_fee"), item.OptionalDecimal("service_fee_usd"),
                    item.String("status"), item.OptionalString("tx_hash"), item.Timestamp("created_at")));
            }
            return items;
        }

        /// <summary>
        /// Finds, in the withdraw history, one withdrawal for each payout: same currency, address and amount,
        /// created since the confirm was sent, not matched before by this client. Null unless all are found.
        /// </summary>
        public async Task<IReadOnlyList<NordPayWithdrawal>?> FindWithdrawalsAsync(IReadOnlyList<PayoutKey> payouts, DateTimeOffset confirmSentAt,
            CancellationToken cancellation)
        {
            var since = confirmSentAt - ClockSkew;
            var found = new List<NordPayWithdrawal>();
            foreach (var currency in payouts.Select(p => p.Currency).Distinct(StringComparer.Ordinal))
            {
                var wanted = payouts.Where(p => p.Currency == currency).ToList();
                for (var offset = 0; wanted.Count > 0; offset += HistoryPageSize)
                {
                    var page = await GetWithdrawalsAsync(currency, offset, HistoryPageSize, cancellation).ConfigureAwait(false);
                    foreach (var withdrawal in page.Where(w => w.CreatedAt >= since))
                    {
                        var match = wanted.FindIndex(p => string.Equals(p.Address, withdrawal.Address, StringComparison.Ordinal) && p.Amount == withdrawal.Amount);
                        if (match < 0) continue;
                        lock (_claimed)
                        {
                            if (!_claimed.Add(withdrawal.Id)) continue;
                        }
                        found.Add(withdrawal);
                        wanted.RemoveAt(match);
                    }
                    if (page.Count < HistoryPageSize || page.Any(w => w.CreatedAt < since)) break;
                }
                if (wanted.Count > 0)
                {
                    lock (_claimed) _claimed.ExceptWith(found.Select(w => w.Id));
                    return null;
                }
            }
            return found;
        }

        // Finds the withdrawal a lost confirm created.
        private async Task<WithdrawConfirmResult> ReconcileAsync(Guid identifier, NordPayWithdrawRequest? request, DateTimeOffset sentAt,
            string reason, CancellationToken cancellation)
        {
            if (request == null)
                throw OutcomeUnknown(identifier, reason, "only a piped request carries the currency, address and amount to look for in the history");
            IReadOnlyList<NordPayWithdrawal>? found;
            try
            {
                found = await FindWithdrawalsAsync(new[] { new PayoutKey(request.Currency, request.Address, request.Amount) }, sentAt, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex)
            {
                throw OutcomeUnknown(identifier, reason, "the withdraw history could not be read: " + ex.Message);
            }
            if (found == null) throw OutcomeUnknown(identifier, reason, "no matching withdrawal is in the withdraw history yet");
            var withdrawal = found[0];
            _log(LogLevel.Verbose, $"Found withdrawal {withdrawal.Id} for request {identifier} in the withdraw history.");
            return new WithdrawConfirmResult(withdrawal.Id, withdrawal.Status,
                $"The answer to the confirm was lost ({reason}); withdrawal {withdrawal.Id} was found in the withdraw history.", reconciled: true);
        }

        private NordPayException OutcomeUnknown(Guid identifier, string reason, string check) =>
            new NordPayException("OutcomeUnknown", ErrorKind.InvalidResult,
                Redactor.Redact($"The confirm of withdraw request {identifier} may or may not have reached NordPay ({reason}), and {check}. It was not sent again."),
                "Identifier", recommendedAction: "Look for the payout in the NordPay withdraw history before you pay this row again.");

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

        /// <summary>Raised inside the client when a confirm may have been received but its answer is lost.</summary>
        private sealed class OutcomeUnknownException : Exception
        {
            public OutcomeUnknownException(string reason) : base(reason)
            {
            }
        }

        /// <summary>An answer as received: its body is parsed as UTF-8 bytes, and decoded to text only for errors and logs.</summary>
        private sealed class Answer
        {
            private string? _text;

            public Answer(int status, byte[] body, TimeSpan? retryAfter)
            {
                Status = status;
                Body = body;
                RetryAfter = retryAfter;
            }

            public int Status { get; }
            public byte[] Body { get; }
            public string Text => _text ??= System.Text.Encoding.UTF8.GetString(Body);
            public TimeSpan? RetryAfter { get; }
        }

        private async Task<JsonPayload> SendAsync(HttpMethod method, string path, byte[]? body, Repeat repeat, CancellationToken cancellation)
        {
            var uri = new Uri(_connection.BaseUri, path);
            var retry = new RetryPolicy(_options);
            while (true)
            {
                retry.Attempted();
                var clock = Stopwatch.StartNew();
                Answer answer;
                NordPayException failure;
                TimeSpan? retryAfter = null;
                string outcome;
                try
                {
                    answer = await SendOnceAsync(method, uri, body, cancellation).ConfigureAwait(false);
                    outcome = $"HTTP {answer.Status}";
                    if (answer.Status == 429) retryAfter = answer.RetryAfter;
                    var repeatable = answer.Status == 429
                                     || (repeat == Repeat.Safely && (answer.Status == 502 || answer.Status == 503 || answer.Status == 504));
                    if (!repeatable)
                    {
                        Log(method, uri, outcome, clock, retry, null);
                        if (repeat == Repeat.OnlyIfNotReceived && answer.Status >= 500)
                            throw new OutcomeUnknownException($"NordPay answered HTTP {answer.Status}");
                        return ReadPayload(answer);
                    }
                    failure = ApiError.FromResponse(answer.Status, answer.Text, Redactor);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    Log(method, uri, "no answer", clock, retry, null);
                    if (repeat == Repeat.OnlyIfNotReceived)
                        throw new OutcomeUnknownException($"no answer within {_options.Timeout.TotalSeconds:0.#} s");
                    throw ApiError.TimedOut(uri.AbsolutePath, _options.Timeout, Redactor);
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
                {
                    var notSent = NeverSent(ex);
                    outcome = notSent ? "could not connect" : "connection lost";
                    if (repeat == Repeat.OnlyIfNotReceived && !notSent)
                    {
                        Log(method, uri, outcome, clock, retry, null);
                        throw new OutcomeUnknownException("the connection was lost after the confirm was sent");
                    }
                    failure = ApiError.ConnectionFailed(uri.AbsolutePath, ex, Redactor);
                }

                var delay = retry.NextDelay(retryAfter, out var whyNot);
                Log(method, uri, outcome, clock, retry, delay);
                if (delay == null) throw failure.WithMessage($"{failure.Message} (gave up {whyNot})");
                await Task.Delay(delay.Value, cancellation).ConfigureAwait(false);
            }
        }

        private async Task<Answer> SendOnceAsync(HttpMethod method, Uri uri, byte[]? body, CancellationToken cancellation)
        {
            using var message = new HttpRequestMessage(method, uri);
            if (body != null)
            {
                message.Content = new ByteArrayContent(body);
                message.Content.Headers.ContentType = JsonMediaType;
                if (_logs(LogLevel.Debug)) _log(LogLevel.Debug, Redactor.Redact($"{method} {uri.AbsolutePath} body: {System.Text.Encoding.UTF8.GetString(body)}"));
            }
            if (_key.Length > 0) message.Headers.TryAddWithoutValidation("X-API-KEY", _key);

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(_options.Timeout);
            // ResponseContentRead: the body is read under the same token, so the timeout covers a slow body too.
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            var answer = new Answer((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false), RetryAfterOf(response));
            if (_logs(LogLevel.Debug)) _log(LogLevel.Debug, Redactor.Redact($"{method} {uri.AbsolutePath} answer (HTTP {answer.Status}): {answer.Text}"));
            return answer;
        }

        private static TimeSpan? RetryAfterOf(HttpResponseMessage response)
        {
            var header = response.Headers.RetryAfter;
            if (header?.Delta is { } delta) return delta;
            if (header?.Date is { } date)
            {
                var wait = date - DateTimeOffset.UtcNow;
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
            return null;
        }

        // True when the failure happened before a byte of the request could reach NordPay.
        private static bool NeverSent(Exception ex)
        {
            for (var inner = ex; inner != null; inner = inner.InnerException)
            {
                if (inner is SocketException socket)
                    return socket.SocketErrorCode == SocketError.ConnectionRefused || socket.SocketErrorCode == SocketError.HostNotFound
                           || socket.SocketErrorCode == SocketError.HostUnreachable || socket.SocketErrorCode == SocketError.NetworkUnreachable
                           || socket.SocketErrorCode == SocketError.TryAgain || socket.SocketErrorCode == SocketError.NoData;
                if (inner is WebException web)
                    return web.Status == WebExceptionStatus.ConnectFailure || web.Status == WebExceptionStatus.NameResolutionFailure
                           || web.Status == WebExceptionStatus.ProxyNameResolutionFailure;
            }
            return false;
        }

        private void Log(HttpMethod method, Uri uri, string outcome, Stopwatch clock, RetryPolicy retry, TimeSpan? delay)
        {
            if (!_logs(LogLevel.Verbose)) return;
            var attempt = retry.Attempts > 1 ? $" (attempt {retry.Attempts})" : string.Empty;
            var next = delay == null ? string.Empty
                : $"; retry {retry.Attempts} of {_options.MaximumRetryCount} in {delay.Value.TotalSeconds.ToString("0.##", CultureInfo.InvariantCulture)} s";
            _log(LogLevel.Verbose, Redactor.Redact($"{method} {uri.AbsolutePath} -> {outcome} in {clock.ElapsedMilliseconds} ms{attempt}{next}"));
        }

        // Accepts the documented bare JSON and the /v1 envelope {success, data, error}.
        private JsonPayload ReadPayload(Answer answer)
        {
            var status = answer.Status;
            if (status < 200 || status > 299) throw ApiError.FromResponse(status, answer.Text, Redactor);
            Exception Unreadable(string reason) => ApiError.Unreadable(status, reason, Redactor);
            JsonDocument document;
            try
            {
                // JSON is UTF-8 (RFC 8259); a byte order mark is allowed before it.
                var body = answer.Body.AsMemory();
                document = JsonDocument.Parse(body.Span.StartsWith(Utf8Bom) ? body.Slice(Utf8Bom.Length) : body);
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
                    if (success.ValueKind == JsonValueKind.False) throw ApiError.FromResponse(400, answer.Text, Redactor);
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
