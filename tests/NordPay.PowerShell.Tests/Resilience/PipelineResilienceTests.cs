using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Resilience;

/// <summary>Flaky networks through the cmdlets: no double payment, no hang, no lost row.</summary>
public class PipelineResilienceTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pipeline = "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force";

    private static PSObject[] Batch(int count) =>
        Enumerable.Range(1, count).Select(i => Rows.Payout("USDTBEP20", Rows.Evm(i), $"{i}.5")).ToArray();

    [Fact]
    public void A_sandbox_answering_429_to_every_second_call_still_pays_every_row_once()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { Status = 429, RetryAfterSeconds = 0, Every = 2, Body = """{"detail":"Too many requests"}""" } },
        });
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(20);
        var result = ps.Run(Pipeline, (object)rows);
        Assert.Empty(result.Errors);
        Assert.Equal(20, result.Objects<NordPayWithdrawConfirmation>().Count());
        Assert.Equal(rows.Select(r => r.Properties["Address"].Value), sandbox.State.Ledger.Select(w => w.Address));
        Assert.True(sandbox.State.Faults.Applied >= 20);
    }

    // Six rows through both cmdlets: the third confirm's answer dropped after processing, the fifth's a 502.
    private (SandboxServer Sandbox, PowerShellSession Session, RunResult Result) ConfirmAnswersLost => runs.Of(nameof(ConfirmAnswersLost), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions
        {
            Faults = new[]
            {
                new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Every = 3, Times = 1 },
                new FaultRule { PathSuffix = "withdraw/confirm", Status = 502, Every = 5, Times = 1 },
            },
        }));
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        return (sandbox, ps, ps.Run(Pipeline, (object)Batch(6)));
    });

    [Fact]
    public void A_lost_confirm_answer_is_reconciled_with_a_warning()
    {
        var (sandbox, ps, result) = ConfirmAnswersLost;
        Assert.Contains(ps.UI.Warnings, w => w.StartsWith("Row 3: The answer to the confirm was lost", StringComparison.Ordinal));
        Assert.Equal(5, result.Objects<NordPayWithdrawConfirmation>().Count());
        Assert.Equal(5, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void An_unknown_confirm_outcome_is_reported_without_resending()
    {
        var (sandbox, _, result) = ConfirmAnswersLost;
        var unknown = Assert.Single(result.Errors);
        Assert.Equal("OutcomeUnknown,NordPay.Commands.ConfirmNordPayWithdrawCommand", unknown.FullyQualifiedErrorId);
        Assert.StartsWith("Row 6", unknown.ErrorDetails.Message);
        Assert.Equal(6, sandbox.Posts("withdraw/confirm"));
    }

    /// <summary>Three rows whose first request NordPay holds for 30 s, stopped once it is held: how long stopping took, and how it ended.</summary>
    private sealed record Stopped(SandboxServer Sandbox, int FaultsAppliedBeforeStopping, bool Ended, TimeSpan Stopping, PSInvocationState State);

    private Stopped StoppedDuringASlowRequest => runs.Of(nameof(Stopped), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "withdraw/request", Latency = TimeSpan.FromSeconds(30) } },
        }));
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var (shell, running) = ps.Begin(Pipeline, (object)Batch(3));
        using (shell)
        {
            var waited = Stopwatch.StartNew();
            while (sandbox.State.Faults.Applied == 0 && waited.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(10);
            var applied = sandbox.State.Faults.Applied;
            var stopping = Stopwatch.StartNew();
            shell.Stop();
            var ended = running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10));
            return new Stopped(sandbox, applied, ended, stopping.Elapsed, shell.InvocationStateInfo.State);
        }
    });

    [Fact]
    public void Ctrl_C_during_a_slow_request_returns_promptly()
    {
        var run = StoppedDuringASlowRequest;
        Assert.Equal(1, run.FaultsAppliedBeforeStopping);
        Assert.True(run.Ended);
        Assert.True(run.Stopping < TimeSpan.FromSeconds(5), $"Stopping took {run.Stopping}.");
        Assert.Equal(PSInvocationState.Stopped, run.State);
    }

    [Fact]
    public void Ctrl_C_during_a_slow_request_pays_nothing()
    {
        var sandbox = StoppedDuringASlowRequest.Sandbox;
        Assert.Empty(sandbox.State.Ledger);
        Assert.Equal(1, sandbox.Posts("withdraw/request"));
    }

    [Fact]
    public void Ctrl_C_during_a_batch_leaves_a_journal_that_a_rerun_completes_paying_each_row_once()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Enumerable.Range(1, 6).Select(i => Rows.Referenced($"C{i}", "USDTBEP20", Rows.Evm(i), $"{i}.5")).ToArray();
        var journal = Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"), "ctrl-c.journal");
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/request", Latency = TimeSpan.FromSeconds(30), Every = 3, Times = 1 });
        var (shell, running) = ps.Begin("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", rows, journal);
        using (shell)
        {
            var waited = Stopwatch.StartNew();
            while (sandbox.State.Faults.Applied == 0 && waited.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(10);
            var stopping = Stopwatch.StartNew();
            shell.Stop();
            Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"Stopping took {stopping.Elapsed}.");
        }
        // Stopped mid-batch: the rows before the third may or may not be confirmed yet (each worker requests a window
        // of rows before it confirms them), the rest are not.
        Assert.True(sandbox.State.Ledger.Count <= 2, $"{sandbox.State.Ledger.Count} rows paid before Ctrl+C");

        var rerun = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", rows, journal);
        Assert.Empty(rerun.Errors);
        Assert.True(Assert.Single(rerun.Objects<NordPayPayoutSummary>()).Complete);
        Assert.Equal(rows.Select(r => (string)r.Properties["Address"].Value).OrderBy(a => a), sandbox.State.Ledger.Select(w => w.Address).OrderBy(a => a));
    }

    /// <summary>A request that takes 3 s, made with -TimeoutSec 0.2; then the session configured, and the request made again.</summary>
    private (SandboxServer Sandbox, RunResult PerCall, RunResult Configured, RunResult PerSession) SlowRequests => runs.Of(nameof(SlowRequests), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "withdraw/request", Latency = TimeSpan.FromSeconds(3) } },
        }));
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var perCall = ps.Run("$args[0] | New-NordPayWithdrawRequest -TimeoutSec 0.2", (object)Batch(1));
        var configured = ps.Run("Set-NordPayConfiguration -TimeoutSec 0.2 -MaximumRetryCount 5 -RetryTimeLimitSec 20 -PassThru; Get-NordPayConfiguration");
        return (sandbox, perCall, configured, ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Batch(1)));
    });

    [Fact]
    public void TimeoutSec_applies_per_call() => Assert.Equal("RequestTimedOut", Assert.Single(SlowRequests.PerCall.Errors).FullyQualifiedErrorId.Split(',')[0]);

    [Fact]
    public void Set_NordPayConfiguration_keeps_the_sessions_call_settings()
    {
        var settings = SlowRequests.Configured.Objects<NordPayConfiguration>().ToList();
        Assert.Equal(2, settings.Count);
        Assert.All(settings, c =>
        {
            Assert.Equal(0.2, c.TimeoutSec);
            Assert.Equal(5, c.MaximumRetryCount);
            Assert.Equal(20, c.RetryTimeLimitSec);
            Assert.Equal(0.005, c.RetryIntervalSec);
            Assert.Null(c.Proxy);
        });
    }

    [Fact]
    public void The_sessions_TimeoutSec_applies_to_each_call()
    {
        Assert.Equal("RequestTimedOut", Assert.Single(SlowRequests.PerSession.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(SlowRequests.Sandbox.State.Ledger);
    }

    // The session's key points at a server that has stopped: only the proxy can answer.
    private static PowerShellSession SessionOnlyTheProxyCanServe(SandboxServer proxy)
    {
        using var stopped = Sandboxes.Start();
        var ps = PowerShellSession.Interactive();
        ps.SetKey(proxy.ApiKey, stopped.BaseUri);
        return ps;
    }

    [Fact]
    public void Calls_go_through_the_given_proxy_with_its_credentials()
    {
        var credential = new NetworkCredential("proxyuser", "proxy-pass-123");
        using var proxy = Sandboxes.Start(new SandboxOptions { ProxyCredential = credential });
        using var ps = SessionOnlyTheProxyCanServe(proxy);

        var refused = ps.Run("$args[0] | New-NordPayWithdrawRequest -Proxy $args[1] -MaximumRetryCount 0", (object)Batch(1), proxy.BaseUri);
        Assert.Equal("ProxyAuthenticationRequired", refused.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(proxy.State.Ledger);

        var credentialObject = new PSCredential(credential.UserName, PowerShellSession.Secure(credential.Password));
        var perCall = ps.Run(Pipeline.Replace("New-NordPayWithdrawRequest", "New-NordPayWithdrawRequest -Proxy $args[1] -ProxyCredential $args[2]")
            .Replace("-Force", "-Force -Proxy $args[1] -ProxyCredential $args[2]"), (object)Batch(1), proxy.BaseUri, credentialObject);
        Assert.Empty(perCall.Errors);
        Assert.Single(proxy.State.Ledger);

        var session = ps.Run("Set-NordPayConfiguration -Proxy $args[1] -ProxyCredential $args[2]; " + Pipeline, (object)Batch(2), proxy.BaseUri, credentialObject);
        Assert.Empty(session.Errors);
        Assert.Equal(3, proxy.State.Ledger.Count);
        Assert.True(proxy.State.ProxiedRequests >= 6);
        Assert.Equal("proxyuser", ps.Run("(Get-NordPayConfiguration).ProxyUser").Output.Single().BaseObject);

        var direct = ps.Run("Set-NordPayConfiguration -NoProxy -MaximumRetryCount 0; $args[0] | New-NordPayWithdrawRequest", (object)Batch(1));
        Assert.Equal("ConnectionFailed", Assert.Single(direct.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Secrets.AssertNotLeaked("proxy-pass-123", session, ps.UI);
    }

    /// <summary>
    /// A session only a proxy whose URI carries its user info can serve, every run guarded against its password (plain or
    /// escaped): one row paid through it given per call (the ledger then), two through it set for the session (with the
    /// configuration shown), then two proxies refused, and the session's proxy read back.
    /// </summary>
    private sealed record ProxyUserInfo(SandboxServer Proxy, Uri PlainAddress, RunResult PerCall, int PaidPerCall, RunResult Session, RunResult Twice,
        RunResult NotAProxy, Uri ProxyAfter);

    private ProxyUserInfo PaidThroughAProxyWithUserInfo => runs.Of(nameof(ProxyUserInfo), () =>
    {
        const string password = "p@ss:w%rd-123";
        var proxy = runs.Keep(Sandboxes.Start(new SandboxOptions { ProxyCredential = new NetworkCredential("proxy user", password) }));
        var ps = runs.Keep(SessionOnlyTheProxyCanServe(proxy));
        ps.Guard(password);
        ps.Guard("p%40ss%3Aw%25rd-123");
        var withUserInfo = $"http://proxy%20user:p%40ss%3Aw%25rd-123@127.0.0.1:{proxy.BaseUri.Port}/";
        var perCall = ps.Run(Pipeline.Replace("New-NordPayWithdrawRequest", "New-NordPayWithdrawRequest -Proxy $args[1]")
            .Replace("-Force", "-Force -Proxy $args[1]"), (object)Batch(1), withUserInfo);
        var paidPerCall = proxy.State.Ledger.Count;
        var session = ps.Run("Set-NordPayConfiguration -Proxy $args[1] -PassThru; Get-NordPayConfiguration; " + Pipeline, (object)Batch(2), withUserInfo);
        var twice = ps.Run("Set-NordPayConfiguration -Proxy $args[0] -ProxyCredential $args[1]", withUserInfo, new PSCredential("other", PowerShellSession.Secure("other-pass")));
        var notAProxy = ps.Run("Set-NordPayConfiguration -Proxy 'proxyuser:p%40ss%3Aw%25rd-123@proxy.example:8080'");
        return new ProxyUserInfo(proxy, new Uri($"http://127.0.0.1:{proxy.BaseUri.Port}/"), perCall, paidPerCall, session, twice, notAProxy,
            ps.Run("(Get-NordPayConfiguration).Proxy").Objects<Uri>().Single());
    });

    [Fact]
    public void User_info_in_the_proxy_uri_of_a_call_becomes_its_proxy_credential()
    {
        var run = PaidThroughAProxyWithUserInfo;
        Assert.Empty(run.PerCall.Errors);
        Assert.Null(run.PerCall.Terminating);
        Assert.Equal(1, run.PaidPerCall);
    }

    [Fact]
    public void User_info_in_the_sessions_proxy_uri_becomes_its_proxy_credential()
    {
        var run = PaidThroughAProxyWithUserInfo;
        Assert.Empty(run.Session.Errors);
        Assert.Null(run.Session.Terminating);
        Assert.Equal(3, run.Proxy.State.Ledger.Count);
    }

    [Fact]
    public void The_configuration_shows_the_proxy_without_its_user_info()
    {
        var run = PaidThroughAProxyWithUserInfo;
        var shown = run.Session.Objects<NordPayConfiguration>().ToList();
        Assert.Equal(2, shown.Count);
        Assert.All(shown, c =>
        {
            Assert.Equal(run.PlainAddress, c.Proxy);
            Assert.Equal(string.Empty, c.Proxy!.UserInfo);
            Assert.Equal("proxy user", c.ProxyUser);
        });
    }

    [Fact]
    public void A_proxy_uri_with_user_info_beside_a_ProxyCredential_is_refused() =>
        Assert.Equal("InvalidProxy,NordPay.Commands.SetNordPayConfigurationCommand", PaidThroughAProxyWithUserInfo.Twice.TerminatingRecord!.FullyQualifiedErrorId);

    [Fact]
    public void A_proxy_without_a_scheme_is_refused_leaving_the_sessions_proxy_as_it_was()
    {
        var run = PaidThroughAProxyWithUserInfo;
        Assert.Equal("InvalidProxy,NordPay.Commands.SetNordPayConfigurationCommand", run.NotAProxy.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Equal(run.PlainAddress, run.ProxyAfter);
    }

    [Fact]
    public void A_proxy_credential_without_a_proxy_is_refused()
    {
        using var ps = PowerShellSession.Interactive();
        var result = ps.Run("Set-NordPayConfiguration -ProxyUseDefaultCredentials");
        Assert.Equal("ProxyNotSet,NordPay.Commands.SetNordPayConfigurationCommand", result.TerminatingRecord!.FullyQualifiedErrorId);
    }
}
