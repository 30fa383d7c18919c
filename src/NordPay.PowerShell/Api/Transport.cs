using System;
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Core;
using NordPay.Security;

namespace NordPay.Api
{
    /// <summary>How a call may be repeated.</summary>
    internal enum Repeat
    {
        /// <summary>Reads and request creation: a repeat at worst leaves a request that expires unused.</summary>
        Safely,
        /// <summary>
        /// Confirm: repeated only when NordPay cannot have received it, or answered 429 (its identifier is used once, so a
        /// repeat of one it processed is refused, never paid). Once it answered, its last answer is what is judged.
        /// </summary>
        OnlyIfNotReceived,
    }

    /// <summary>
    /// Sends one call to NordPay with the key, the timeout and the retries its kind allows, in its turn under the
    /// merchant's rate limit, logs every attempt through the redactor, and learns NordPay's clock from each answer.
    /// </summary>
    internal sealed class Transport
    {
        private static readonly MediaTypeHeaderValue JsonMediaType = new MediaTypeHeaderValue("application/json");

        /// <summary>
        /// The most of an answer that is read. The largest NordPay sends, a history page of 200 withdrawals, is under
        /// 100 KB; a larger answer is unreadable, and never held in memory whole.
        /// </summary>
        public const int MaxAnswerBytes = 1024 * 1024;

        private readonly NordPayConnection _connection;
        private readonly NordPayClientOptions _options;
        private readonly HttpClient _http;
        private readonly ServerClock _clock;
        private readonly CallPacer _pacer;
        private readonly Action<LogLevel, string> _log;
        private readonly Func<LogLevel, bool> _logs;
        // Revealed once: the redactor holds the same text for the client's lifetime anyway.
        private readonly string _key;

        public Transport(NordPayConnection connection, NordPayClientOptions options, MerchantState merchant, Action<LogLevel, string> log, Func<LogLevel, bool> logs)
        {
            _connection = connection;
            _options = options;
            _http = HttpClients.For(options.Proxy);
            _clock = merchant.Clock;
            _pacer = merchant.Pacer;
            _key = connection.RevealKey();
            Redactor = new Redactor(_key);
            _log = log;
            _logs = logs;
        }

        public Redactor Redactor { get; }

        public NordPayClientOptions Options => _options;

        public void Log(LogLevel level, string text)
        {
            if (_logs(level)) _log(level, Redactor.Redact(text));
        }

        /// <summary>
        /// Sends a call and returns NordPay's answer, after the retries its kind allows. For a confirm, any answer is
        /// returned for <see cref="ConfirmEvidence"/> to judge, and a call that may have been received but got no answer
        /// throws <see cref="OutcomeUnknownException"/>; only a call that never left is reported as a failure.
        /// </summary>
        public async Task<Answer> SendAsync(HttpMethod method, string path, byte[]? body, Repeat repeat, CancellationToken cancellation)
        {
            var uri = new Uri(_connection.BaseUri, path);
            var retry = new RetryPolicy(_options);
            // A confirm's last answer: NordPay documents nothing of 429s, so one it answered may have been processed, and
            // giving up on it proves nothing; ConfirmEvidence judges that answer instead.
            Answer? answered = null;
            while (true)
            {
                TimeSpan sentAt;
                try
                {
                    sentAt = await WaitTurnAsync(uri, cancellation).ConfigureAwait(false);
                }
                catch (NordPayException) when (answered != null)
                {
                    return answered;
                }
                retry.Attempted();
                var clock = Stopwatch.StartNew();
                NordPayException failure;
                TimeSpan? retryAfter = null;
                string outcome;
                try
                {
                    var answer = await SendOnceAsync(method, uri, body, cancellation).ConfigureAwait(false);
                    outcome = $"HTTP {answer.Status}";
                    if (answer.Status == 429)
                    {
                        retryAfter = answer.RetryAfter;
                        _pacer.Limited(sentAt, retryAfter);
                    }
                    else
                    {
                        _pacer.Accepted(sentAt);
                    }
                    answer.AnsweredBefore = answered != null;
                    if (!Repeatable(answer.Status, repeat))
                    {
                        Log(method, uri, outcome, clock, retry, null);
                        return answer;
                    }
                    if (repeat == Repeat.OnlyIfNotReceived) answered = answer;
                    failure = ApiError.FromResponse(answer.Status, answer.Text, Redactor);
                }
                catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
                {
                    Log(method, uri, "no answer", clock, retry, null);
                    if (repeat == Repeat.OnlyIfNotReceived)
                        throw new OutcomeUnknownException($"no answer within {_options.Timeout.TotalSeconds:0.#} s");
                    throw ApiError.TimedOut(uri, method == HttpMethod.Get, _options.Timeout, Redactor);
                }
                catch (Exception ex) when (ex is HttpRequestException || ex is IOException)
                {
                    var notSent = NeverSent(ex);
                    outcome = notSent ? "could not connect" : "connection lost";
                    if (repeat == Repeat.OnlyIfNotReceived && !notSent)
                    {
                        Log(method, uri, outcome, clock, retry, null);
                        throw new OutcomeUnknownException("the connection was lost after the call was sent");
                    }
                    failure = ApiError.ConnectionFailed(uri, ProxyFor(uri), notSent, ex, Redactor);
                }

                var delay = retry.NextDelay(retryAfter, out var whyNot);
                Log(method, uri, outcome, clock, retry, delay);
                if (delay == null && answered != null) return answered;
                if (delay == null) throw failure.WithMessage($"{failure.Message} (gave up {whyNot})");
                await Task.Delay(delay.Value, cancellation).ConfigureAwait(false);
            }
        }

