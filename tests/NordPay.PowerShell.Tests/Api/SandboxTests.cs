using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using NordPay.Api;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Api;

/// <summary>The sandbox's own contract, over plain HTTP: read endpoints, auth, validation, admin endpoints.</summary>
public class SandboxTests
{
    private static readonly HttpClient Http = new();

    private static async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, Uri uri, string? key, object? body = null)
    {
        using var message = new HttpRequestMessage(method, uri);
        if (key != null) message.Headers.Add("X-API-KEY", key);
        if (body != null) message.Content = JsonContent.Create(body);
        using var response = await Http.SendAsync(message);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Fact]
    public async Task Currencies_are_public()
    {
        using var sandbox = Sandboxes.Start();
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, new Uri(sandbox.BaseUri, "currencies/"), key: null)).Status);
        var (v1Status, v1) = await Send(HttpMethod.Get, new Uri(sandbox.V1BaseUri, "currencies/"), key: null);
        Assert.Equal(HttpStatusCode.OK, v1Status);
        Assert.True(v1.GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task A_currency_carries_the_figures_NordPay_lists()
    {
        using var sandbox = Sandboxes.Start();
        var (_, body) = await Send(HttpMethod.Get, new Uri(sandbox.BaseUri, "currencies/"), key: null);
        var bep20 = body.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "USDTBEP20");
        Assert.Equal(18, bep20.GetProperty("decimals").GetInt32());
        Assert.Equal(1m, bep20.GetProperty("min_withdraw").GetDecimal());
        var arb = body.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "USDTARB");
        Assert.False(arb.GetProperty("is_available").GetBoolean());
        Assert.True(arb.GetProperty("can_withdraw").GetBoolean());

        var (_, v1) = await Send(HttpMethod.Get, new Uri(sandbox.V1BaseUri, "currencies/"), key: null);
        var trc20 = v1.GetProperty("data").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "USDTTRC20");
        Assert.Equal("25.000000000000000000", trc20.GetProperty("min_withdraw").GetString());
    }

    [Fact]
    public async Task Starting_balances_are_read_from_the_command_line()
    {
        var options = SandboxOptions.FromArgs(new[] { "--port", "0", "--balance", "usdtbep20=123456789.000000000000000001" });
        await using var sandbox = await SandboxServer.StartAsync(options);
        var (_, balance) = await Send(HttpMethod.Get, new Uri(sandbox.BaseUri, "balance/"), sandbox.ApiKey);
        Assert.Equal(123456789.000000000000000001m, balance.GetProperty("balances").GetProperty("USDTBEP20").GetDecimal());
        Assert.Throws<ArgumentException>(() => SandboxOptions.FromArgs(new[] { "--balance", "USDTBEP20" }));
        Assert.Throws<ArgumentException>(() => SandboxOptions.FromArgs(new[] { "--balance", "USDTBEP20=1,5" }));
    }

    [Fact]
    public async Task Balance_needs_the_key()
    {
        using var sandbox = Sandboxes.Start();
        Assert.Equal(HttpStatusCode.UnprocessableEntity, (await Send(HttpMethod.Get, new Uri(sandbox.BaseUri, "balance/"), key: null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, new Uri(sandbox.BaseUri, "balance/"), "np_wrong")).Status);
    }

    // Three payouts confirmed: 31 and 33 USDTBEP20, 32 USDTTRC20.
    private static async Task<SandboxServer> SandboxWithThreePayouts()
    {
        var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox);
        for (var i = 1; i <= 3; i++)
        {
            var request = await client.RequestWithdrawAsync(i == 2 ? "USDTTRC20" : "USDTBEP20", i == 2 ? Rows.Tron(i) : Rows.Evm(i), 30m + i, CancellationToken.None);
            await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        }
        return sandbox;
    }

    [Fact]
    public async Task The_balance_shows_confirmed_payouts()
    {
        using var sandbox = await SandboxWithThreePayouts();
        var (_, balance) = await Send(HttpMethod.Get, new Uri(sandbox.BaseUri, "balance/"), sandbox.ApiKey);
        Assert.Equal(sandbox.State.Balance("USDTBEP20"), balance.GetProperty("balances").GetProperty("USDTBEP20").GetDecimal());
    }

    [Fact]
    public async Task The_history_shows_confirmed_payouts_newest_first_by_page()
    {
        using var sandbox = await SandboxWithThreePayouts();
        var (_, history) = await Send(HttpMethod.Get, new Uri(sandbox.V1BaseUri, "balance/withdraws?currency=USDTBEP20&limit=1"), sandbox.ApiKey);
        var page = history.GetProperty("data");
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Equal(2, page.GetProperty("total_pages").GetInt32());
        var newest = Assert.Single(page.GetProperty("items").EnumerateArray());
        Assert.Equal(sandbox.State.Ledger[^1].Id, newest.GetProperty("id").GetInt64());
        Assert.Equal("33.000000000000000000", newest.GetProperty("amount").GetString());
        Assert.Equal("pending", newest.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Request_bodies_are_validated_like_FastAPI()
    {
        using var sandbox = Sandboxes.Start();
        var (status, body) = await Send(HttpMethod.Post, new Uri(sandbox.BaseUri, "balance/withdraw/request"), sandbox.ApiKey,
            new { currency = 5, amount = "-1" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var issues = body.GetProperty("detail").EnumerateArray().Select(i => string.Join(".", i.GetProperty("loc").EnumerateArray().Select(l => l.GetString())) + ":" + i.GetProperty("type").GetString());
        Assert.Equal(new[] { "body.currency:string_type", "body.address:missing", "body.amount:greater_than" }, issues);

        var (confirmStatus, confirmBody) = await Send(HttpMethod.Post, new Uri(sandbox.BaseUri, "balance/withdraw/confirm"), sandbox.ApiKey, new { identifier = "nope" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, confirmStatus);
        Assert.Equal("uuid_parsing", confirmBody.GetProperty("detail")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task The_admin_clock_endpoint_moves_the_clock()
    {
        using var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox);
        var request = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);

        var before = sandbox.State.Now;
        var (status, _) = await Send(HttpMethod.Post, new Uri(sandbox.BaseUri, "_sandbox/clock/advance?seconds=960"), key: null);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(sandbox.State.Now - before >= TimeSpan.FromSeconds(960));
        Assert.Equal("WithdrawRequestExpired", (await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None))).ErrorId);
    }

    [Fact]
    public async Task The_admin_ledger_endpoint_shows_the_confirmed_payouts()
    {
        using var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox);
        await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        var confirmed = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(2), 6m, CancellationToken.None);
        await client.ConfirmWithdrawAsync(confirmed.Identifier, confirmed, CancellationToken.None);
        var (_, ledger) = await Send(HttpMethod.Get, new Uri(sandbox.BaseUri, "_sandbox/ledger"), key: null);
        var entry = Assert.Single(ledger.EnumerateArray());
        Assert.Equal(confirmed.Identifier, entry.GetProperty("Identifier").GetGuid());
        Assert.Equal(6m, entry.GetProperty("Amount").GetDecimal());
    }

    [Fact]
    public async Task The_admin_requests_endpoint_shows_the_requests_received()
    {
        using var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox);
        await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(2), 6m, CancellationToken.None);
        var (_, received) = await Send(HttpMethod.Get, new Uri(sandbox.BaseUri, "_sandbox/requests"), key: null);
        var bodies = received.EnumerateArray().Where(r => r.GetProperty("Path").GetString() == "/balance/withdraw/request")
            .Select(r => JsonDocument.Parse(r.GetProperty("Body").GetString()!).RootElement.GetProperty("amount").GetString());
        Assert.Equal(new[] { "5", "6" }, bodies);
    }

    [Fact]
    public async Task A_fault_can_be_added_over_http()
    {
        using var sandbox = Sandboxes.Start();
        var add = await Http.PostAsync(new Uri(sandbox.BaseUri, "_sandbox/faults?spec=" + Uri.EscapeDataString("path=currencies/,status=503,times=1")), null);
        Assert.Equal(HttpStatusCode.NoContent, add.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await Http.GetAsync(new Uri(sandbox.BaseUri, "currencies/"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(sandbox.BaseUri, "currencies/"))).StatusCode);
    }

    [Fact]
    public async Task Faults_can_be_cleared_over_http()
    {
        using var sandbox = Sandboxes.Start();
        await Http.PostAsync(new Uri(sandbox.BaseUri, "_sandbox/faults?spec=" + Uri.EscapeDataString("path=currencies/,status=500")), null);
        Assert.Equal(HttpStatusCode.NoContent, (await Http.DeleteAsync(new Uri(sandbox.BaseUri, "_sandbox/faults"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync(new Uri(sandbox.BaseUri, "currencies/"))).StatusCode);
    }

    [Fact]
    public async Task Numbers_as_strings_as_JSON_numbers_or_as_zero_in_exponent_form_are_read()
    {
        using var sandbox = Sandboxes.Start();
        sandbox.State.Faults.Add(NordPay.Sandbox.FaultRule.Answer("withdraw/request", 200,
            $$"""{"success":true,"data":{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","currency":"xDAI","address":"0x1","amount":"5.000000000000000000","amount_usd":5,"service_fee":"0E-18","service_fee_usd":null,"expires_at":"{{Answers.Soon}}"},"error":null}"""));
        var client = new NordPayClient(new NordPayConnection(sandbox.BaseUri, PowerShellSession.Secure(sandbox.ApiKey)));
        var request = await client.RequestWithdrawAsync("xDAI", "0x1", 5m, CancellationToken.None);
        Assert.Equal(0m, request.ServiceFee);
        Assert.Equal(5m, request.AmountUsd);
        Assert.Null(request.ServiceFeeUsd);
        Assert.Equal(DateTimeOffset.Parse(Answers.Soon, System.Globalization.CultureInfo.InvariantCulture), request.ExpiresAt);
    }

    [Fact]
    public void The_sandbox_stops_on_SIGTERM_with_exit_code_0()
    {
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(SandboxServer).Assembly.Location, "--port", "0" }) start.ArgumentList.Add(arg);
        using var sandbox = System.Diagnostics.Process.Start(start)!;
        try
        {
            // Listening means its handlers are in place, as they are when a service manager stops it.
            while (sandbox.StandardOutput.ReadLine() is { } line && !line.StartsWith("NordPay sandbox listening on ", StringComparison.Ordinal))
            {
            }
            Assert.Equal(0, kill(sandbox.Id, SIGTERM));
            Assert.True(sandbox.WaitForExit(5_000), "The sandbox was still running 5 s after SIGTERM.");
            Assert.Equal(0, sandbox.ExitCode);
        }
        finally
        {
            if (!sandbox.HasExited) sandbox.Kill();
        }
    }

    private const int SIGTERM = 15;

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
