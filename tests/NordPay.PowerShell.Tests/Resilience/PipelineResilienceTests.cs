using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Resilience;

/// <summary>Flaky networks through the cmdlets: no double payment, no hang, no lost row.</summary>
public class PipelineResilienceTests
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

    [Fact]
    public void A_lost_confirm_answer_is_reconciled_with_a_warning_and_an_unknown_one_is_reported_without_resending()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[]
            {
                new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Every = 3, Times = 1 },
                new FaultRule { PathSuffix = "withdraw/confirm", Status = 502, Every = 5, Times = 1 },
            },
        });
        using var ps = PowerShellSession.For(sandbox);
        var result = ps.Run(Pipeline, (object)Batch(6));

        var unknown = Assert.Single(result.Errors);
        Assert.Equal("OutcomeUnknown,NordPay.Commands.ConfirmNordPayWithdrawCommand", unknown.FullyQualifiedErrorId);
        Assert.StartsWith("Row 6", unknown.ErrorDetails.Message);
        Assert.Contains(ps.UI.Warnings, w => w.StartsWith("Row 3: The answer to the confirm was lost", StringComparison.Ordinal));
        Assert.Equal(5, result.Objects<NordPayWithdrawConfirmation>().Count());
        Assert.Equal(5, sandbox.State.Ledger.Count);
        Assert.Equal(6, sandbox.Posts("withdraw/confirm"));
    }

    [Fact]
    public void Ctrl_C_during_a_slow_request_returns_promptly_and_pays_nothing()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "withdraw/request", Latency = TimeSpan.FromSeconds(30) } },
        });
        using var ps = PowerShellSession.For(sandbox);
        var (shell, running) = ps.Begin(Pipeline, (object)Batch(3));
        using (shell)
        {
            var waited = Stopwatch.StartNew();
            while (sandbox.State.Faults.Applied == 0 && waited.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(10);
            Assert.Equal(1, sandbox.State.Faults.Applied);

            var stopping = Stopwatch.StartNew();
            shell.Stop();
            Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(10)));
            Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"Stopping took {stopping.Elapsed}.");
            Assert.Equal(PSInvocationState.Stopped, shell.InvocationStateInfo.State);
        }
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

    [Fact]
    public void TimeoutSec_and_MaximumRetryCount_apply_per_call_and_per_session()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "withdraw/request", Latency = TimeSpan.FromSeconds(3) } },
        });
        using var ps = PowerShellSession.For(sandbox);
        var perCall = ps.Run("$args[0] | New-NordPayWithdrawRequest -TimeoutSec 0.2", (object)Batch(1));
        Assert.Equal("RequestTimedOut", Assert.Single(perCall.Errors).FullyQualifiedErrorId.Split(',')[0]);

        var configured = ps.Run("Set-NordPayConfiguration -TimeoutSec 0.2 -MaximumRetryCount 5 -RetryTimeLimitSec 20 -PassThru; Get-NordPayConfiguration");
        var settings = configured.Objects<NordPayConfiguration>().ToList();
        Assert.Equal(2, settings.Count);
        Assert.All(settings, c =>
        {
            Assert.Equal(0.2, c.TimeoutSec);
            Assert.Equal(5, c.MaximumRetryCount);
            Assert.Equal(20, c.RetryTimeLimitSec);
            Assert.Equal(0.005, c.RetryIntervalSec);
            Assert.Null(c.Proxy);
        });
        var perSession = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Batch(1));
        Assert.Equal("RequestTimedOut", Assert.Single(perSession.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(sandbox.State.Ledger);
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

    [Fact]
    public void User_info_in_a_proxy_uri_becomes_the_proxy_credential_and_is_never_shown()
    {
        const string password = "p@ss:w%rd-123";
        var credential = new NetworkCredential("proxy user", password);
        using var proxy = Sandboxes.Start(new SandboxOptions { ProxyCredential = credential });
        using var ps = SessionOnlyTheProxyCanServe(proxy);
        ps.Guard(password);
        ps.Guard("p%40ss%3Aw%25rd-123");
        var withUserInfo = $"http://proxy%20user:p%40ss%3Aw%25rd-123@127.0.0.1:{proxy.BaseUri.Port}/";
        var plainAddress = new Uri($"http://127.0.0.1:{proxy.BaseUri.Port}/");

        var perCall = ps.Run(Pipeline.Replace("New-NordPayWithdrawRequest", "New-NordPayWithdrawRequest -Proxy $args[1]")
            .Replace("-Force", "-Force -Proxy $args[1]"), (object)Batch(1), withUserInfo);
        Assert.Empty(perCall.Errors);
        Assert.Null(perCall.Terminating);
        Assert.Single(proxy.State.Ledger);

        var session = ps.Run("Set-NordPayConfiguration -Proxy $args[1] -PassThru; Get-NordPayConfiguration; " + Pipeline,
            (object)Batch(2), withUserInfo);
        Assert.Empty(session.Errors);
        Assert.Null(session.Terminating);
        Assert.Equal(3, proxy.State.Ledger.Count);
        var shown = session.Objects<NordPayConfiguration>().ToList();
        Assert.Equal(2, shown.Count);
        Assert.All(shown, c =>
        {
            Assert.Equal(plainAddress, c.Proxy);
            Assert.Equal(string.Empty, c.Proxy!.UserInfo);
            Assert.Equal("proxy user", c.ProxyUser);
        });

        var twice = ps.Run("Set-NordPayConfiguration -Proxy $args[0] -ProxyCredential $args[1]", withUserInfo,
            new PSCredential("other", PowerShellSession.Secure("other-pass")));
        Assert.Equal("InvalidProxy,NordPay.Commands.SetNordPayConfigurationCommand", twice.TerminatingRecord!.FullyQualifiedErrorId);
        var notAProxy = ps.Run("Set-NordPayConfiguration -Proxy 'proxyuser:p%40ss%3Aw%25rd-123@proxy.example:8080'");
        Assert.Equal("InvalidProxy,NordPay.Commands.SetNordPayConfigurationCommand", notAProxy.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Equal(plainAddress, ps.Run("(Get-NordPayConfiguration).Proxy").Objects<Uri>().Single());
    }

    [Fact]
    public void A_proxy_credential_without_a_proxy_is_refused()
    {
        using var ps = PowerShellSession.Interactive();
        var result = ps.Run("Set-NordPayConfiguration -ProxyUseDefaultCredentials");
        Assert.Equal("ProxyNotSet,NordPay.Commands.SetNordPayConfigurationCommand", result.TerminatingRecord!.FullyQualifiedErrorId);
    }
}
