using System.Management.Automation;
using NordPay.Api;
using NordPay.Sandbox;
using NordPay.Tests.Api;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Operations;

/// <summary>
/// Compare-NordPayJournal against the sandbox's history: a withdrawal made outside the module, a payout made twice, one
/// the admin cancelled, a row in doubt with its candidates beside it, a row settled as paid that was never paid; the
/// journals are never written.
/// </summary>
public class CompareJournalTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    private static async Task PayOutside(NordPayClient client, string address, decimal amount)
    {
        var request = await client.RequestWithdrawAsync("USDTBEP20", address, amount, CancellationToken.None);
        await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
    }

    [Fact]
    public async Task Every_kind_of_discrepancy_is_found_by_the_claiming_rules_of_a_run()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        var rows = Enumerable.Range(1, 5).Select(i => Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), $"{i}.5")).ToArray();
        // R4's confirm is paid but its answer is lost while the history cannot be read: in doubt. R5's never reaches
        // NordPay: in doubt too, with nothing in the history.
        // (The first rule that applies takes a confirm: the third rule counts the confirms the first left, so its 4th is R5's.)
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Every = 4, Times = 1 });
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "balance/withdraws", Status = 503, Times = 4 });
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.BeforeProcessing, Every = 4, Times = 1 });
        var first = ps.Run(Pay, rows, journal);
        Assert.Equal(new[] { "R4", "R5" }, first.Errors.Select(e => (string)((PSObject)e.TargetObject).Properties["PayoutId"].Value));
        Assert.Equal(4, sandbox.State.Ledger.Count);
        sandbox.State.Faults.Clear();

        var ledger = sandbox.State.Ledger;
        long Paid(int row) => ledger.Single(w => w.Address == Rows.Evm(row)).Id;
        // Then, outside the module: a payout to a wallet no row pays, R2 paid a second time, and R4 paid by hand in
        // the panel since it was in doubt. The admin cancels R1's withdrawal.
        var outside = Clients.For(sandbox);
        await PayOutside(outside, Rows.Evm(9), 7m);
        await PayOutside(outside, Rows.Evm(2), 2.5m);
        await PayOutside(outside, Rows.Evm(4), 4.5m);
        sandbox.State.SetStatus(Paid(1), "cancelled");
        // The operator settles R5 as paid, wrongly: the history has no payout of R5.
        Assert.DoesNotContain(ps.Run(Pay + " -SettleInDoubt Paid -SettleReference R5", rows, journal).Objects<NordPayPayoutResult>(), r => r.State == "Paid");
        var before = File.ReadAllBytes(journal);

        var found = ps.Run("Compare-NordPayJournal -Path $args[0]", journal);
        Assert.Empty(found.Errors);
        var discrepancies = found.Objects<NordPayJournalDiscrepancy>().ToList();
        Assert.Equal(File.ReadAllBytes(journal), before);

        var cancelled = Assert.Single(discrepancies, d => d.Kind == NordPayDiscrepancyKind.Cancelled);
        Assert.Equal(("R1", Paid(1), "cancelled"), (cancelled.Reference, cancelled.WithdrawalId!.Value, cancelled.WithdrawalStatus));

        var doubt = Assert.Single(discrepancies, d => d.Kind == NordPayDiscrepancyKind.InDoubt);
        Assert.Equal(("R4", 4), (doubt.Reference, doubt.Row!.Value));
        Assert.Equal(ledger.Where(w => w.Address == Rows.Evm(4)).Select(w => w.Id).Append(sandbox.State.Ledger.Last().Id).OrderBy(i => i),
            doubt.Candidates.Select(c => c.Id).OrderBy(i => i));
        Assert.Contains("2 withdrawals", doubt.Message);
        Assert.Contains("-SettleReference R4", doubt.Message);

        var missing = Assert.Single(discrepancies, d => d.Kind == NordPayDiscrepancyKind.Missing);
        Assert.Equal(("R5", (long?)null), (missing.Reference, missing.WithdrawalId));
        Assert.Empty(missing.Candidates);

        var unclaimed = discrepancies.Where(d => d.Kind == NordPayDiscrepancyKind.Unclaimed).OrderBy(d => d.WithdrawalId).ToList();
        Assert.Equal(2, unclaimed.Count);
        Assert.Equal((Rows.Evm(9), 7m, (string?)null), (unclaimed[0].Address, unclaimed[0].Amount!.Value, unclaimed[0].Reference));
        Assert.Contains("paid outside the module?", unclaimed[0].Message);
        Assert.Equal((Rows.Evm(2), "R2"), (unclaimed[1].Address, unclaimed[1].Reference));
        Assert.Contains($"paid as withdrawal {Paid(2)}: paid twice?", unclaimed[1].Message);
        Assert.Equal(5, discrepancies.Count);
    }

    /// <summary>Two batches, each with its own journal, paying the same wallet the same amount under the same reference.</summary>
    private (SandboxServer Sandbox, PowerShellSession Session, string Folder, string Monday) SameRowInTwoJournals => runs.Of(nameof(SameRowInTwoJournals), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var folder = Journals.NewFolder();
        var monday = Path.Combine(folder, "monday.journal");
        var tuesday = Path.Combine(folder, "tuesday.journal");
        // Two batches paying the same wallet the same amount, each with its own reference R1: each journal claims its own withdrawal.
        var row = new[] { Rows.Referenced("R1", "USDTBEP20", Rows.Evm(1), "5") };
        Assert.Empty(ps.Run(Pay, row, monday).Errors);
        Assert.Empty(ps.Run(Pay + " -UseMultipleWithdraw", row, tuesday).Errors);
        Assert.Equal(2, sandbox.State.Ledger.Count);
        return (sandbox, ps, folder, monday);
    });

    [Fact]
    public void Journals_compared_together_that_agree_with_the_history_give_nothing()
    {
        var (_, ps, folder, _) = SameRowInTwoJournals;
        Assert.Empty(ps.Run("Compare-NordPayJournal ($args[0] + '/*.journal')", folder).Output);
    }

    // Monday's journal alone: Tuesday's withdrawal is a second payout of the same row, claimed by no journal given.
    [Fact]
    public void A_journal_compared_alone_leaves_the_other_journals_withdrawal_unclaimed()
    {
        var (sandbox, ps, _, monday) = SameRowInTwoJournals;
        var alone = Assert.Single(ps.Run("Compare-NordPayJournal $args[0]", monday).Objects<NordPayJournalDiscrepancy>());
        Assert.Equal((NordPayDiscrepancyKind.Unclaimed, "R1", sandbox.State.Ledger[1].Id), (alone.Kind, alone.Reference, alone.WithdrawalId!.Value));
    }
}
