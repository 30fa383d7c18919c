using NordPay.Api;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Resilience;

/// <summary>A confirm is resent only when NordPay cannot have received it; otherwise the payout is found in the history, or left in doubt.</summary>
public class ConfirmSafetyTests
{
    private static async Task<(NordPayClient Client, NordPayWithdrawRequest Request)> Requested(SandboxServer sandbox, int n = 1)
    {
        var client = Clients.For(sandbox);
        return (client, await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(n), 5m, CancellationToken.None));
    }

    [Fact]
    public async Task A_confirm_answered_429_is_sent_again_and_pays_once()
    {
        using var sandbox = Sandboxes.Start();
        var (client, request) = await Requested(sandbox);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 429, RetryAfterSeconds = 0, Times = 2 });
        var result = await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        Assert.False(result.Reconciled);
        Assert.Equal(3, sandbox.Posts("withdraw/confirm"));
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public async Task A_confirm_whose_answer_is_dropped_after_processing_is_never_resent_and_is_found_in_the_history()
    {
        using var sandbox = Sandboxes.Start();
        var (client, request) = await Requested(sandbox);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Times = 1 });
        var result = await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        Assert.True(result.Reconciled);
        var paid = Assert.Single(sandbox.State.Ledger);
        Assert.Equal(paid.Id, result.Id);
        Assert.Equal("pending", result.Status);
        Assert.Equal(1, sandbox.Posts("withdraw/confirm"));
    }

    [Fact]
    public async Task A_confirm_whose_answer_is_too_slow_is_never_resent_and_is_found_in_the_history()
    {
        using var sandbox = Sandboxes.Start();
        var (_, request) = await Requested(sandbox);
        var client = Clients.For(sandbox, options: Clients.Fast with { Timeout = TimeSpan.FromMilliseconds(300) });
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", SlowBody = TimeSpan.FromSeconds(1), Times = 1 });
        var result = await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        Assert.True(result.Reconciled);
        Assert.Single(sandbox.State.Ledger);
        Assert.Equal(1, sandbox.Posts("withdraw/confirm"));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_confirm_answered_5xx_is_never_resent_and_left_in_doubt_when_the_history_shows_nothing(int status)
    {
        using var sandbox = Sandboxes.Start();
        var (client, request) = await Requested(sandbox);
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/confirm", status, "", times: 1));
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None));
        Assert.Equal("OutcomeUnknown", error.ErrorId);
        Assert.Contains($"NordPay answered HTTP {status}", error.Message);
        Assert.Contains("It was not sent again", error.Message);
        Assert.Equal(1, sandbox.Posts("withdraw/confirm"));
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public async Task A_confirm_dropped_before_processing_is_left_in_doubt_not_resent()
    {
        using var sandbox = Sandboxes.Start();
        var (client, request) = await Requested(sandbox);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.BeforeProcessing, Times = 1 });
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None));
        Assert.Equal("OutcomeUnknown", error.ErrorId);
        Assert.Equal(1, sandbox.Posts("withdraw/confirm"));
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public async Task Without_the_request_details_a_lost_confirm_is_left_in_doubt()
    {
        using var sandbox = Sandboxes.Start();
        var (client, request) = await Requested(sandbox);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Times = 1 });
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(request.Identifier, null, CancellationToken.None));
        Assert.Equal("OutcomeUnknown", error.ErrorId);
        Assert.Contains("only a piped request carries", error.Message);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public async Task Two_identical_payouts_whose_answers_were_both_lost_are_matched_to_two_withdrawals()
    {
        using var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox);
        var first = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        var second = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Times = 2 });
        var a = await client.ConfirmWithdrawAsync(first.Identifier, first, CancellationToken.None);
        var b = await client.ConfirmWithdrawAsync(second.Identifier, second, CancellationToken.None);
        Assert.True(a.Reconciled && b.Reconciled);
        Assert.NotEqual(a.Id, b.Id);
        Assert.Equal(new[] { a.Id, b.Id }.OrderBy(i => i), sandbox.State.Ledger.Select(w => w.Id).OrderBy(i => i));
    }

    [Fact]
    public async Task An_earlier_identical_payout_is_not_mistaken_for_the_lost_one()
    {
        using var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox);
        var earlier = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        await client.ConfirmWithdrawAsync(earlier.Identifier, earlier, CancellationToken.None);
        var now = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.BeforeProcessing, Times = 1 });
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(now.Identifier, now, CancellationToken.None));
        Assert.Equal("OutcomeUnknown", error.ErrorId);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public async Task A_confirm_that_could_not_connect_is_retried_and_reported_as_a_connection_failure()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var log = new List<string>();
        var client = new NordPayClient(new NordPayConnection(new Uri($"http://127.0.0.1:{port}/"), PowerShellSession.Secure("np_key_abcdefghijkl")), Clients.Fast, (_, line) => log.Add(line));
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(Guid.NewGuid(), null, CancellationToken.None));
        Assert.Equal("ConnectionFailed", error.ErrorId);
        Assert.Equal(4, log.Count(l => l.Contains("could not connect", StringComparison.Ordinal)));
    }
}
