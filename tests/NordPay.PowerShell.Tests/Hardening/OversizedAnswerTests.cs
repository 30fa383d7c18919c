using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>
/// An answer larger than any NordPay sends is unreadable, and read no further than the limit: a request is then never
/// confirmed, a confirm's outcome is settled from the history. Alone, so that the allocations measured are its own.
/// </summary>
[Collection(nameof(OversizedAnswerTests))]
[CollectionDefinition(nameof(OversizedAnswerTests), DisableParallelization = true)]
public class OversizedAnswerTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string TwoStep = "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force";
    // 50 MB of whitespace before the real answer; a reader with no limit holds all of it.
    private const int PadKilobytes = 50 * 1024;
    private const long MostAllocated = 16L * 1024 * 1024;

    // Pays one row in two steps while the path's next answer is padded, and checks what that call allocated.
    private static RunResult PayWithPaddedAnswer(SandboxServer sandbox, string path)
    {
        using var ps = PowerShellSession.For(sandbox);
        // Warm: what is measured is the padded call, not the session's first.
        ps.Run(TwoStep, Rows.Payout("USDTBEP20", Rows.Evm(3), "5"));
        sandbox.State.Faults.Add(FaultRule.Parse($"path={path},pad-kb={PadKilobytes},times=1"));
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = ps.Run(TwoStep, Rows.Payout("USDTBEP20", Rows.Evm(1), "5"));
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Assert.True(allocated < MostAllocated, $"{allocated / 1024 / 1024} MB allocated while a 50 MB answer came");
        return result;
    }

    private (SandboxServer Sandbox, RunResult Result) RequestAnswerPadded => runs.Of(nameof(RequestAnswerPadded), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        return (sandbox, PayWithPaddedAnswer(sandbox, "withdraw/request"));
    });

    [Fact]
    public void A_request_answer_larger_than_any_of_NordPays_is_unreadable()
    {
        var error = Assert.Single(RequestAnswerPadded.Result.Errors);
        Assert.Equal("UnreadableResponse,NordPay.Commands.NewNordPayWithdrawRequestCommand", error.FullyQualifiedErrorId);
        Assert.Contains("larger than", error.Exception.Message);
    }

    [Fact]
    public void A_request_whose_answer_was_too_large_to_read_is_never_confirmed() =>
        Assert.Equal(1, RequestAnswerPadded.Sandbox.Posts("withdraw/confirm")); // the warming payout's only

    [Fact]
    public void A_confirm_answer_larger_than_any_of_NordPays_is_settled_from_the_history()
    {
        using var sandbox = Sandboxes.Start();
        var result = PayWithPaddedAnswer(sandbox, "withdraw/confirm");
        Assert.Empty(result.Errors);
        var confirmed = Assert.Single(result.Objects<NordPayWithdrawConfirmation>());
        Assert.Equal(sandbox.State.Ledger.Single(w => w.Address == Rows.Evm(1)).Id, confirmed.Id);
        Assert.Contains("withdraw history", confirmed.Detail);
    }
}
