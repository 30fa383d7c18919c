using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>The key never leaves in a message, whatever a hostile server or a pasted key does.</summary>
public class KeyLeakTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    [Fact]
    public void A_key_echoed_past_the_point_where_an_error_body_is_cut_is_masked_wherever_the_error_goes()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        // A proxy's error page that echoes the request's headers, the key straddling the 300th character.
        sandbox.State.Faults.Add(new FaultRule
        {
            PathSuffix = "withdraw/request", Status = 500, ContentType = "text/html", Body = "<html>" + new string('x', 280) + sandbox.ApiKey + "</html>",
        });
        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -MaximumRetryCount 0", Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5")), journal);
        Assert.Equal("ServerError", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Secrets.AssertNoneCarries(sandbox.ApiKey, new[] { File.ReadAllText(journal) });
    }

    [Fact]
    public void A_key_in_the_location_of_a_validation_error_is_masked_in_the_errors_field()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", 422, $$"""{"detail":[{"loc":["header","{{sandbox.ApiKey}}"],"msg":"x","type":"y"}]}"""));
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest", Rows.Payout("USDTBEP20", Rows.Evm(1), "5"));
        var error = Assert.Single(result.Errors);
        Assert.Equal("ValidationFailed", error.FullyQualifiedErrorId.Split(',')[0]);
        Secrets.AssertNoneCarries(sandbox.ApiKey, new[] { ((NordPayException)error.Exception).Field ?? string.Empty });
    }

    // A key pasted with a trailing newline set, and a row requested with it; then a key with a blank inside set.
    private (RunResult Trimmed, RunResult Refused) PastedKeys => runs.Of(nameof(PastedKeys), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.Interactive());
        ps.Guard(sandbox.ApiKey);
        var set = ps.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1]; $args[2] | New-NordPayWithdrawRequest",
            PowerShellSession.Secure(sandbox.ApiKey + "\r\n"), sandbox.BaseUri, Rows.Payout("USDTBEP20", Rows.Evm(1), "5"));
        return (set, ps.Run("Set-NordPayApiKey -ApiKey $args[0] -BaseUri $args[1]", PowerShellSession.Secure("np_key with_blank_0123"), sandbox.BaseUri));
    });

    [Fact]
    public void A_key_set_with_a_trailing_newline_is_trimmed()
    {
        Assert.Empty(PastedKeys.Trimmed.Errors);
        Assert.Single(PastedKeys.Trimmed.Objects<NordPayWithdrawRequest>());
    }

    [Fact]
    public void A_key_set_with_a_blank_inside_is_refused_without_showing_it()
    {
        var refused = PastedKeys.Refused.TerminatingRecord!;
        Assert.Equal("InvalidApiKey", refused.FullyQualifiedErrorId.Split(',')[0]);
        Assert.DoesNotContain("with_blank", refused.ToString(), StringComparison.Ordinal);
    }
}
