using System.Management.Automation;
using NordPay.Models;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>
/// NordPay documents nothing about 429s, so a confirm answered 429 may have been processed: when the module gives up
/// on it (a Retry-After past the retry time limit, retries exhausted) the row is paid (found in the history) or in
/// doubt, never failed, and no re-run pays it twice; in the batch and the two-step cmdlets.
/// </summary>
public class RateLimitedConfirmTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";
    // A Retry-After past this limit is given up on at once, and holds back every call of the process while it lasts.
    private const int RetryTimeLimit = 2;
    private const int PastTheLimit = RetryTimeLimit + 1;

    private static PSObject[] Batch(int count) =>
        Enumerable.Range(1, count).Select(i => Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), "5")).ToArray();

    private static PowerShellSession Session(SandboxServer sandbox)
    {
        var ps = PowerShellSession.For(sandbox);
        ps.Run($"Set-NordPayConfiguration -RetryTimeLimitSec {RetryTimeLimit}");
        return ps;
    }

    // Until the Retry-After has passed, every call of the process is held back.
    private static void WaitOut(int retryAfter) => Thread.Sleep(TimeSpan.FromSeconds(retryAfter + 0.5));

    public static TheoryData<int, int, int, bool> GivenUpCases => new()
    {
        // A Retry-After past the retry time limit: the module gives up at once.
        { PastTheLimit, 1, 1, false },
        // Every confirm, and every retry of it, answered 429 after it was processed: retries run out.
        { 1, int.MaxValue, 8, false },
        // The same for a multiple withdraw's one confirm: its rows are found one by one.
        { 1, int.MaxValue, 2, true },
    };

    /// <summary>
    /// A batch whose confirms NordPay processed and answered 429 (Retry-After as given, so many times): the run, the ledger
    /// after it, and the rerun once the wait is over.
    /// </summary>
    private (SandboxServer Sandbox, RunResult First, int PaidByTheFirst, RunResult Again) GivenUpOn429(int retryAfter, int times, int rows, bool multiple) =>
        runs.Of($"{retryAfter} {times} {rows} {multiple}", () =>
        {
            var sandbox = runs.Keep(Sandboxes.Start());
            var ps = runs.Keep(Session(sandbox));
            var batch = Batch(rows);
            var journal = Journals.New();
            var pay = multiple ? Pay + " -UseMultipleWithdraw" : Pay;
            sandbox.State.Faults.Add(new FaultRule
            {
                PathSuffix = multiple ? "multiple/confirm" : "withdraw/confirm", Status = 429, RetryAfterSeconds = retryAfter, Processed = true, Times = times,
            });
            var first = ps.Run(pay, batch, journal);
            var paid = sandbox.State.Ledger.Count;
            WaitOut(retryAfter);
            return (sandbox, first, paid, ps.Run(pay, batch, journal));
        });

    [Theory]
    [MemberData(nameof(GivenUpCases))]
    public void A_batch_confirm_given_up_on_a_429_it_was_processed_under_is_paid_or_in_doubt(int retryAfter, int times, int rows, bool multiple)
    {
        var (_, first, paid, _) = GivenUpOn429(retryAfter, times, rows, multiple);
        var summary = Assert.Single(first.Objects<NordPayPayoutSummary>());
        Assert.Equal((0, rows), (summary.Failed, summary.Paid + summary.InDoubt));
        Assert.DoesNotContain(first.Errors, e => e.FullyQualifiedErrorId.StartsWith("RateLimited,", StringComparison.Ordinal));
        Assert.Equal(rows, paid);
    }

    [Theory]
    [MemberData(nameof(GivenUpCases))]
    public void A_batch_confirm_given_up_on_a_429_it_was_processed_under_is_never_paid_twice(int retryAfter, int times, int rows, bool multiple)
    {
        var (sandbox, _, _, again) = GivenUpOn429(retryAfter, times, rows, multiple);
        Assert.True(Assert.Single(again.Objects<NordPayPayoutSummary>()).Complete);
        Assert.Equal(rows, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_batch_confirm_given_up_on_a_429_it_was_not_processed_under_stays_in_doubt_until_its_request_expired_then_is_paid_once()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = Session(sandbox);
        var batch = Batch(1);
        var journal = Journals.New();
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 429, RetryAfterSeconds = PastTheLimit, Times = 1 });

        var first = ps.Run(Pay, batch, journal);
        var summary = Assert.Single(first.Objects<NordPayPayoutSummary>());
        Assert.Equal((0, 1), (summary.Failed, summary.InDoubt));
        Assert.Empty(sandbox.State.Ledger);

        // Once its request expired no confirm can land: the history settles it unpaid, and it is paid, once.
        WaitOut(PastTheLimit);
        sandbox.State.AdvanceClock(TimeSpan.FromMinutes(17));
        Assert.True(Assert.Single(ps.Run(Pay, batch, journal).Objects<NordPayPayoutSummary>()).Complete);
        Assert.Single(sandbox.State.Ledger);
        Assert.True(Assert.Single(ps.Run(Pay, batch, journal).Objects<NordPayPayoutSummary>()).Complete);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public void A_two_step_confirm_given_up_on_a_processed_429_is_found_paid_or_OutcomeUnknown_never_RateLimited()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = Session(sandbox);
        const string RequestAndConfirm = "New-NordPayWithdrawRequest USDTBEP20 $args[0] 5 | Confirm-NordPayWithdraw -Force";

        // Retries run out; the history, read once the Retry-After passed, shows the payout.
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 429, RetryAfterSeconds = 1, Processed = true });
        var piped = ps.Run(RequestAndConfirm, Rows.Evm(1));
        Assert.Empty(piped.Errors);
        Assert.Equal(Assert.Single(sandbox.State.Ledger).Id, Assert.Single(piped.Objects<NordPayWithdrawConfirmation>()).Id);
        sandbox.State.Faults.Clear();
        WaitOut(1);

        // Given up on at once: the history cannot be read while every call is held back, so the outcome is unknown.
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 429, RetryAfterSeconds = PastTheLimit, Processed = true, Times = 1 });
        var heldBack = ps.Run(RequestAndConfirm, Rows.Evm(2));
        Assert.Equal("OutcomeUnknown", Assert.Single(heldBack.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(2, sandbox.State.Ledger.Count);
        WaitOut(PastTheLimit);

        // By identifier alone there is nothing to look for in the history.
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 429, RetryAfterSeconds = PastTheLimit, Processed = true, Times = 1 });
        var request = Assert.Single(ps.Run("New-NordPayWithdrawRequest USDTBEP20 $args[0] 5", Rows.Evm(3)).Objects<NordPayWithdrawRequest>());
        var byIdentifier = ps.Run("Confirm-NordPayWithdraw -Identifier $args[0] -Force", request.Identifier);
        Assert.Equal("OutcomeUnknown", Assert.Single(byIdentifier.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(3, sandbox.State.Ledger.Count);
        // The first confirm and the two retries the time limit allows, then one each: none sent again once given up on.
        Assert.Equal(3 + 1 + 1, sandbox.Posts("withdraw/confirm"));
    }
}
