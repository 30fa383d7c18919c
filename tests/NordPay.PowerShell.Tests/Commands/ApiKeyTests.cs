using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>
/// Set-NordPayApiKey and the key's resolution. These tests touch process environment variables,
/// so they run one at a time in their own collection.
/// </summary>
[Collection(nameof(ApiKeyTests))]
[CollectionDefinition(nameof(ApiKeyTests), DisableParallelization = true)]
public class ApiKeyTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    /// <summary>A key set with -PassThru twice: once shown by Out-Default (with -Verbose), once output.</summary>
    private (SandboxServer Sandbox, PowerShellSession Session, RunResult Result) SetWithPassThru => runs.Of(nameof(SetWithPassThru), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.Interactive());
        const string setShownThenOutput =
            "Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -PassThru -Verbose | Out-Default; Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1] -PassThru";
        return (sandbox, ps, ps.Run(setShownThenOutput, PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri));
    });

    [Fact]
    public void PassThru_shows_the_last_four_characters()
    {
        var (sandbox, ps, result) = SetWithPassThru;
        var info = Assert.Single(result.Objects<NordPayApiKeyInfo>());
        Assert.Equal("Session", info.Source);
        Assert.Equal("..." + sandbox.ApiKey[^4..], info.KeyHint);
        Assert.Equal(sandbox.BaseUri, info.BaseUri);
        Assert.Contains(ps.UI.Lines, l => l.Contains(info.KeyHint, StringComparison.Ordinal));
    }

    [Fact]
    public void PassThru_never_shows_the_key()
    {
        var (sandbox, ps, result) = SetWithPassThru;
        Secrets.AssertNotLeaked(sandbox.ApiKey, result, ps.UI);
    }

    [Fact]
    public void The_key_is_prompted_for_without_echo_when_omitted()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.Interactive();
        ps.UI.SecretAnswer = PowerShellSession.Secure(sandbox.ApiKey);
        var result = ps.Run("Set-NordPayApiKey -BaseUri $args[0]; $args[1] | New-NordPayWithdrawRequest", sandbox.BaseUri,
            Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5")));
        Assert.Empty(result.Errors);
        Assert.Single(result.Objects<NordPayWithdrawRequest>());
        Secrets.AssertNotLeaked(sandbox.ApiKey, result, ps.UI);
    }

    [Fact]
    public void Each_session_keeps_its_own_key()
    {
        using var sandbox = Sandboxes.Start();
        using var first = PowerShellSession.For(sandbox);
        using var second = PowerShellSession.Interactive();
        second.SetKey("np_other_account_key_1", sandbox.BaseUri);
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"));
        Assert.Empty(first.Run("$args[0] | New-NordPayWithdrawRequest", (object)rows).Errors);
        Assert.Equal("ApiKeyRejected", second.Run("$args[0] | New-NordPayWithdrawRequest", (object)rows).TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Theory]
    [InlineData("http://example.com/", "InsecureBaseUri")]
    [InlineData("ftp://127.0.0.1/", "InvalidBaseUri")]
    public void A_base_uri_that_could_leak_the_key_is_refused(string uri, string errorId)
    {
        using var ps = PowerShellSession.Interactive();
        var result = ps.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1]", PowerShellSession.Secure("np_key_0123456789ab"), new Uri(uri));
        Assert.Equal($"{errorId},NordPay.Commands.SetNordPayApiKeyCommand", result.TerminatingRecord!.FullyQualifiedErrorId);
    }

    [Fact]
    public void With_no_key_anywhere_nothing_is_sent()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.Interactive();
        Environment.SetEnvironmentVariable("NORDPAY_API_KEY", null);
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "5")));
        Assert.Equal("ApiKeyNotSet,NordPay.Commands.NewNordPayWithdrawRequestCommand", result.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Contains("Set-NordPayApiKey", result.TerminatingRecord.ErrorDetails.Message);
        Assert.Contains("NORDPAY_API_KEY", result.TerminatingRecord.ErrorDetails.Message);
        Assert.Empty(result.Errors);
        Assert.Empty(sandbox.State.Received);
    }

    [Fact]
    public void The_key_is_resolved_from_the_call_then_the_session_then_the_environment_then_the_persisted_profile()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.Interactive();
        ps.Guard(sandbox.ApiKey);
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"));
        string Source(RunResult r) => r.Verbose.Single(v => v.StartsWith("Using the API key", StringComparison.Ordinal));

        ps.Store.SaveProtected("default", sandbox.BaseUri, PowerShellSession.Secure(sandbox.ApiKey));
        var persisted = ps.Run("$args[0] | New-NordPayWithdrawRequest -Verbose", (object)rows);
        Assert.Empty(persisted.Errors);
        Assert.Contains("from the current user's Dpapi store", Source(persisted));

        Environment.SetEnvironmentVariable("NORDPAY_API_KEY", "np_environment_key_wins_1");
        Environment.SetEnvironmentVariable("NORDPAY_BASE_URI", sandbox.BaseUri.ToString());
        try
        {
            var environment = ps.Run("$args[0] | New-NordPayWithdrawRequest -Verbose", (object)rows);
            Assert.Equal("ApiKeyRejected", environment.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("from NORDPAY_API_KEY", Source(environment));

            ps.SetKey(sandbox.ApiKey, sandbox.BaseUri);
            var session = ps.Run("$args[0] | New-NordPayWithdrawRequest -Verbose", (object)rows);
            Assert.Empty(session.Errors);
            Assert.Contains("from this session", Source(session));

            ps.Guard("np_call_key_wins_12345");
            var call = ps.Run("$args[0] | New-NordPayWithdrawRequest -Verbose -ApiKey $args[1]", rows, PowerShellSession.Secure("np_call_key_wins_12345"));
            Assert.Equal("ApiKeyRejected", call.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("from -ApiKey", Source(call));
        }
        finally
        {
            Environment.SetEnvironmentVariable("NORDPAY_API_KEY", null);
            Environment.SetEnvironmentVariable("NORDPAY_BASE_URI", null);
        }
    }

    // Runs the test with NORDPAY_API_KEY and NORDPAY_BASE_URI set to a sandbox's, as a scheduled job's environment has them.
    private static void WithTheKeyInTheEnvironment(Action<SandboxServer> test)
    {
        using var sandbox = Sandboxes.Start();
        Environment.SetEnvironmentVariable("NORDPAY_API_KEY", sandbox.ApiKey);
        Environment.SetEnvironmentVariable("NORDPAY_BASE_URI", sandbox.BaseUri.ToString());
        try
        {
            test(sandbox);
        }
        finally
        {
            Environment.SetEnvironmentVariable("NORDPAY_API_KEY", null);
            Environment.SetEnvironmentVariable("NORDPAY_BASE_URI", null);
        }
    }

    [Fact]
    public void Unattended_jobs_use_the_key_of_NORDPAY_API_KEY_at_NORDPAY_BASE_URI() => WithTheKeyInTheEnvironment(sandbox =>
    {
        using var ps = PowerShellSession.Unattended();
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest -Verbose | Confirm-NordPayWithdraw -Force -Verbose",
            (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "6")));
        Assert.Empty(result.Errors);
        Assert.Equal(2, sandbox.State.Ledger.Count);
        Assert.Contains(result.Verbose, v => v.Contains($"Using the API key ...{sandbox.ApiKey[^4..]} of profile 'default' from NORDPAY_API_KEY", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.Contains("POST /balance/withdraw/confirm -> HTTP 200", StringComparison.Ordinal));
        Secrets.AssertNotLeaked(sandbox.ApiKey, result, ps.UI);
    });

    [Fact]
    public void A_key_set_in_the_session_wins_over_the_environment() => WithTheKeyInTheEnvironment(sandbox =>
    {
        using var interactive = PowerShellSession.Interactive();
        interactive.SetKey("np_session_key_wins_1", sandbox.BaseUri);
        var sessionFirst = interactive.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(3), "5")));
        Assert.Equal("ApiKeyRejected", sessionFirst.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
    });
}
