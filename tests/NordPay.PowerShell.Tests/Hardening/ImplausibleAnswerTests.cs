using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>A withdraw request NordPay answers with a fee or an expiry that cannot be right is never confirmed, even with -Force.</summary>
public class ImplausibleAnswerTests
{
    public static TheoryData<string, string> Implausible => new()
    {
        { "a fee larger than the amount", "\"service_fee\":\"6\",\"expires_at\":\"" + Answers.Soon + "\"" },
        { "a negative fee", "\"service_fee\":\"-0.1\",\"expires_at\":\"" + Answers.Soon + "\"" },
        { "an expiry years away", "\"service_fee\":\"0.085\",\"expires_at\":\"2031-01-01T00:00:00Z\"" },
        { "an expiry already past", "\"service_fee\":\"0.085\",\"expires_at\":\"2020-01-01T00:00:00Z\"" },
    };

    private static string Answer(string fields) =>
        $$"""{"identifier":"{{Guid.NewGuid()}}","currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"5",{{fields}}}""";

    [Theory]
    [MemberData(nameof(Implausible))]
    public void An_implausible_request_is_refused_before_any_confirm_in_the_two_step_pipeline(string what, string fields)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", 200, Answer(fields)));
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", Rows.Payout("USDTBEP20", Rows.Evm(1), "5"));
        var error = Assert.Single(result.Errors);
        Assert.Equal("ResponseImplausible,NordPay.Commands.NewNordPayWithdrawRequestCommand", error.FullyQualifiedErrorId);
        Assert.Empty(result.Objects<NordPayWithdrawRequest>());
        Assert.True(sandbox.Posts("withdraw/confirm") == 0, $"{what}: a confirm was sent");
    }

    [Theory]
    [MemberData(nameof(Implausible))]
    public void An_implausible_request_is_refused_before_any_confirm_in_a_batch(string what, string fields)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", 200, Answer(fields)));
        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5")), Journals.New());
        Assert.Equal("ResponseImplausible", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(1, Assert.Single(result.Objects<NordPayPayoutSummary>()).Failed);
        Assert.True(sandbox.Posts("withdraw/confirm") == 0, $"{what}: a confirm was sent");
    }
}
