using NordPay.Api;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Resilience;

/// <summary>A confirm is resent only when NordPay cannot have received it; otherwise the payout is found in the history, or left in doubt.</summary>
public class ConfirmSafetyTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private static async Task<(NordPayClient Client, NordPayWithdrawRequest Request)> Requested(SandboxServer sandbox, int n = 1)
    {
        var client = Clients.For(sandbox);
        return (client, await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(n), 5m, CancellationToken.None));
    }

    [Fact]
    public async Task A_confirm_answered_429_is_retried_to_a_single_payout()
    {
        using var sandbox = Sandboxes.Start();
        var (client, request) = await Requested(sandbox);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 429, RetryAfterSeconds = 0, Times = 2 });
        var result = await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        Assert.False(result.Reconciled);
        Assert.Equal(3, sandbox.Posts("withdraw/confirm"));
        Assert.Single(sandbox.State.Ledger);
    }

    /// <summary>How a confirm ended: its result, or its error.</summary>
    private sealed record ConfirmEnded(SandboxServer Sandbox, WithdrawConfirmResult? Result, NordPayException? Error);

    /// <summary>A request confirmed once the fault is added, by a client with the options given (or the fast one).</summary>
    private Task<ConfirmEnded> ConfirmedUnder(string name, FaultRule fault,
        NordPayClientOptions? options = null) => runs.Of(name, async () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var (_, request) = await Requested(sandbox);
        var client = Clients.For(sandbox, options: options);
        sandbox.State.Faults.Add(fault);
        try
        {
            return new ConfirmEnded(sandbox, await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None), null);
        }
        catch (NordPayException error)
        {
            return new ConfirmEnded(sandbox, null, error);
        }
    });

    private Task<ConfirmEnded> AnswerDropped =>
        ConfirmedUnder(nameof(AnswerDropped), new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Times = 1 });

    private Task<ConfirmEnded> AnswerTooSlow =>
        ConfirmedUnder(nameof(AnswerTooSlow), new FaultRule { PathSuffix = "withdraw/confirm", SlowBody = TimeSpan.FromSeconds(1), Times = 1 },
            Clients.Fast with { Timeout = TimeSpan.FromMilliseconds(300) });

    private Task<ConfirmEnded> Answered5xx(int status) =>
        ConfirmedUnder($"HTTP {status}", FaultRule.Answer("withdraw/confirm", status, "", times: 1));

    [Fact]
    public async Task A_confirm_whose_answer_is_dropped_after_processing_is_found_in_the_history()
    {
        var (sandbox, result, _) = await AnswerDropped;
        Assert.True(result!.Reconciled);
        var paid = Assert.Single(sandbox.State.Ledger);
        Assert.Equal(paid.Id, result.Id);
        Assert.Equal("pending", result.Status);
    }

    [Fact]
    public async Task A_confirm_whose_answer_is_dropped_after_processing_is_never_resent() => Assert.Equal(1, (await AnswerDropped).Sandbox.Posts("withdraw/confirm"));

    [Fact]
    public async Task A_confirm_whose_answer_is_too_slow_is_found_in_the_history()
    {
        var (sandbox, result, _) = await AnswerTooSlow;
        Assert.True(result!.Reconciled);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public async Task A_confirm_whose_answer_is_too_slow_is_never_resent() => Assert.Equal(1, (await AnswerTooSlow).Sandbox.Posts("withdraw/confirm"));

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_confirm_answered_5xx_is_left_in_doubt_when_the_history_shows_nothing(int status)
    {
        var (sandbox, _, error) = await Answered5xx(status);
        Assert.Equal("OutcomeUnknown", Assert.IsType<NordPayException>(error).ErrorId);
        Assert.Contains($"NordPay answered HTTP {status}", error.Message);
        Assert.Contains("It was not sent again", error.Message);
        Assert.Empty(sandbox.State.Ledger);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task A_confirm_answered_5xx_is_never_resent(int status) => Assert.Equal(1, (await Answered5xx(status)).Sandbox.Posts("withdraw/confirm"));

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

    // A confirm sent to a port nothing listens on: its error, and the client's log.
    private Task<(NordPayException Error, List<string> Log)> ConfirmNeverConnected => runs.Of(nameof(ConfirmNeverConnected), async () =>
    {
        var log = new List<string>();
        var client = new NordPayClient(new NordPayConnection(Sandboxes.ClosedPort(), PowerShellSession.Secure("np_key_abcdefghijkl")), Clients.Fast, (_, line) => log.Add(line));
        return (await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(Guid.NewGuid(), null, CancellationToken.None)), log);
    });

    [Fact]
    public async Task A_confirm_that_could_not_connect_is_retried() =>
        Assert.Equal(4, (await ConfirmNeverConnected).Log.Count(l => l.Contains("could not connect", StringComparison.Ordinal)));

    [Fact]
    public async Task A_confirm_that_could_not_connect_is_reported_as_a_connection_failure() => Assert.Equal("ConnectionFailed", (await ConfirmNeverConnected).Error.ErrorId);
}