        // Waits for the call's turn under the merchant's rate limit and returns when it is sent, on the pacer's clock (a
        // wait may end later than the turn on a busy machine). A 429 that cuts the rate while it waits holds it back too:
        // its turn was taken on the old rate, so it takes another.
        private async Task<TimeSpan> WaitTurnAsync(Uri uri, CancellationToken cancellation)
        {
            while (true)
            {
                var pauses = _pacer.Pauses;
                if (!_pacer.TryNextTurn(_options.RetryTimeLimit, out var turn, out _))
                    throw ApiError.HeldBack(
                        $"NordPay asked this key's calls to wait {turn.TotalSeconds:0.#} s, past the retry time limit of {_options.RetryTimeLimit.TotalSeconds:0.#} s: {uri.AbsolutePath} was not sent.");
                if (turn > TimeSpan.Zero)
                {
                    await Task.Delay(turn, cancellation).ConfigureAwait(false);
                    if (_pacer.Pauses != pauses) continue;
                }
                return _pacer.Now;
            }
        }

        // A 429 or a 5xx may come after a call was processed: only calls safe to repeat repeat on a 5xx, and a confirm on a
        // 429 only because a processed one's identifier is gone (see Repeat.OnlyIfNotReceived).
        private static bool Repeatable(int status, Repeat repeat) =>
            status == 429 || (repeat == Repeat.Safely && (status == 500 || status == 502 || status == 503 || status == 504));

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
            var sent = DateTimeOffset.UtcNow;
            // The body is read under the same token, so the timeout covers a slow body too.
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.Headers.Date is { } serverDate) _clock.Observe(serverDate, sent, DateTimeOffset.UtcNow);
            var answer = new Answer((int)response.StatusCode, await ReadLimitedAsync(response.Content, timeout.Token).ConfigureAwait(false), RetryAfterOf(response));
            if (_logs(LogLevel.Debug)) _log(LogLevel.Debug, Redactor.Redact($"{method} {uri.AbsolutePath} answer (HTTP {answer.Status}): {answer.Text}"));
            return answer;
        }

        // The body, or null when it is larger than MaxAnswerBytes: reading stops there (disposing the response drops the rest).
        private static async Task<byte[]?> ReadLimitedAsync(HttpContent content, CancellationToken cancellation)
        {
            if (content.Headers.ContentLength > MaxAnswerBytes) return null;
            using var stream = await content.ReadAsStreamAsync().ConfigureAwait(false);
            using var body = new MemoryStream((int)(content.Headers.ContentLength ?? 0));
            // Two answers a row: the buffer is borrowed, not allocated each time.
            var chunk = ArrayPool<byte>.Shared.Rent(4096);
            try
            {
                int read;
                while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, cancellation).ConfigureAwait(false)) > 0)
                {
                    if (body.Length + read > MaxAnswerBytes) return null;
                    body.Write(chunk, 0, read);
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(chunk);
            }
            return body.ToArray();
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

        // The proxy a call to the URI goes through: the one set, or the system's (HTTPS_PROXY and HTTP_PROXY, NO_PROXY); null for none.
        private Uri? ProxyFor(Uri uri)
        {
            if (_options.Proxy != null) return _options.Proxy.Address;
            var system = HttpClients.SystemProxy(Tls.IsNetFramework, Environment.GetEnvironmentVariable) ?? WebRequest.DefaultWebProxy;
            if (system == null || system.IsBypassed(uri)) return null;
            var proxy = system.GetProxy(uri);
            return proxy == null || proxy == uri ? null : proxy;
        }

        /// <summary>
        /// True when the failure happened before a byte of the request could reach NordPay: no connection, or a TLS handshake
        /// that failed (the request is sent only after it). A connection lost once open stays in doubt, a reused one the server
        /// closed too (.NET Framework's KeepAliveFailure): nothing tells whether the server read the request first.
        /// </summary>
        internal static bool NeverSent(Exception ex)
        {
            for (var inner = ex; inner != null; inner = inner.InnerException)
            {
                if (inner is System.Security.Authentication.AuthenticationException) return true;
                if (inner is SocketException socket)
                    return socket.SocketErrorCode == SocketError.ConnectionRefused || socket.SocketErrorCode == SocketError.HostNotFound
                           || socket.SocketErrorCode == SocketError.HostUnreachable || socket.SocketErrorCode == SocketError.NetworkUnreachable
                           || socket.SocketErrorCode == SocketError.TryAgain || socket.SocketErrorCode == SocketError.NoData;
                if (inner is WebException web)
                    return web.Status == WebExceptionStatus.ConnectFailure || web.Status == WebExceptionStatus.NameResolutionFailure
                           || web.Status == WebExceptionStatus.ProxyNameResolutionFailure
                           || web.Status == WebExceptionStatus.SecureChannelFailure || web.Status == WebExceptionStatus.TrustFailure;
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
    }
}
