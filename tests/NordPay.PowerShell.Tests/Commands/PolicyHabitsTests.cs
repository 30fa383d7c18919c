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
public class PolicyHabitsTests
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

    [Fact]
    public void A_policy_binds_its_key_under_another_profile_name_and_as_ApiKey_and_the_summary_names_it()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 100 -Scope CurrentUser");
        var policy = Assert.Single(ps.Run("Get-NordPayPolicy").Objects<NordPayPolicy>());
        Assert.Equal("..." + sandbox.ApiKey[^4..], policy.KeyHint);
        Assert.DoesNotContain(sandbox.ApiKey, File.ReadAllText(Path.Combine(ps.Store.Directory, "policies.json")));

        using var job = PowerShellSession.Interactive(ps.Store);
        job.Guard(sandbox.ApiKey);
        job.Run("Set-NordPayApiKey -Profile treasury -ApiKey $args[0] -BaseUri $args[1] -Confirm:$false", PowerShellSession.Secure(sandbox.ApiKey), sandbox.BaseUri);
        var underAnotherName = job.Run(Request + " -Profile treasury", Rows.Evm(1), "50");
        Assert.Equal("PolicyPayoutLimitExceeded", ErrorId(Assert.Single(underAnotherName.Errors)));
        Assert.Contains(policy.Name, underAnotherName.Errors[0].ErrorDetails.Message);
        // Get-NordPayPolicy finds it as the payout did, so a job's profile does not look unlimited.
        Assert.Equal(policy.Name, Assert.Single(job.Run("Get-NordPayPolicy -Profile treasury").Objects<NordPayPolicy>()).Name);

        job.Run("Set-NordPayApiKey -Profile ops -ApiKey $args[0] -BaseUri $args[1] -Confirm:$false", PowerShellSession.Secure("np_other_" + Guid.NewGuid().ToString("N")), sandbox.BaseUri);
        var asApiKey = job.Run(Request + " -Profile ops -ApiKey $args[2]", Rows.Evm(1), "50", PowerShellSession.Secure(sandbox.ApiKey));
        Assert.Equal("PolicyPayoutLimitExceeded", ErrorId(Assert.Single(asApiKey.Errors)));
        Assert.Equal(0, sandbox.State.PostsReceived);

        var batch = job.Run(Batch + " -Profile treasury", Bep20("5", "70"), NewJournal());
        var summary = Assert.Single(batch.Objects<NordPayPayoutSummary>());
        Assert.Equal((1, 1, policy.Name), (summary.Paid, summary.Failed, summary.Policy));
        Assert.EndsWith("; policy " + policy.Name, summary.ToString());
        Assert.Equal(new[] { 5m }, sandbox.State.Ledger.Select(w => w.Amount));

        // Two profiles' policies for one key: neither is chosen.
        SetPolicy(job, "USDTBEP20 -MaxPerPayout 100 -MaxPerRun 100 -MaxPerDay 100 -Profile treasury");
        Assert.Equal("PolicyConflict", ErrorId(job.Run(Request + " -Profile treasury", Rows.Evm(1), "50").TerminatingRecord!));
        Assert.Equal(1, sandbox.Posts("withdraw/request"));
    }

    [Fact]
    public void The_summary_and_the_audit_records_say_that_no_policy_applied_or_name_the_one_that_did()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        NordPayAuditRecord[] Audit() => ps.Run("$audit").Output.Select(o => (NordPayAuditRecord)((InformationRecord)o.BaseObject).MessageData).ToArray();

        var unlimited = Assert.Single(ps.Run(Batch, Bep20("5"), NewJournal()).Objects<NordPayPayoutSummary>());
        Assert.Equal((1, null), (unlimited.Paid, unlimited.Policy));
        Assert.EndsWith("; no policy", unlimited.ToString());
        Assert.EndsWith($"5 USDTBEP20 to {Rows.Evm(1)}; no policy", Assert.Single(Audit()).ToString());

        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 100");
        var policy = Assert.Single(ps.Run("Get-NordPayPolicy").Objects<NordPayPolicy>());
        Assert.EndsWith("; policy " + policy.Name, Assert.Single(ps.Run(Batch, Bep20("6"), NewJournal()).Objects<NordPayPayoutSummary>()).ToString());
        Assert.EndsWith($"6 USDTBEP20 to {Rows.Evm(1)}; policy {policy.Name}", Assert.Single(Audit()).ToString());
    }

    [Fact]
    public void Without_a_day_limit_Set_NordPayPolicy_warns_that_a_loop_of_pipelines_is_not_bounded_and_a_day_limit_bounds_it()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var warned = ps.Run("Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -Confirm:$false");
        Assert.Contains("a loop of pipelines, such as 1..5 | ForEach-Object", Assert.Single(warned.Warnings));
        Assert.Empty(ps.Run("Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 20 -Confirm:$false").Warnings);

        var loop = ps.Run("$address = $args[0]; 1..5 | ForEach-Object { New-NordPayWithdrawRequest USDTBEP20 $address 9 | Confirm-NordPayWithdraw -Force }", Rows.Evm(1));
        Assert.Equal(18m, sandbox.State.Ledger.Sum(w => w.Amount));
        Assert.All(loop.Errors, e => Assert.Equal("PolicyDayLimitExceeded", ErrorId(e)));
    }

    [Fact]
    public void The_same_payout_as_a_withdrawal_in_the_history_is_refused_whatever_Force_says_listed_by_WhatIf_and_paid_only_with_AllowRepeat()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetRepeatGuard(ps);
        Assert.Empty(ps.Run(Pay, Rows.Evm(1), "9").Errors);
        var paid = Assert.Single(sandbox.State.Ledger);
        var posts = sandbox.State.PostsReceived;

        var repeat = ps.Run(Pay, Rows.Evm(1), "9.00");
        var refused = Assert.Single(repeat.Errors);
        Assert.Equal(("PolicyRepeatPayout", ErrorCategory.ResourceExists), (ErrorId(refused), refused.CategoryInfo.Category));
        Assert.Contains($"repeats withdrawal {paid.Id} (", refused.ErrorDetails.Message);
        Assert.Equal("PolicyRepeatPayout", ErrorId(Assert.Single(ps.Run(Request + " -WhatIf", Rows.Evm(1), "9").Errors)));
        Assert.Equal(posts, sandbox.State.PostsReceived);

        Assert.Empty(ps.Run(Pay, Rows.Evm(1), "9.5").Errors); // another amount is no repeat
        Assert.Empty(ps.Run(Request + " -AllowRepeat | Confirm-NordPayWithdraw -Force -AllowRepeat", Rows.Evm(1), "9").Errors);
        Assert.Equal(new[] { 9m, 9.5m, 9m }, sandbox.State.Ledger.Select(w => w.Amount));
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

    [Fact]
    public void The_repeat_guard_alone_is_turned_off_by_Remove_NordPayPolicy_RepeatWindow_and_not_by_a_window_of_zero()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetRepeatGuard(ps);
        Assert.Empty(ps.Run(Pay, Rows.Evm(1), "9").Errors);

        var zero = ps.Run("Set-NordPayPolicy -RepeatWindow 0 -Confirm:$false").TerminatingRecord!;
        Assert.Contains("Remove-NordPayPolicy -RepeatWindow", zero.ErrorDetails.RecommendedAction);
        Assert.Equal("PolicyRepeatPayout", ErrorId(Assert.Single(ps.Run(Pay, Rows.Evm(1), "9").Errors)));

        Assert.Empty(ps.Run("Remove-NordPayPolicy -RepeatWindow -Confirm:$false").Errors);
        var policy = Assert.Single(ps.Run("Get-NordPayPolicy").Objects<NordPayPolicy>());
        Assert.Equal((null, 10m), (policy.RepeatWindowHours, policy.LimitOf("USDTBEP20")!.MaxPerPayout));
        Assert.Empty(ps.Run(Pay, Rows.Evm(1), "9").Errors);
        Assert.Equal("PolicyPayoutLimitExceeded", ErrorId(Assert.Single(ps.Run(Pay, Rows.Evm(1), "11").Errors)));
        Assert.Equal(new[] { 9m, 9m }, sandbox.State.Ledger.Select(w => w.Amount));
        Assert.Equal("PolicyNotFound", ErrorId(Assert.Single(ps.Run("Remove-NordPayPolicy -RepeatWindow -Confirm:$false").Errors)));
    }

    [Fact]
    public void A_file_paid_again_under_a_new_journal_is_refused_row_by_row_but_its_own_journal_carries_on_and_AllowRepeat_is_audited()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetRepeatGuard(ps);
        var rows = Bep20("5", "6");
        var journal = NewJournal();
        Assert.Empty(ps.Run(Batch, rows, journal).Errors);

        var copy = ps.Run(Batch, rows, NewJournal());
        Assert.Equal(new[] { "PolicyRepeatPayout", "PolicyRepeatPayout" }, copy.Errors.Select(ErrorId));
        Assert.Equal(2, sandbox.Posts("withdraw/request"));
        Assert.Equal(2, ps.Run(Batch, rows, journal).Objects<NordPayPayoutSummary>().Single().AlreadyPaid);

        var allowed = ps.Run(Batch + " -AllowRepeat", rows, NewJournal());
        Assert.Equal(2, Assert.Single(allowed.Objects<NordPayPayoutSummary>()).Paid);
        var audit = ps.Run("$audit").Output.Select(o => (NordPayAuditRecord)((InformationRecord)o.BaseObject).MessageData).Where(a => a.Event == "Paid").ToList();
        Assert.Equal(2, audit.Count);
        Assert.All(audit, a => Assert.Contains("paid by -AllowRepeat", a.RepeatAllowed));
    }
}
