using System.Management.Automation;
using NordPay.Batch;
using NordPay.Models;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>
/// What the withdraw history proves, read as a sceptic: a day limit on a history paged oldest first or in small pages;
/// a withdrawal that failed is never paid; "not found" for a request this journal made proves nothing; rows in doubt
/// settle themselves once their requests expired; a confirm that never left is not in doubt; a journal that cannot be
/// written stops the batch with its own error and no never-sent row in doubt.
/// </summary>
public class EvidenceTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    private static string NewJournal() => Path.Combine(Journals.NewFolder(), "batch.journal");

    private static PSObject[] Batch(int count, string amount = "5") =>
        Enumerable.Range(1, count).Select(i => Rows.Referenced($"E{i}", "USDTBEP20", Rows.Evm(i), amount)).ToArray();

    private static SandboxServer Sandbox(SandboxOptions? options = null) =>
        Sandboxes.Start((options ?? new SandboxOptions()) with { Balances = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase) { ["USDTBEP20"] = 1_000_000m } });

    private static Dictionary<string, RowRecord> Fold(string journal) => RowRecord.Fold(Journals.Read(journal));

    [Theory]
    [InlineData(true, null)]
    [InlineData(false, 50)]
    [InlineData(true, 50)]
    public void A_day_limit_holds_on_a_history_paged_oldest_first_or_in_small_pages(bool sortIgnored, int? pageCap)
    {
        using var sandbox = Sandbox(new SandboxOptions { History = new HistoryPaging { SortIgnored = sortIgnored, PageCap = pageCap } });
        using var ps = PowerShellSession.For(sandbox);
        // 60 payouts of 1 today, more than a capped page holds, and yesterday's before them.
        ps.Run(Pay, Batch(3, "1"), NewJournal());
        sandbox.State.AdvanceClock(TimeSpan.FromDays(1));
        Assert.Empty(ps.Run(Pay, Enumerable.Range(10, 60).Select(i => Rows.Referenced($"D{i}", "USDTBEP20", Rows.Evm(i), "1")).ToArray(), NewJournal()).Errors);
        ps.Run("Set-NordPayPolicy USDTBEP20 -MaxPerPayout 100 -MaxPerRun 100 -MaxPerDay 100 -Confirm:$false");
        var paid = sandbox.State.Ledger.Count;

        var refused = ps.Run("New-NordPayWithdrawRequest USDTBEP20 $args[0] 45 | Confirm-NordPayWithdraw -Force", Rows.Evm(99));

        Assert.Equal("PolicyDayLimitExceeded", Assert.Single(refused.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(paid, sandbox.State.Ledger.Count);
        Assert.Single(ps.Run("New-NordPayWithdrawRequest USDTBEP20 $args[0] 40 | Confirm-NordPayWithdraw -Force", Rows.Evm(99)).Objects<NordPayWithdrawConfirmation>());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(8)]
    public void Lost_answers_are_found_in_a_history_that_grows_while_it_is_read(int throttle)
    {
        // Every other confirm is processed and its answer lost, while the other workers' payouts land in the history.
        using var sandbox = Sandbox(new SandboxOptions { Faults = new[] { new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Every = 2 } } });
        using var ps = PowerShellSession.For(sandbox);
        var run = ps.Run($"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -ThrottleLimit {throttle} -Force", Batch(40), NewJournal());
        Assert.Empty(run.Errors);
        var summary = Assert.Single(run.Objects<NordPayPayoutSummary>());
        Assert.Equal((40, 0, true), (summary.Paid, summary.InDoubt, summary.Complete));
        Assert.Equal(40, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_history_that_ignores_offset_fails_closed_at_once_instead_of_looping()
    {
        using var sandbox = Sandbox(new SandboxOptions { History = new HistoryPaging { OffsetIgnored = true } });
        using var ps = PowerShellSession.For(sandbox);
        ps.Run(Pay, Batch(3), NewJournal());
        var gets = sandbox.State.Received.Count(r => r.Method == "GET");
        var lookup = ps.Run("Get-NordPayWithdrawal -Id 1");
        Assert.Equal("HistoryUnreliable", lookup.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(3, sandbox.State.Received.Count(r => r.Method == "GET") - gets);
    }

    [Fact]
    public void A_withdrawal_that_failed_is_never_reported_paid_nor_paid_again_without_the_operators_word()
    {
        using var sandbox = Sandbox(new SandboxOptions { ConfirmStatus = "failed" });
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(2);
        var journal = NewJournal();

        var first = ps.Run(Pay, rows, journal);
        Assert.Equal(2, first.Errors.Count(e => e.FullyQualifiedErrorId.StartsWith("WithdrawalNotPaid,", StringComparison.Ordinal)));
        var summary = Assert.Single(first.Objects<NordPayPayoutSummary>());
        Assert.Equal((0, 2, false), (summary.Paid, summary.Failed, summary.Complete));
        Assert.All(ps.Run("Get-NordPayJournal -Path $args[0]", journal).Objects<NordPayJournalRow>(), r => Assert.Equal(NordPayJournalState.WithdrawalFailed, r.State));
        Assert.Equal(2, ps.Run("Compare-NordPayJournal -Path $args[0]", journal).Objects<NordPayJournalDiscrepancy>().Count(d => d.Kind == NordPayDiscrepancyKind.Cancelled));

        var again = ps.Run(Pay, rows, journal);
        Assert.False(Assert.Single(again.Objects<NordPayPayoutSummary>()).Complete);
        Assert.Equal(2, sandbox.State.Ledger.Count);

        // The operator's word pays one of them again.
        ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -SettleInDoubt NotPaid -SettleReference E1 -Force", rows, journal);
        Assert.Equal(3, sandbox.State.Ledger.Count);
        Assert.Equal(2, sandbox.State.Ledger.Count(w => w.Address == Rows.Evm(1)));

        var twoStep = ps.Run("New-NordPayWithdrawRequest USDTBEP20 $args[0] 5 | Confirm-NordPayWithdraw -Force", Rows.Evm(7));
        Assert.Empty(twoStep.Objects<NordPayWithdrawConfirmation>());
        Assert.Equal("WithdrawalNotPaid", Assert.Single(twoStep.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void A_failed_withdrawal_whose_settlement_is_declined_at_its_prompt_is_still_reported_not_paid()
    {
        using var sandbox = Sandbox(new SandboxOptions { ConfirmStatus = "failed" });
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(2);
        var journal = NewJournal();
        ps.Run(Pay, rows, journal);

        ps.UI.ChoiceAnswers.Enqueue("No");
        ps.UI.ChoiceAnswers.Enqueue("No");
        var declined = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -SettleInDoubt NotPaid", rows, journal);
        Assert.Equal(2, ps.UI.Prompts.Count);
        Assert.Equal(new[] { "WithdrawalNotPaid", "WithdrawalNotPaid" }, declined.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        var summary = Assert.Single(declined.Objects<NordPayPayoutSummary>());
        Assert.Equal((2, 0, 2, false), (summary.Rows, summary.Paid, summary.Failed, summary.Complete));
        Assert.Equal(2, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_withdrawal_cancelled_after_it_was_paid_is_not_reported_paid_by_the_rerun_nor_paid_again()
    {
        using var sandbox = Sandbox();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(3);
        var journal = NewJournal();
        Assert.True(Assert.Single(ps.Run(Pay, rows, journal).Objects<NordPayPayoutSummary>()).Complete);
        // The merchant's admin cancels E2's withdrawal in the panel.
        Assert.True(sandbox.State.SetStatus(sandbox.State.Ledger.Single(w => w.Address == Rows.Evm(2)).Id, "cancelled"));

        var rerun = ps.Run(Pay, rows, journal);
        Assert.Equal("WithdrawalNotPaid", Assert.Single(rerun.Errors).FullyQualifiedErrorId.Split(',')[0]);
        var summary = Assert.Single(rerun.Objects<NordPayPayoutSummary>());
        Assert.Equal((2, 1, false), (summary.AlreadyPaid, summary.Failed, summary.Complete));
        Assert.Equal(NordPayJournalState.WithdrawalFailed, ps.Run("Get-NordPayJournal -Path $args[0]", journal).Objects<NordPayJournalRow>().Single(r => r.Reference == "E2").State);
        Assert.Equal(3, sandbox.State.Ledger.Count);
    }

    [Theory]
    [InlineData(true)]
    // A journal of 0.2 has no NordPay time for its requests: the history is read back the longest a request lives.
    [InlineData(false)]
    public void Not_found_for_a_request_the_journal_made_is_no_proof(bool serverTimeJournaled)
    {
        var run = ConfirmedByHandBeforeTheRerun(serverTimeJournaled);
        Assert.Equal("PayoutInDoubt", Assert.Single(run.Rerun.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(1, Assert.Single(run.Again.Objects<NordPayPayoutSummary>()).InDoubt);
        Assert.Equal(1, run.PaidBeforeExpiry);
    }

    // Once the request expired, the history over its whole life settles it: paid, by the person's confirm.
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_row_confirmed_by_hand_is_found_paid_once_its_request_expired(bool serverTimeJournaled)
    {
        var run = ConfirmedByHandBeforeTheRerun(serverTimeJournaled);
        Assert.Empty(run.Settled.Errors);
        Assert.True(Assert.Single(run.Settled.Objects<NordPayPayoutSummary>()).Complete);
        Assert.Equal(Assert.Single(run.Sandbox.State.Ledger).Id, Assert.Single(run.Settled.Objects<NordPayPayoutResult>()).WithdrawalId);
    }

    /// <summary>
    /// A run stopped after its request, the request confirmed by a person, then two reruns five minutes later (the ledger
    /// then) and one once the request expired.
    /// </summary>
    private sealed record ConfirmedByHand(SandboxServer Sandbox, RunResult Rerun, RunResult Again, int PaidBeforeExpiry, RunResult Settled);

    private ConfirmedByHand ConfirmedByHandBeforeTheRerun(bool serverTimeJournaled) => runs.Of($"confirmed by hand, server time {serverTimeJournaled}", () =>
    {
        var sandbox = runs.Keep(Sandbox());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = Batch(1);
        var journal = NewJournal();
        // A run stopped after its request: the journal has the row Requested.
        var request = Assert.Single(ps.Run("New-NordPayWithdrawRequest USDTBEP20 $args[0] 5", Rows.Evm(1)).Objects<NordPayWithdrawRequest>());
        Journals.Write(journal,
            new JournalEntry(JournalEvent.Planned, DateTimeOffset.UtcNow) { References = new[] { "E1" }, Row = 1, Currency = "USDTBEP20", Address = Rows.Evm(1), Amount = "5" },
            new JournalEntry(JournalEvent.Requested, DateTimeOffset.UtcNow) { References = new[] { "E1" }, Identifier = request.Identifier, ExpiresAt = request.ExpiresAt, ServerAt = serverTimeJournaled ? sandbox.State.Now.AddSeconds(-1) : null });
        // A person confirms it by hand, minutes before the re-run.
        Assert.Single(ps.Run("Confirm-NordPayWithdraw -Identifier $args[0] -Force", request.Identifier).Objects<NordPayWithdrawConfirmation>());
        sandbox.State.AdvanceClock(TimeSpan.FromMinutes(5));

        // The re-run's confirm is answered "not found": no proof, and the history of its own seconds shows nothing. In doubt, not failed.
        var rerun = ps.Run(Pay, rows, journal);
        var again = ps.Run(Pay, rows, journal);
        var paid = sandbox.State.Ledger.Count;
        sandbox.State.AdvanceClock(TimeSpan.FromMinutes(12));
        return new ConfirmedByHand(sandbox, rerun, again, paid, ps.Run(Pay, rows, journal));
    });

    [Fact]
    public void Rows_in_doubt_settle_themselves_once_their_requests_expired_lookalikes_by_count()
    {
        using var sandbox = Sandbox();
        using var ps = PowerShellSession.For(sandbox);
        // Two rows alike and one of its own; the first confirm is processed and its answer lost, the next two never arrive.
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "5"));
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Times = 1 });
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.BeforeProcessing, Times = 2 });
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "balance/withdraws", Status = 503, Times = 100 });
        var journal = NewJournal();
        var first = ps.Run(Pay, rows, journal);
        Assert.Equal(3, Assert.Single(first.Objects<NordPayPayoutSummary>()).InDoubt);
        sandbox.State.Faults.Clear();

        // Before the requests expire a confirm could still land, and the lookalikes' one withdrawal could be either's: all stay in doubt.
        var early = ps.Run(Pay, rows, journal);
        Assert.Equal(3, Assert.Single(early.Objects<NordPayPayoutSummary>()).InDoubt);
        Assert.Single(sandbox.State.Ledger);
        // The journal says from when they settle: a minute past their requests' expiry.
        var waiting = ps.Run("Get-NordPayJournal -Path $args[0] -State InDoubt", journal).Objects<NordPayJournalRow>().ToList();
        Assert.Equal(3, waiting.Count);
        Assert.All(waiting, r => Assert.InRange(r.SettlesAfter!.Value, sandbox.State.Now.AddMinutes(15), sandbox.State.Now.AddMinutes(17)));

        sandbox.State.AdvanceClock(TimeSpan.FromMinutes(17));
        var late = ps.Run(Pay, rows, journal);
        Assert.Empty(late.Errors);
        Assert.True(Assert.Single(late.Objects<NordPayPayoutSummary>()).Complete);
        Assert.Equal(2, sandbox.State.Ledger.Count(w => w.Address == Rows.Evm(1)));
        Assert.Single(sandbox.State.Ledger, w => w.Address == Rows.Evm(2));
    }

    [Fact]
    public void A_confirm_announced_but_never_sent_on_this_boot_is_requested_not_in_doubt()
    {
        var at = DateTimeOffset.UtcNow;
        var id = Guid.NewGuid();
        var entries = new[]
        {
            new JournalEntry(JournalEvent.Planned, at) { References = new[] { "A" }, Currency = "USDTBEP20", Address = "0x1", Amount = "5" },
            new JournalEntry(JournalEvent.Requested, at) { References = new[] { "A" }, Identifier = id, ExpiresAt = at.AddMinutes(15) },
            new JournalEntry(JournalEvent.ConfirmSending, at) { References = new[] { "A" }, Identifier = id, Boot = "boot-1" },
        };
        Assert.Equal(PayoutState.Requested, RowRecord.Fold(entries, "boot-1")["A"].State);
        // After a restart of the system the unflushed marker may be lost: the forced announcement is all that is known.
        Assert.Equal(PayoutState.ConfirmSending, RowRecord.Fold(entries, "boot-2")["A"].State);
        Assert.Equal(PayoutState.ConfirmSending, RowRecord.Fold(entries, null)["A"].State);
        var left = entries.Append(new JournalEntry(JournalEvent.ConfirmSent, at) { References = new[] { "A" }, Identifier = id });
        Assert.Equal(PayoutState.ConfirmSending, RowRecord.Fold(left, "boot-1")["A"].State);
    }

    /// <summary>Eight rows whose run is killed before its third confirm leaves (the ledger and the journal's rows then), then run again.</summary>
    private sealed record KilledBeforeAConfirm(SandboxServer Sandbox, bool Killed, int PaidWhenKilled, IReadOnlyCollection<RowRecord> JournalRows, RunResult Rerun);

    private KilledBeforeAConfirm KilledBeforeItsThirdConfirm => runs.Of(nameof(KilledBeforeAConfirm), () =>
    {
        var sandbox = runs.Keep(Sandbox());
        var rows = Batch(8);
        var journal = NewJournal();
        // Killed before its third confirm leaves: the window announced eight, two were sent and answered.
        var killed = ChildBatch.Run(sandbox, rows, journal, 1, false, "before-confirm", 3);
        var (paid, journalRows) = (sandbox.State.Ledger.Count, Fold(journal).Values);
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        return new KilledBeforeAConfirm(sandbox, killed, paid, journalRows, ps.Run(Pay, rows, journal));
    });

    [Fact]
    public void A_run_killed_before_a_confirm_left_leaves_no_row_in_doubt()
    {
        Assert.NotNull(BootIdentity.Current);
        var run = KilledBeforeItsThirdConfirm;
        Assert.True(run.Killed);
        Assert.Equal(2, run.PaidWhenKilled);
        Assert.DoesNotContain(run.JournalRows, r => r.State is PayoutState.ConfirmSending or PayoutState.InDoubt);
    }

    [Fact]
    public void The_rerun_of_a_run_killed_before_a_confirm_left_pays_each_row_once()
    {
        var run = KilledBeforeItsThirdConfirm;
        Assert.Empty(run.Rerun.Errors);
        Assert.True(Assert.Single(run.Rerun.Objects<NordPayPayoutSummary>()).Complete);
        Assert.Equal(8, run.Sandbox.State.Ledger.Select(w => w.Address).Distinct().Count());
        Assert.Equal(8, run.Sandbox.State.Ledger.Count);
    }
}
