using System.Management.Automation;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;
using static NordPay.Tests.Commands.PolicyTests;

namespace NordPay.Tests.Batch;

/// <summary>
/// Invoke-NordPayPayout under a policy: a row over a limit or outside the book is left out with its own error; a run or
/// day total over a limit stops the batch with nothing sent; the summary and audit records name the policy.
/// </summary>
public class PolicyBatchTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    private static string NewJournal() => Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"), "batch.journal");

    private static PSObject[] Bep20(params string[] amounts) => amounts.Select((a, i) => Rows.Payout("USDTBEP20", Rows.Evm(i + 1), a)).ToArray();

    private static List<string> Problems(RunResult result) => result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();

    [Fact]
    public void WhatIf_over_an_unreadable_journal_stops_on_it_before_the_policy_is_applied()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 100");
        var journal = NewJournal();
        Directory.CreateDirectory(Path.GetDirectoryName(journal)!);
        File.WriteAllText(journal, "garbage\n{}\n");

        var whatIf = ps.Run(Pay + " -WhatIf -Verbose", Bep20("5"), journal);
        Assert.Equal("JournalCorrupt", whatIf.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        // As before the run moved into BatchRun: the journal is read first, so no policy line precedes its error.
        Assert.DoesNotContain(whatIf.Verbose, v => v.StartsWith("Policy ", StringComparison.Ordinal));
        Assert.Equal(0, sandbox.State.PostsReceived);
    }

    /// <summary>
    /// Five rows under a policy with a payout limit and an address book: one over the limit, one outside the book, one in a
    /// currency it does not allow. Run with -WhatIf (the POSTs it sent, its lines), then paid, the audit records kept.
    /// </summary>
    private sealed record LeftOut(SandboxServer Sandbox, NordPayPolicy Policy, RunResult WhatIf, int PostsAfterWhatIf, List<string> WhatIfLines,
        RunResult Paid, List<NordPayAuditRecord> Audit);

    private static readonly (int, string, string)[] ThreeRefused =
        { (2, "PolicyPayoutLimitExceeded", "Amount"), (3, "PolicyAddressNotInBook", "Address"), (4, "PolicyCurrencyNotAllowed", "Currency") };

    private LeftOut RowsLeftOut => runs.Of(nameof(LeftOut), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 100");
        SetPolicy(ps, "-AddressBook $args[0]", WriteBook(("USDTBEP20", Rows.Evm(1)), ("USDTBEP20", Rows.Evm(2)), ("USDTBEP20", Rows.Evm(3))));
        var policy = Assert.Single(ps.Run("Get-NordPayPolicy").Objects<NordPayPolicy>());
        var rows = new[]
        {
            Rows.Payout("USDTBEP20", Rows.Evm(1), "5"), Rows.Payout("USDTBEP20", Rows.Evm(2), "11"), Rows.Payout("USDTBEP20", Rows.Evm(9), "5"),
            Rows.Payout("USDTTRC20", Rows.Tron(4), "30"), Rows.Payout("USDTBEP20", Rows.Evm(3), "10"),
        };
        var whatIf = ps.Run(Pay + " -WhatIf", rows, NewJournal());
        var (posts, whatIfLines) = (sandbox.State.PostsReceived, ps.UI.WhatIfLines.ToList());
        var paid = ps.Run(Pay + " -InformationVariable audit", rows, NewJournal());
        var audit = ps.Run("$audit").Output.Select(o => (InformationRecord)o.BaseObject).Select(i => (NordPayAuditRecord)i.MessageData).ToList();
        return new LeftOut(sandbox, policy, whatIf, posts, whatIfLines, paid, audit);
    });

    [Fact]
    public void WhatIf_leaves_out_the_rows_over_a_limit_or_outside_the_book_with_nothing_sent()
    {
        var run = RowsLeftOut;
        Assert.Equal(ThreeRefused, Refusals(run.WhatIf));
        Assert.Contains($"2 payouts to 2 addresses: 15 USDTBEP20 (balance ", run.WhatIfLines.First());
        Assert.Contains($"; policy {run.Policy.Name}; journal ", run.WhatIfLines.First());
        Assert.Equal(0, run.PostsAfterWhatIf);
    }

    [Fact]
    public void Rows_over_a_limit_or_outside_the_book_are_left_out()
    {
        var run = RowsLeftOut;
        Assert.Equal(ThreeRefused, Refusals(run.Paid));
        // Each refused row comes back whole (from the spill file), for a retry file.
        Assert.Equal(new[] { Rows.Evm(2), Rows.Evm(9), Rows.Tron(4) }, run.Paid.Errors.Select(e => (string)((PSObject)e.TargetObject).Properties["Address"].Value));
        Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(3) }, run.Sandbox.State.Ledger.Select(w => w.Address));
        Assert.Equal(2, run.Sandbox.Posts("withdraw/request"));
    }

    [Fact]
    public void The_summary_of_a_run_under_a_policy_names_it()
    {
        var run = RowsLeftOut;
        var summary = Assert.Single(run.Paid.Objects<NordPayPayoutSummary>());
        Assert.Equal((2, 3, false, run.Policy.Name), (summary.Paid, summary.Failed, summary.Complete, summary.Policy));
    }

    [Fact]
    public void The_audit_records_of_a_run_under_a_policy_name_it()
    {
        var run = RowsLeftOut;
        Assert.Equal(2, run.Audit.Count);
        Assert.All(run.Audit, a => Assert.Equal(run.Policy.Name, a.Policy));
    }

    /// <summary>
    /// Four rows totalling 24 under a run limit of 20, run with -WhatIf then without (the POSTs after each), then paid
    /// under a run limit of 24.
    /// </summary>
    private sealed record OverTheRunLimit(SandboxServer Sandbox, Dictionary<string, (RunResult Result, int Posts)> Refused, List<string> WhatIfLines,
        RunResult WithinTheLimit);

    private OverTheRunLimit RunOverItsLimit => runs.Of(nameof(OverTheRunLimit), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20");
        var rows = Bep20("8", "8", "8", "12");
        var journal = NewJournal();
        var refused = new Dictionary<string, (RunResult, int)>();
        foreach (var flags in new[] { " -WhatIf", string.Empty })
            refused[flags] = (ps.Run(Pay + flags, rows, journal), sandbox.State.PostsReceived);
        var whatIfLines = ps.UI.WhatIfLines.ToList();
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 10 -MaxPerRun 24");
        return new OverTheRunLimit(sandbox, refused, whatIfLines, ps.Run(Pay, rows, journal));
    });

    [Theory]
    [InlineData(" -WhatIf")]
    [InlineData("")]
    public void A_run_over_its_limit_stops_before_anything_is_sent_even_with_WhatIf_or_Force(string flags)
    {
        var (result, posts) = RunOverItsLimit.Refused[flags];
        Assert.Equal("PreflightFailed", result.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(new[] { "PolicyPayoutLimitExceeded", "PolicyRunLimitExceeded" }, Problems(result));
        Assert.StartsWith("The 3 rows to pay in USDTBEP20 total 24, more than the 20 policy ", result.Errors[1].ErrorDetails.Message);
        Assert.Equal(ErrorCategory.LimitsExceeded, result.Errors[1].CategoryInfo.Category);
        Assert.Equal(0, posts);
    }

    [Fact]
    public void WhatIf_shows_no_plan_of_a_run_over_its_limit() => Assert.Empty(RunOverItsLimit.WhatIfLines);

    // Within the limit, the same batch pays; the row over the per-payout limit stays out.
    [Fact]
    public void The_batch_within_its_run_limit_pays_all_but_the_row_over_the_payout_limit()
    {
        var run = RunOverItsLimit;
        Assert.Equal(new[] { "PolicyPayoutLimitExceeded" }, Problems(run.WithinTheLimit));
        Assert.Equal(3, run.Sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_days_earlier_payouts_by_any_cmdlet_count_so_yesterdays_file_under_a_new_name_is_stopped()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 20 -MaxPerRun 20 -MaxPerDay 30");
        Assert.Empty(ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", (object)Bep20("15")).Errors);

        var file = Bep20("10", "5");
        Assert.Empty(ps.Run(Pay, file, NewJournal()).Errors);
        var posts = sandbox.State.PostsReceived;

        var again = ps.Run(Pay, file, NewJournal());
        Assert.Equal("PreflightFailed", again.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(new[] { "PolicyDayLimitExceeded" }, Problems(again));
        Assert.Contains("total 15; with the 30 USDTBEP20 of 3 withdrawal(s) NordPay's history shows on ", again.Errors[0].ErrorDetails.Message);
        Assert.Equal(posts, sandbox.State.PostsReceived);
        Assert.Equal(3, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void Rows_settled_as_not_paid_are_checked_with_the_batch_before_they_are_paid()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Bep20("8", "8", "8", "8");
        var journal = NewJournal();
        // The 2nd and 4th confirms get a 502: their outcome is unknown, and the history does not show them.
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 502, Every = 2, Times = 2 });
        Assert.Equal(new[] { "PayoutInDoubt", "PayoutInDoubt" }, Problems(ps.Run(Pay, rows, journal)));
        Assert.Equal(2, sandbox.State.Ledger.Count);
        var confirms = sandbox.Posts("withdraw/confirm");

        SetPolicy(ps, "USDTBEP20 -MaxPerPayout 8 -MaxPerRun 10");
        var settled = ps.Run(Pay + " -SettleInDoubt NotPaid", rows, journal);
        Assert.Equal("PreflightFailed", settled.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(new[] { "PolicyRunLimitExceeded" }, Problems(settled));
        Assert.StartsWith("The 2 rows to pay in USDTBEP20 total 16", settled.Errors[0].ErrorDetails.Message);
        Assert.Equal(confirms, sandbox.Posts("withdraw/confirm"));
        Assert.Equal(2, sandbox.State.Ledger.Count);
    }
}
