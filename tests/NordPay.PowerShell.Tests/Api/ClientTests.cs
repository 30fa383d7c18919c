using System.Net;
using System.Net.Sockets;
using NordPay.Api;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Api;

/// <summary>The API client against the sandbox on a real loopback port, in both response shapes.</summary>
public class ClientTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Request_then_confirm_pays_once_in_either_answer_shape(bool v1)
    {
        using var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox, v1);
        var before = sandbox.State.Balance("USDTBEP20");

        var request = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(7), 1.123456789012345678m, CancellationToken.None);
        Assert.Equal("USDTBEP20", request.Currency);
        Assert.Equal(Rows.Evm(7), request.Address);
        Assert.Equal(1.123456789012345678m, request.Amount);
        Assert.Equal(0.019098765413209876m, request.ServiceFee);
        Assert.Equal(1.12m, request.AmountUsd);
        Assert.True(request.ExpiresAt > DateTimeOffset.UtcNow.AddMinutes(14));

        var confirm = await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        Assert.Equal("pending", confirm.Status);
        Assert.Equal("Withdrawal request created and waiting for admin approval", confirm.Detail);

        var paid = Assert.Single(sandbox.State.Ledger);
        Assert.Equal(confirm.Id, paid.Id);
        Assert.Equal("1.123456789012345678", paid.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(before - paid.Amount - paid.ServiceFee, sandbox.State.Balance("USDTBEP20"));
    }

    [Fact]
    public async Task A_24_decimal_amount_reaches_the_server_digit_for_digit()
    {
        using var sandbox = Sandboxes.Start();
        var request = await Clients.For(sandbox).RequestWithdrawAsync("NEARERC20", Rows.Evm(1), 10.123456789012345678901234m, CancellationToken.None);
        await Clients.For(sandbox).ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        Assert.Equal("10.123456789012345678901234", Assert.Single(sandbox.State.Ledger).Amount.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public static TheoryData<string, string, string, ErrorKind, string?> DocumentedErrors => new()
    {
        // currency, address, amount, expected ErrorId, kind, field
        { "USDTARB", "1", "CurrencyNotAvailable", ErrorKind.ResourceUnavailable, "Currency" },
        { "NOPE", "1", "CurrencyNotFound", ErrorKind.ObjectNotFound, "Currency" },
        { "USDTTRC20", "10", "AmountBelowMinimum", ErrorKind.InvalidArgument, "Amount" },
        { "USDTTRC20", "30.1234567", "ValidationFailed", ErrorKind.InvalidData, "Amount" },
        { "BTC", "5", "InsufficientBalance", ErrorKind.LimitsExceeded, "Amount" },
    };

    [Theory]
    [MemberData(nameof(DocumentedErrors))]
    public async Task Documented_request_errors_map_to_stable_ids(string currency, string amount, string errorId, ErrorKind kind, string? field)
    {
        foreach (var v1 in new[] { false, true })
        {
            using var sandbox = Sandboxes.Start();
            var error = await Assert.ThrowsAsync<NordPayException>(() =>
                Clients.For(sandbox, v1).RequestWithdrawAsync(currency, Rows.Tron(1), decimal.Parse(amount, System.Globalization.CultureInfo.InvariantCulture), CancellationToken.None));
            Assert.Equal(errorId, error.ErrorId);
            Assert.Equal(kind, error.Kind);
            Assert.Equal(field, error.Field);
            Assert.False(error.StopsBatch);
            Assert.Contains(error.ApiDetail!, error.Message);
        }
    }

    [Fact]
    public async Task Confirm_errors_map_to_stable_ids()
    {
        using var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox);
        var notFound = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(Guid.NewGuid(), null, CancellationToken.None));
        Assert.Equal("WithdrawRequestNotFound", notFound.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, notFound.Kind);

        var request = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        sandbox.State.AdvanceClock(TimeSpan.FromMinutes(16));
        var expired = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None));
        Assert.Equal("WithdrawRequestExpired", expired.ErrorId);
        Assert.Equal(ErrorKind.InvalidOperation, expired.Kind);

        sandbox.State.AdvanceClock(TimeSpan.FromMinutes(-16));
        var second = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(2), 5m, CancellationToken.None);
        sandbox.State.SetBalance("USDTBEP20", 1m);
        var poor = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(second.Identifier, second, CancellationToken.None));
        Assert.Equal("InsufficientBalance", poor.ErrorId);
        Assert.Empty(sandbox.State.Ledger);
    }

    public static TheoryData<int, string, string, ErrorKind, bool> FaultAnswers => new()
    {
        // status, body, expected ErrorId, kind, stops the batch
        { 401, """{"detail":"Invalid X-API-Key"}""", "ApiKeyRejected", ErrorKind.AuthenticationError, true },
        { 403, """{"detail":"Insufficient permissions"}""", "AccessDenied", ErrorKind.PermissionDenied, true },
        { 404, """{"detail":"Not Found"}""", "EndpointNotFound", ErrorKind.ObjectNotFound, false },
        { 429, """{"detail":"Too many requests"}""", "RateLimited", ErrorKind.ResourceBusy, false },
        { 500, """{"detail":"Internal Server Error"}""", "ServerError", ErrorKind.ResourceUnavailable, false },
        { 502, "<html>Bad gateway</html>", "ServerError", ErrorKind.ResourceUnavailable, false },
        { 503, "", "ServerError", ErrorKind.ResourceUnavailable, false },
        { 400, """{"detail":"Something new"}""", "RequestRejected", ErrorKind.InvalidArgument, false },
        { 400, """{"success":false,"data":null,"error":{"type":"bad_request","details":"Not enough balance"}}""", "InsufficientBalance", ErrorKind.LimitsExceeded, false },
        { 200, """{"success":false,"data":null,"error":{"type":"bad_request","details":"USDTBEP20 is not available for withdraw at this moment"}}""", "CurrencyNotAvailable", ErrorKind.ResourceUnavailable, false },
        { 200, "<html>captive portal</html>", "UnreadableResponse", ErrorKind.ProtocolError, false },
        { 200, $$"""{"identifier":"not-a-uuid","currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"5","expires_at":"{{Answers.Soon}}"}""", "UnreadableResponse", ErrorKind.ProtocolError, false },
        { 200, $$"""{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","expires_at":"{{Answers.Soon}}"}""", "ResponseMismatch", ErrorKind.InvalidResult, false },
        { 200, $$"""{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","currency":"USDTBEP20","amount":"5","expires_at":"{{Answers.Soon}}"}""", "ResponseMismatch", ErrorKind.InvalidResult, false },
        { 200, $$"""{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"50","expires_at":"{{Answers.Soon}}","amount":"5"}""", "UnreadableResponse", ErrorKind.ProtocolError, false },
        { 200, """{"success":true}""", "UnreadableResponse", ErrorKind.ProtocolError, false },
        { 200, $$"""{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","currency":"USDTBEP20","address":"0xother","amount":"5","expires_at":"{{Answers.Soon}}"}""", "ResponseMismatch", ErrorKind.InvalidResult, false },
        { 200, $$"""{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"5.0001","expires_at":"{{Answers.Soon}}"}""", "ResponseMismatch", ErrorKind.InvalidResult, false },
    };

    [Theory]
    [MemberData(nameof(FaultAnswers))]
    public async Task Every_answer_maps_to_one_stable_error(int status, string body, string errorId, ErrorKind kind, bool stopsBatch)
    {
        using var sandbox = Sandboxes.Start();
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", status, body));
        var error = await Assert.ThrowsAsync<NordPayException>(() =>
            Clients.For(sandbox).RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(kind, error.Kind);
        Assert.Equal(stopsBatch, error.StopsBatch);
    }

    [Fact]
    public async Task Answers_are_read_as_UTF8_even_after_a_byte_order_mark()
    {
        using var sandbox = Sandboxes.Start();
        var request = $$"""{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"5","expires_at":"{{Answers.Soon}}"}""";
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", 200, "\uFEFF" + request, times: 1));
        var read = await Clients.For(sandbox).RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        Assert.Equal(Guid.Parse("8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00"), read.Identifier);

        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", 400, """{"detail":"Adresse ungültig: prüfen"}""", times: 1));
        var error = await Assert.ThrowsAsync<NordPayException>(() =>
            Clients.For(sandbox).RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None));
        Assert.Contains("Adresse ungültig: prüfen", error.Message);
    }

    [Fact]
    public async Task Validation_lists_are_read_with_their_location()
    {
        using var sandbox = Sandboxes.Start();
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", 422,
            """{"detail":[{"loc":["body","address"],"msg":"Field required","type":"missing"}]}"""));
        var error = await Assert.ThrowsAsync<NordPayException>(() =>
            Clients.For(sandbox).RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None));
        Assert.Equal("ValidationFailed", error.ErrorId);
        Assert.Equal("Address", error.Field);
        Assert.Contains("body.address: Field required", error.Message);
    }

    [Fact]
    public async Task A_missing_or_wrong_key_is_an_authentication_error()
    {
        using var sandbox = Sandboxes.Start();
        var wrong = await Assert.ThrowsAsync<NordPayException>(() =>
            Clients.For(sandbox, key: "np_wrong_key_123456").RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None));
        Assert.Equal("ApiKeyRejected", wrong.ErrorId);
        Assert.True(wrong.StopsBatch);
        Assert.DoesNotContain("np_wrong_key_123456", wrong.ToString());
    }

    [Fact]
    public async Task A_closed_port_is_a_connection_failure()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var client = new NordPayClient(new NordPayConnection(new Uri($"http://127.0.0.1:{port}/"), PowerShellSession.Secure("np_key_abcdefghijkl")), Clients.Fast);
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None));
        Assert.Equal("ConnectionFailed", error.ErrorId);
        Assert.Equal(ErrorKind.ConnectionError, error.Kind);
    }

    [Fact]
    public async Task A_connection_failure_names_the_base_URIs_host()
    {
        var closed = Sandboxes.ClosedPort();
        var direct = new NordPayClient(new NordPayConnection(closed, PowerShellSession.Secure("np_key_abcdefghijkl")), Clients.Fast with { MaximumRetryCount = 0 });
        var error = await Assert.ThrowsAsync<NordPayException>(() => direct.GetBalancesAsync(CancellationToken.None));
        Assert.StartsWith($"Could not reach NordPay at {closed.Authority} (/balance/)", error.Message);
        Assert.Contains($"the base URI http://{closed.Authority}", error.RecommendedAction);
    }

    [Fact]
    public async Task A_dead_proxy_is_named_as_what_failed_never_its_password()
    {
        // A proxy that is down: the call never got past it, so the proxy is what to check, not NordPay's address.
        var deadProxy = Sandboxes.ClosedPort();
        var proxied = new NordPayClient(new NordPayConnection(new Uri("https://api.nordpay.invalid/"), PowerShellSession.Secure("np_key_abcdefghijkl")),
            Clients.Fast with { MaximumRetryCount = 0, Proxy = new ProxySettings(new Uri($"http://proxyuser:proxy-secret@{deadProxy.Authority}/")) });
        var proxyError = await Assert.ThrowsAsync<NordPayException>(() => proxied.GetBalancesAsync(CancellationToken.None));
        Assert.Equal("ConnectionFailed", proxyError.ErrorId);
        Assert.StartsWith($"Could not reach the proxy http://{deadProxy.Authority} to call NordPay at api.nordpay.invalid (/balance/)", proxyError.Message);
        Assert.StartsWith($"Check the proxy http://{deadProxy.Authority}", proxyError.RecommendedAction);
        Assert.DoesNotContain("base URI", proxyError.RecommendedAction);
        Assert.DoesNotContain("proxy-secret", proxyError.ToString() + proxyError.RecommendedAction);
    }

    [Fact]
    public async Task A_connection_failure_keeps_the_original_exception_as_inner()
    {
        var client = new NordPayClient(new NordPayConnection(Sandboxes.ClosedPort(), PowerShellSession.Secure("np_key_abcdefghijkl")), Clients.Fast);
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.GetBalancesAsync(CancellationToken.None));
        Assert.Equal("ConnectionFailed", error.ErrorId);
        var inner = Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(inner.InnerException).SocketErrorCode);
    }

    [Fact]
    public async Task A_connection_failure_whose_text_carries_the_key_keeps_it_out_of_the_inner_exception()
    {
        const string key = "np_key_echoed_back_0123";
        // A hostile server that answers with the request's own key header as its status line.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var serving = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var connection = await listener.AcceptTcpClientAsync(stop.Token);
                var stream = connection.GetStream();
                var reader = new StreamReader(stream);
                var keyLine = string.Empty;
                for (var line = await reader.ReadLineAsync(stop.Token); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(stop.Token))
                    if (line.StartsWith("X-API-KEY", StringComparison.OrdinalIgnoreCase)) keyLine = line;
                await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(keyLine + " " + key.ToUpperInvariant() + "\r\n\r\n"), stop.Token);
            }
        });
        try
        {
            var uri = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
            using (var http = new HttpClient())
            using (var probe = new HttpRequestMessage(HttpMethod.Get, new Uri(uri, "balance/")))
            {
                probe.Headers.Add("X-API-KEY", key);
                var raw = await Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(probe));
                Assert.Contains(key, raw.ToString()); // what .NET itself puts in the message
            }

            var client = new NordPayClient(new NordPayConnection(uri, PowerShellSession.Secure(key)), Clients.Fast with { MaximumRetryCount = 0 });
            var error = await Assert.ThrowsAsync<NordPayException>(() => client.GetBalancesAsync(CancellationToken.None));
            Assert.Equal("ConnectionFailed", error.ErrorId);
            Assert.NotNull(error.InnerException);
            Assert.Contains("invalid status line", error.InnerException!.Message);
            Assert.DoesNotContain(key, error.ToString(), StringComparison.OrdinalIgnoreCase);
        }
        finally
        {
            stop.Cancel();
            listener.Stop();
            // The fake server ends with the listener, between connections or inside an accept; either way is fine.
            await Task.WhenAny(serving);
        }
    }

    /// <summary>A loopback port that accepts connections and never answers, and a client that waits 0.3 s for it.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

        public SilentServer()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            Client = new NordPayClient(new NordPayConnection(new Uri($"http://127.0.0.1:{Port}/"), PowerShellSession.Secure("np_key_abcdefghijkl")),
                Clients.Fast with { Timeout = TimeSpan.FromMilliseconds(300) });
        }

        public int Port { get; }
        public NordPayClient Client { get; }

        public void Dispose() => _listener.Stop();
    }

    [Fact]
    public async Task A_silent_server_times_out_a_request_that_paid_nothing()
    {
        using var silent = new SilentServer();
        var timedOut = await Assert.ThrowsAsync<NordPayException>(() => silent.Client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None));
        Assert.Equal("RequestTimedOut", timedOut.ErrorId);
        Assert.Equal(ErrorKind.OperationTimeout, timedOut.Kind);
        Assert.Equal($"NordPay at 127.0.0.1:{silent.Port} did not answer /balance/withdraw/request within 0.3 s.", timedOut.Message);
        Assert.StartsWith("Nothing was paid", timedOut.RecommendedAction);
    }

    [Fact]
    public async Task A_silent_server_times_out_a_read_that_sent_nothing_that_pays()
    {
        using var silent = new SilentServer();
        var read = await Assert.ThrowsAsync<NordPayException>(() => silent.Client.GetBalancesAsync(CancellationToken.None));
        Assert.StartsWith("Nothing was sent that pays: the call only reads.", read.RecommendedAction);
        Assert.DoesNotContain("withdraw history", read.RecommendedAction);
    }

    [Fact]
    public async Task A_silent_server_leaves_a_confirm_in_doubt()
    {
        using var silent = new SilentServer();
        var unknown = await Assert.ThrowsAsync<NordPayException>(() => silent.Client.ConfirmWithdrawAsync(Guid.NewGuid(), null, CancellationToken.None));
        Assert.Equal("OutcomeUnknown", unknown.ErrorId);
        Assert.Equal(ErrorKind.InvalidResult, unknown.Kind);
    }

    [Theory]
    [InlineData("http://example.com/", "InsecureBaseUri")]
    [InlineData("ftp://127.0.0.1/", "InvalidBaseUri")]
    public void Base_uris_that_could_leak_the_key_are_refused(string uri, string errorId)
    {
        var error = Assert.Throws<NordPayException>(() => NordPayConnection.NormalizeBaseUri(new Uri(uri)));
        Assert.Equal(errorId, error.ErrorId);
    }

    [Theory]
    [InlineData("https://api.nord-pay.com", "https://api.nord-pay.com/")]
    [InlineData("https://api.nord-pay.com/v1", "https://api.nord-pay.com/v1/")]
    [InlineData("http://127.0.0.1:5080/", "http://127.0.0.1:5080/")]
    [InlineData("http://localhost:5080", "http://localhost:5080/")]
    public void Base_uris_are_normalised_to_end_in_a_slash(string uri, string expected)
    {
        Assert.Equal(expected, NordPayConnection.NormalizeBaseUri(new Uri(uri)).ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_withdraw_limits_in_either_answer_shape_give_each_currencys_figures(bool v1)
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions { Port = 0, Balances = new Dictionary<string, decimal> { ["USDTTRC20"] = 39m } });
        var limits = await Clients.For(sandbox, v1).GetWithdrawLimitsAsync(CancellationToken.None);

        Assert.Equal(new WithdrawLimit("USDTTRC20", 25m, 38.348082m, 1.7m, 39m), limits["USDTTRC20"]);
        Assert.Equal(1.7m, limits["USDTBEP20"].FeePercent);
        Assert.False(limits.ContainsKey("USDTARB")); // not withdrawable: not listed, as live
    }

    [Fact]
    public async Task Garbage_withdraw_limits_are_unknown_figures_never_zero()
    {
        using var sandbox = Sandboxes.Start();
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/limits", 200, """
            [{"currency":"BTC","min_amount":"0.001","max_amount":"0.0001769911504424778761061946903","fee_percent":"1.7","available_balance":"0.00018"},
             {"currency":"TRX","min_amount":null,"max_amount":"lots","fee_percent":"-1","available_balance":{"x":1}},
             {"currency":"LTC","fee_percent":"100"},
             {"currency":"USDTBEP20","fee_percent":1.7},{"currency":"USDTBEP20","fee_percent":"0.17"},
             {"currency":"","fee_percent":"1.7"},{"fee_percent":"1.7"},{"currency":7,"fee_percent":"1.7"},
             {"currency":"ETH","fee_percent":"1,7"},{"currency":"BNB"}]
            """, times: 1));
        var limits = await Clients.For(sandbox).GetWithdrawLimitsAsync(CancellationToken.None);

        Assert.Equal(1.7m, limits["BTC"].FeePercent);
        Assert.Equal(new WithdrawLimit("TRX", null, null, null, null), limits["TRX"]);
        Assert.Null(limits["LTC"].FeePercent);
        Assert.Null(limits["ETH"].FeePercent);
        Assert.Equal(new WithdrawLimit("BNB", null, null, null, null), limits["BNB"]);
        Assert.False(limits.ContainsKey("USDTBEP20")); // two figures for one currency: neither is trusted
        Assert.Equal(new[] { "BNB", "BTC", "ETH", "LTC", "TRX" }, limits.Keys.OrderBy(k => k, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Withdraw_limits_that_are_no_list_are_an_error_that_never_shows_the_key()
    {
        using var sandbox = Sandboxes.Start();
        foreach (var body in new[] { """{"detail":"ok"}""", "[1,2]", "not json", """{"success":true,"data":{"USDTBEP20":"1.7"},"error":null}""" })
        {
            sandbox.State.Faults.Add(FaultRule.Answer("withdraw/limits", 200, body, times: 1));
            var error = await Assert.ThrowsAsync<NordPayException>(() => Clients.For(sandbox).GetWithdrawLimitsAsync(CancellationToken.None));
            Assert.DoesNotContain(sandbox.ApiKey, error.ToString());
        }
    }
}
