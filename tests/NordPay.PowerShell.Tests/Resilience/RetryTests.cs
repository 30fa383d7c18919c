using NordPay.Api;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Resilience;

/// <summary>Which calls are retried, on what, how long, and when they give up.</summary>
public class RetryTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private static Task<NordPayWithdrawRequest> Request(NordPayClient client) =>
        client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);

    public static TheoryData<string, FaultRule> Transient => new()
    {
        { "429 with Retry-After in seconds", new FaultRule { PathSuffix = "withdraw/request", Status = 429, RetryAfterSeconds = 0, Times = 2 } },
        { "429 with Retry-After as an HTTP date", new FaultRule { PathSuffix = "withdraw/request", Status = 429, RetryAfterSeconds = 0, RetryAfterAsDate = true, Times = 2 } },
        { "429 without Retry-After", new FaultRule { PathSuffix = "withdraw/request", Status = 429, Times = 2 } },
        { "500", new FaultRule { PathSuffix = "withdraw/request", Status = 500, Times = 2 } },
        { "502", new FaultRule { PathSuffix = "withdraw/request", Status = 502, Body = "<html>Bad gateway</html>", Times = 2 } },
        { "503", new FaultRule { PathSuffix = "withdraw/request", Status = 503, Times = 2 } },
        { "504", new FaultRule { PathSuffix = "withdraw/request", Status = 504, Times = 2 } },
        { "connection dropped before processing", new FaultRule { PathSuffix = "withdraw/request", Drop = Drop.BeforeProcessing, Times = 2 } },
    };

    [Theory]
    [MemberData(nameof(Transient))]
    public async Task Request_creation_is_retried_on_transient_failures(string name, FaultRule fault)
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions { Faults = new[] { fault } });
        var log = new List<string>();
        var request = await Request(Clients.For(sandbox, log: (_, line) => log.Add(line)));
        Assert.Equal(5m, request.Amount);
        Assert.Equal(3, sandbox.Posts("withdraw/request"));
        Assert.Equal(2, log.Count(l => l.Contains("; retry ", StringComparison.Ordinal)));
        Assert.True(log.Any(l => l.EndsWith("(attempt 3)", StringComparison.Ordinal)), name);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(422)]
    public async Task Request_creation_is_not_retried_on_other_failures(int status)
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions { Faults = new[] { FaultRule.Answer("withdraw/request", status, """{"detail":"no"}""") } });
        await Assert.ThrowsAsync<NordPayException>(() => Request(Clients.For(sandbox)));
        Assert.Equal(1, sandbox.Posts("withdraw/request"));
    }

    [Fact]
    public async Task Retries_stop_after_MaximumRetryCount()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions { Faults = new[] { FaultRule.Answer("withdraw/request", 503, "") } });
        var error = await Assert.ThrowsAsync<NordPayException>(() => Request(Clients.For(sandbox)));
        Assert.Equal("ServerError", error.ErrorId);
        Assert.Contains("gave up after 4 attempts", error.Message);
        Assert.Equal(4, sandbox.Posts("withdraw/request"));

        var once = await Assert.ThrowsAsync<NordPayException>(() => Request(Clients.For(sandbox, options: Clients.Fast with { MaximumRetryCount = 0 })));
        Assert.Contains("gave up after 1 attempts", once.Message);
        Assert.Equal(5, sandbox.Posts("withdraw/request"));
    }

    /// <summary>
    /// A request answered 429 with Retry-After 1 s once (the client's log), then one answered 429 with Retry-After 120 s
    /// by a client whose retry time limit is 10 s (its error, the requests sent by then).
    /// </summary>
    private Task<(List<string> Log, NordPayException PastTheLimit, int Requests)> RetryAfter => runs.Of(nameof(RetryAfter), async () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "withdraw/request", Status = 429, RetryAfterSeconds = 1, Times = 1 } },
        }));
        var log = new List<string>();
        await Request(Clients.For(sandbox, log: (_, line) => log.Add(line)));
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/request", Status = 429, RetryAfterSeconds = 120 });
        var error = await Assert.ThrowsAsync<NordPayException>(() => Request(Clients.For(sandbox, options: Clients.Fast with { RetryTimeLimit = TimeSpan.FromSeconds(10) })));
        return (log, error, sandbox.Posts("withdraw/request"));
    });

    [Fact]
    public async Task Retry_After_is_honoured() =>
        Assert.Contains((await RetryAfter).Log, l => l.Contains("-> HTTP 429 in ", StringComparison.Ordinal) && l.EndsWith("; retry 1 of 3 in 1 s", StringComparison.Ordinal));

    [Fact]
    public async Task A_wait_past_the_retry_time_limit_is_not_made()
    {
        var (_, error, requests) = await RetryAfter;
        Assert.Equal("RateLimited", error.ErrorId);
        Assert.Contains("NordPay asked to wait 120 s, past the retry time limit of 10 s", error.Message);
        Assert.Equal(3, requests);
    }

    // A request whose answer was dropped after NordPay processed it, then confirmed.
    private Task<(SandboxServer Sandbox, NordPayWithdrawRequest Request)> AnswerLost => runs.Of(nameof(AnswerLost), async () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "withdraw/request", Drop = Drop.AfterProcessing, Times = 1 } },
        }));
        var client = Clients.For(sandbox);
        var request = await Request(client);
        await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        return (sandbox, request);
    });

    [Fact]
    public async Task A_request_whose_answer_was_lost_is_made_again() => Assert.Equal(2, (await AnswerLost).Sandbox.Posts("withdraw/request"));

    [Fact]
    public async Task Only_one_of_a_request_made_again_is_ever_paid()
    {
        var (sandbox, request) = await AnswerLost;
        Assert.Equal(request.Identifier, Assert.Single(sandbox.State.Ledger).Identifier);
    }

    [Fact]
    public async Task A_per_attempt_timeout_is_not_retried_for_request_creation()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "withdraw/request", Latency = TimeSpan.FromSeconds(5) } },
        });
        var error = await Assert.ThrowsAsync<NordPayException>(() =>
            Request(Clients.For(sandbox, options: Clients.Fast with { Timeout = TimeSpan.FromMilliseconds(200) })));
        Assert.Equal("RequestTimedOut", error.ErrorId);
        Assert.Contains("0.2 s", error.Message);
    }

    [Fact]
    public async Task Reads_are_retried_too()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "balance/withdraws", Status = 503, Times = 2 } },
        });
        var history = await Clients.For(sandbox).ReadHistoryAsync(null, _ => true, CancellationToken.None);
        Assert.Empty(history);
        Assert.Equal(3, sandbox.State.Received.Count(r => r.Path.EndsWith("balance/withdraws", StringComparison.Ordinal)));
    }

    public static TheoryData<string, FaultRule> CommandLineFaults => new()
    {
        { "path=withdraw/confirm,drop=after,times=1", new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Times = 1 } },
        { "status=429,retry-after=1,every=2", new FaultRule { Status = 429, RetryAfterSeconds = 1, Every = 2 } },
        { "latency-ms=50", new FaultRule { Latency = TimeSpan.FromMilliseconds(50) } },
        { "path=withdraw/confirm,status=200,body=<html>,content-type=text/html,processed=true",
            new FaultRule { PathSuffix = "withdraw/confirm", Status = 200, Body = "<html>", ContentType = "text/html", Processed = true } },
    };

    [Theory]
    [MemberData(nameof(CommandLineFaults))]
    public void Faults_are_read_from_the_command_line(string spec, FaultRule expected)
    {
        var options = SandboxOptions.FromArgs(new[] { "--port", "0", "--latency-ms", "10", "--fault", spec });
        Assert.Equal(new[] { expected }, options.Faults);
        Assert.Equal(TimeSpan.FromMilliseconds(10), options.Latency);
    }

    [Fact]
    public async Task Latency_on_every_call_leaves_the_faults_given_with_it_in_force()
    {
        // Given first on the command line, latency once shadowed every fault after it (the first rule that matches wins).
        var options = SandboxOptions.FromArgs(new[] { "--port", "0", "--latency-ms", "200", "--fault", "path=withdraw/request,status=503,times=1" });
        using var sandbox = Sandboxes.Start(options);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Request(Clients.For(sandbox));
        Assert.Equal(2, sandbox.State.Received.Count(r => r.Path.EndsWith("withdraw/request", StringComparison.Ordinal)));
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"two calls with 200 ms each took {clock.Elapsed}");
    }

    [Fact]
    public void An_unknown_fault_key_is_refused()
    {
        Assert.Throws<ArgumentException>(() => FaultRule.Parse("colour=blue"));
    }
}
