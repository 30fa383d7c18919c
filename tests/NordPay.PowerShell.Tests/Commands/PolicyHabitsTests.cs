using System.Management.Automation;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;
using static NordPay.Tests.Commands.PolicyTests;

namespace NordPay.Tests.Commands;

/// <summary>
/// Policies driven by ordinary PowerShell habits: another runspace of the process, another name for the same key, a
/// loop of one-row pipelines, and the same payouts from another file (the repeat guard).
/// </summary>
public class PolicyHabitsTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Request = "New-NordPayWithdrawRequest -Currency USDTBEP20 -Address $args[0] -Amount $args[1]";
    private const string Pay = Request + " | Confirm-NordPayWithdraw -Force";
    private const string Batch = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -InformationVariable audit";

    private static string ErrorId(ErrorRecord record) => record.FullyQualifiedErrorId.Split(',')[0];

    private static string NewJournal() => Path.Combine(Journals.NewFolder(), "batch.journal");

    // Limits, then a repeat window of 24 hours.
    private static void SetRepeatGuard(PowerShellSession ps, string limits = "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 100")
    {
        SetPolicy(ps, limits);
        SetPolicy(ps, "-RepeatWindow 24");
    }

    private static PSObject[] Bep20(params string[] amounts) => amounts.Select((a, i) => Rows.Payout("USDTBEP20", Rows.Evm(i + 1), a)).ToArray();

    [Fact]
    public void A_process_policy_binds_every_runspace_of_the_process_not_only_the_one_that_set_it()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 100");

        using var other = PowerShellSession.Interactive(ps.Store);
        other.SetKey(sandbox.ApiKey, sandbox.BaseUri);
        var result = other.Run(Pay, Rows.Evm(1), "62.1");
        Assert.Equal("PolicyPayoutLimitExceeded", ErrorId(Assert.Single(result.Errors)));
        Assert.Equal(0, sandbox.State.PostsReceived);
        Assert.Equal(NordPayKeyScope.Process, Assert.Single(other.Run("Get-NordPayPolicy").Objects<NordPayPolicy>()).Scope);
    }

    /// <summary>
    /// A policy persisted for the default profile's key; then, in another session on the store, 50 requested under profile
    /// treasury (the same key), and under profile ops with the key as -ApiKey (the POSTs by then); a batch paid under
    /// treasury (the ledger then); a policy set for treasury too, and 50 requested under it.
    /// </summary>
    private sealed record KeyUnderOtherNames(SandboxServer Sandbox, NordPayPolicy Policy, string PoliciesFile, RunResult UnderAnotherName, RunResult FoundUnderIt,
        RunResult AsApiKey, int PostsBeforeTheBatch, RunResult Batch, IReadOnlyList<Withdrawal> LedgerAfterTheBatch, RunResult Conflict);

    private KeyUnderOtherNames PolicyOfAKeyUnderOtherNames => runs.Of(nameof(KeyUnderOtherNames), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 100 -Scope CurrentUser");
        var policy = Assert.Single(ps.Run("Get-NordPayPolicy").Objects<NordPayPolicy>());
        var file = File.ReadAllText(Path.Combine(ps.Store.Directory, "policies.json"));

        var job = runs.Keep(PowerShellSession.Interactive(ps.Store));
        job.Guard(sandbox.ApiKey);
        job.Run("Set-NordPayApiKey -Profile treasury -ApiKey $args[0] -BaseUri $args[1] -Confirm:$false", PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri);
        var underAnotherName = job.Run(Request + " -Profile treasury", Rows.Evm(1), "50");
        var found = job.Run("Get-NordPayPolicy -Profile treasury");
        job.Run("Set-NordPayApiKey -Profile ops -ApiKey $args[0] -BaseUri $args[1] -Confirm:$false", PowerShellSession.Secure("np_other_" + Guid.NewGuid().ToString("N")), sandbox.BaseUri);
        var asApiKey = job.Run(Request + " -Profile ops -ApiKey $args[2]", Rows.Evm(1), "50", PowerShellSession.Secure(sandbox.ApiKey));
        var posts = sandbox.State.PostsReceived;
        var batch = job.Run(Batch + " -Profile treasury", Bep20("5", "70"), NewJournal());
        var ledger = sandbox.State.Ledger;
        SetPolicy(job, "USDTBEP20 -MaxPerPayout 100 -MaxPerRun 100 -MaxPerDay 100 -Profile treasury");
        return new KeyUnderOtherNames(sandbox, policy, file, underAnotherName, found, asApiKey, posts, batch, ledger, job.Run(Request + " -Profile treasury", Rows.Evm(1), "50"));
    });

    [Fact]
    public void A_persisted_policy_knows_its_key_by_its_hint_alone()
    {
        var run = PolicyOfAKeyUnderOtherNames;
        Assert.Equal("..." + run.Sandbox.ApiKey[^4..], run.Policy.KeyHint);
        Assert.DoesNotContain(run.Sandbox.ApiKey, run.PoliciesFile);
    }

    [Fact]
    public void A_policy_binds_its_key_under_another_profile_name()
    {
        var run = PolicyOfAKeyUnderOtherNames;
        Assert.Equal("PolicyPayoutLimitExceeded", ErrorId(Assert.Single(run.UnderAnotherName.Errors)));
        Assert.Contains(run.Policy.Name, run.UnderAnotherName.Errors[0].ErrorDetails.Message);
        // Get-NordPayPolicy finds it as the payout did, so a job's profile does not look unlimited.
        Assert.Equal(run.Policy.Name, Assert.Single(run.FoundUnderIt.Objects<NordPayPolicy>()).Name);
    }

    [Fact]
    public void A_policy_binds_its_key_given_as_ApiKey()
    {
        var run = PolicyOfAKeyUnderOtherNames;
        Assert.Equal("PolicyPayoutLimitExceeded", ErrorId(Assert.Single(run.AsApiKey.Errors)));
        Assert.Equal(0, run.PostsBeforeTheBatch);
    }

    [Fact]
    public void The_summary_of_a_batch_under_another_profile_name_names_the_policy_of_its_key()
    {
        var run = PolicyOfAKeyUnderOtherNames;
        var summary = Assert.Single(run.Batch.Objects<NordPayPayoutSummary>());
        Assert.Equal((1, 1, run.Policy.Name), (summary.Paid, summary.Failed, summary.Policy));
        Assert.EndsWith("; policy " + run.Policy.Name, summary.ToString());
        Assert.Equal(new[] { 5m }, run.LedgerAfterTheBatch.Select(w => w.Amount));
    }

    // Two profiles' policies for one key: neither is chosen.
    [Fact]
    public void Two_profiles_policies_for_one_key_are_a_conflict_that_pays_nothing()
    {
        var run = PolicyOfAKeyUnderOtherNames;
        Assert.Equal("PolicyConflict", ErrorId(run.Conflict.TerminatingRecord!));
        Assert.Equal(1, run.Sandbox.Posts("withdraw/request"));
    }

    /// <summary>A row paid with no policy, then one under a policy: each run's summary and audit records.</summary>
    private sealed record BeforeAndUnderAPolicy(NordPayPolicy Policy, RunResult Unlimited, NordPayAuditRecord[] UnlimitedAudit, RunResult Limited,
        NordPayAuditRecord[] LimitedAudit);

    private BeforeAndUnderAPolicy PaidBeforeAndUnderAPolicy => runs.Of(nameof(BeforeAndUnderAPolicy), () =>
    {
        var ps = runs.Keep(PowerShellSession.For(runs.Keep(Sandboxes.Start())));
        NordPayAuditRecord[] Audit() => ps.Run("$audit").Output.Select(o => (NordPayAuditRecord)((InformationRecord)o.BaseObject).MessageData).ToArray();
        var unlimited = ps.Run(Batch, Bep20("5"), NewJournal());
        var unlimitedAudit = Audit();
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 100");
        var policy = Assert.Single(ps.Run("Get-NordPayPolicy").Objects<NordPayPolicy>());
        var limited = ps.Run(Batch, Bep20("6"), NewJournal());
        return new BeforeAndUnderAPolicy(policy, unlimited, unlimitedAudit, limited, Audit());
    });

    [Fact]
    public void The_summary_says_that_no_policy_applied_or_names_the_one_that_did()
    {
        var run = PaidBeforeAndUnderAPolicy;
        var unlimited = Assert.Single(run.Unlimited.Objects<NordPayPayoutSummary>());
        Assert.Equal((1, null), (unlimited.Paid, unlimited.Policy));
        Assert.EndsWith("; no policy", unlimited.ToString());
        Assert.EndsWith("; policy " + run.Policy.Name, Assert.Single(run.Limited.Objects<NordPayPayoutSummary>()).ToString());
    }

    [Fact]
    public void The_audit_records_say_that_no_policy_applied_or_name_the_one_that_did()
    {
        var run = PaidBeforeAndUnderAPolicy;
        Assert.EndsWith($"5 USDTBEP20 to {Rows.Evm(1)}; no policy", Assert.Single(run.UnlimitedAudit).ToString());
        Assert.EndsWith($"6 USDTBEP20 to {Rows.Evm(1)}; policy {run.Policy.Name}", Assert.Single(run.LimitedAudit).ToString());
    }

    /// <summary>A policy set without a day limit, then with one, then a loop of five one-row pipelines paying 9 each.</summary>
    private (SandboxServer Sandbox, RunResult WithoutADayLimit, RunResult WithADayLimit, RunResult Loop) LoopUnderADayLimit => runs.Of(nameof(LoopUnderADayLimit), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var without = ps.Run("Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -Confirm:$false");
        var with = ps.Run("Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 20 -Confirm:$false");
        return (sandbox, without, with,
            ps.Run("$address = $args[0]; 1..5 | ForEach-Object { New-NordPayWithdrawRequest USDTBEP20 $address 9 | Confirm-NordPayWithdraw -Force }", Rows.Evm(1)));
    });

    [Fact]
    public void Without_a_day_limit_Set_NordPayPolicy_warns_that_a_loop_of_pipelines_is_not_bounded()
    {
        var run = LoopUnderADayLimit;
        Assert.Contains("a loop of pipelines, such as 1..5 | ForEach-Object", Assert.Single(run.WithoutADayLimit.Warnings));
        Assert.Empty(run.WithADayLimit.Warnings);
    }

    [Fact]
    public void A_day_limit_bounds_a_loop_of_pipelines()
    {
        var run = LoopUnderADayLimit;
        Assert.Equal(18m, run.Sandbox.State.Ledger.Sum(w => w.Amount));
        Assert.All(run.Loop.Errors, e => Assert.Equal("PolicyDayLimitExceeded", ErrorId(e)));
    }

    /// <summary>
    /// 9 paid under the repeat guard, then 9.00 to the same address with -Force, 9 with -WhatIf (the POSTs by then), 9.5,
    /// and 9 with -AllowRepeat.
    /// </summary>
    private sealed record Repeats(SandboxServer Sandbox, Withdrawal Paid, int PostsAfterPaying, RunResult Forced, RunResult WhatIf, int PostsAfterRepeats,
        RunResult AnotherAmount, RunResult Allowed);

    private Repeats PaidThenRepeated => runs.Of(nameof(Repeats), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        SetRepeatGuard(ps);
        Assert.Empty(ps.Run(Pay, Rows.Evm(1), "9").Errors);
        var (paid, posts) = (Assert.Single(sandbox.State.Ledger), sandbox.State.PostsReceived);
        var forced = ps.Run(Pay, Rows.Evm(1), "9.00");
        var whatIf = ps.Run(Request + " -WhatIf", Rows.Evm(1), "9");
        var postsAfterRepeats = sandbox.State.PostsReceived;
        var anotherAmount = ps.Run(Pay, Rows.Evm(1), "9.5");
        return new Repeats(sandbox, paid, posts, forced, whatIf, postsAfterRepeats, anotherAmount,
            ps.Run(Request + " -AllowRepeat | Confirm-NordPayWithdraw -Force -AllowRepeat", Rows.Evm(1), "9"));
    });

    [Fact]
    public void The_same_payout_as_a_withdrawal_in_the_history_is_refused_whatever_Force_says()
    {
        var run = PaidThenRepeated;
        var refused = Assert.Single(run.Forced.Errors);
        Assert.Equal(("PolicyRepeatPayout", ErrorCategory.ResourceExists), (ErrorId(refused), refused.CategoryInfo.Category));
        Assert.Contains($"repeats withdrawal {run.Paid.Id} (", refused.ErrorDetails.Message);
        Assert.Equal(run.PostsAfterPaying, run.PostsAfterRepeats);
    }

    [Fact]
    public void The_same_payout_as_a_withdrawal_in_the_history_is_listed_by_WhatIf() =>
        Assert.Equal("PolicyRepeatPayout", ErrorId(Assert.Single(PaidThenRepeated.WhatIf.Errors)));

    [Fact]
    public void The_same_payout_as_a_withdrawal_in_the_history_is_paid_only_with_AllowRepeat()
    {
        var run = PaidThenRepeated;
        Assert.Empty(run.AnotherAmount.Errors); // another amount is no repeat
        Assert.Empty(run.Allowed.Errors);
        Assert.Equal(new[] { 9m, 9.5m, 9m }, run.Sandbox.State.Ledger.Select(w => w.Amount));
    }

    [Fact]
    public void Under_a_repeat_window_a_history_that_cannot_be_read_refuses_the_payout_with_nothing_sent()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        ps.Run(Pay, Rows.Evm(1), "9");
        SetRepeatGuard(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20"); // no day limit: the repeat guard alone reads the history
        sandbox.State.Faults.Add(FaultRule.Parse("path=balance/withdraws,lie=duplicate:items"));
        var posts = sandbox.State.PostsReceived;

        var twoStep = Assert.Single(ps.Run(Pay, Rows.Evm(2), "8").Errors);
        Assert.Equal("UnreadableResponse", ErrorId(twoStep));
        Assert.Contains("whether this USDTBEP20 payout repeats one is unknown and nothing was paid", twoStep.ErrorDetails.Message);
        var batch = ps.Run(Batch, Bep20("8"), NewJournal());
        Assert.Equal("UnreadableResponse", ErrorId(batch.Errors.Append(batch.TerminatingRecord).OfType<ErrorRecord>().First()));
        Assert.Equal(posts, sandbox.State.PostsReceived);
    }

    /// <summary>
    /// 9 paid under the repeat guard; a window of zero set, and 9 paid again; the window removed (the policy then), and 9
    /// then 11 paid; the window removed once more.
    /// </summary>
    private sealed record GuardTurnedOff(SandboxServer Sandbox, ErrorRecord Zero, RunResult RepeatAfterZero, RunResult Removed, NordPayPolicy PolicyAfter,
        RunResult RepeatAfterRemoving, RunResult OverTheLimit, RunResult RemovedAgain);

    private GuardTurnedOff RepeatGuardTurnedOff => runs.Of(nameof(GuardTurnedOff), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        SetRepeatGuard(ps);
        Assert.Empty(ps.Run(Pay, Rows.Evm(1), "9").Errors);
        var zero = ps.Run("Set-NordPayPolicy -RepeatWindow 0 -Confirm:$false").TerminatingRecord!;
        var repeatAfterZero = ps.Run(Pay, Rows.Evm(1), "9");
        var removed = ps.Run("Remove-NordPayPolicy -RepeatWindow -Confirm:$false");
        var policy = Assert.Single(ps.Run("Get-NordPayPolicy").Objects<NordPayPolicy>());
        var repeatAfterRemoving = ps.Run(Pay, Rows.Evm(1), "9");
        var overTheLimit = ps.Run(Pay, Rows.Evm(1), "11");
        return new GuardTurnedOff(sandbox, zero, repeatAfterZero, removed, policy, repeatAfterRemoving, overTheLimit,
            ps.Run("Remove-NordPayPolicy -RepeatWindow -Confirm:$false"));
    });

    [Fact]
    public void A_repeat_window_of_zero_is_refused_leaving_the_repeat_guard_on()
    {
        var run = RepeatGuardTurnedOff;
        Assert.Contains("Remove-NordPayPolicy -RepeatWindow", run.Zero.ErrorDetails.RecommendedAction);
        Assert.Equal("PolicyRepeatPayout", ErrorId(Assert.Single(run.RepeatAfterZero.Errors)));
    }

    [Fact]
    public void The_repeat_guard_alone_is_turned_off_by_Remove_NordPayPolicy_RepeatWindow()
    {
        var run = RepeatGuardTurnedOff;
        Assert.Empty(run.Removed.Errors);
        Assert.Equal((null, 10m), (run.PolicyAfter.RepeatWindowHours, run.PolicyAfter.LimitOf("USDTBEP20")!.MaxPerPayout));
        Assert.Empty(run.RepeatAfterRemoving.Errors);
        Assert.Equal("PolicyPayoutLimitExceeded", ErrorId(Assert.Single(run.OverTheLimit.Errors)));
        Assert.Equal(new[] { 9m, 9m }, run.Sandbox.State.Ledger.Select(w => w.Amount));
    }

    [Fact]
    public void Removing_a_repeat_window_there_is_not_is_PolicyNotFound() => Assert.Equal("PolicyNotFound", ErrorId(Assert.Single(RepeatGuardTurnedOff.RemovedAgain.Errors)));

    /// <summary>
    /// A file of two rows paid under the repeat guard, then run under a new journal (the requests sent by then), under its
    /// own journal, and under a new one with -AllowRepeat (that run's audit records of rows paid).
    /// </summary>
    private sealed record FilePaidAgain(RunResult Copy, int RequestsAfterCopy, RunResult OwnJournal, RunResult Allowed, List<NordPayAuditRecord> AllowedAudit);

    private FilePaidAgain FileRunAgain => runs.Of(nameof(FilePaidAgain), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        SetRepeatGuard(ps);
        var rows = Bep20("5", "6");
        var journal = NewJournal();
        Assert.Empty(ps.Run(Batch, rows, journal).Errors);
        var copy = ps.Run(Batch, rows, NewJournal());
        var requests = sandbox.Posts("withdraw/request");
        var own = ps.Run(Batch, rows, journal);
        var allowed = ps.Run(Batch + " -AllowRepeat", rows, NewJournal());
        var audit = ps.Run("$audit").Output.Select(o => (NordPayAuditRecord)((InformationRecord)o.BaseObject).MessageData).Where(a => a.Event == "Paid").ToList();
        return new FilePaidAgain(copy, requests, own, allowed, audit);
    });

    [Fact]
    public void A_file_paid_again_under_a_new_journal_is_refused_row_by_row()
    {
        var run = FileRunAgain;
        Assert.Equal(new[] { "PolicyRepeatPayout", "PolicyRepeatPayout" }, run.Copy.Errors.Select(ErrorId));
        Assert.Equal(2, run.RequestsAfterCopy);
    }

    [Fact]
    public void A_file_paid_again_under_its_own_journal_carries_on_under_the_repeat_guard() =>
        Assert.Equal(2, FileRunAgain.OwnJournal.Objects<NordPayPayoutSummary>().Single().AlreadyPaid);

    [Fact]
    public void A_file_paid_again_with_AllowRepeat_is_audited_as_such()
    {
        var run = FileRunAgain;
        Assert.Equal(2, Assert.Single(run.Allowed.Objects<NordPayPayoutSummary>()).Paid);
        Assert.Equal(2, run.AllowedAudit.Count);
        Assert.All(run.AllowedAudit, a => Assert.Contains("paid by -AllowRepeat", a.RepeatAllowed));
    }
}
