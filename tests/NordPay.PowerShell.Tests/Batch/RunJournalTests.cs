using NordPay.Api;
using NordPay.Batch;
using NordPay.Security;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>The journal entries a run writes around its rows' calls, on their own: no runspace, no sandbox, no call made.</summary>
public class RunJournalTests
{
    private static readonly PayoutRow Row = new(1, "A", false, "USDTBEP20", "0x1", 2.50m, null);

    private static IReadOnlyList<JournalEntry> Written(Action<RunJournal> run)
    {
        var path = Journals.New();
        using (var journal = Journal.Open(path, Redactor.None)) run(new RunJournal(journal));
        return Journals.Read(path);
    }

    [Fact]
    public void A_started_run_is_journaled_from_its_start_to_its_end_under_one_run_id()
    {
        var entries = Written(run =>
        {
            run.Start(1, "by me");
            run.Finish("1 paid");
        });
        Assert.Equal(new[] { JournalEvent.RunStarted, JournalEvent.RunFinished }, entries.Select(e => e.Event));
        Assert.Equal("1 rows by me", entries[0].Message);
        Assert.Equal("1 paid", entries[1].Message);
        Assert.Equal(entries[0].Run, entries[1].Run);
    }

    [Fact]
    public void A_run_never_started_journals_no_end()
    {
        Assert.Empty(Written(run => run.Finish("nothing")));
    }

    [Fact]
    public void A_row_is_planned_with_its_amount_as_the_user_wrote_it()
    {
        var planned = Assert.Single(Written(run => run.Plan(Row, null)));
        Assert.Equal(JournalEvent.Planned, planned.Event);
        Assert.Equal(new[] { "A" }, planned.References);
        Assert.Equal("2.50", planned.Amount);
        Assert.Equal(1, planned.Row);
    }

    [Fact]
    public void A_row_an_earlier_run_planned_is_not_planned_again()
    {
        var earlier = RowRecord.Fold(new[] { new JournalEntry(JournalEvent.Planned, DateTimeOffset.UtcNow) { References = new[] { "A" }, Currency = "USDTBEP20", Address = "0x1", Amount = "2.5" } })["A"];
        Assert.Empty(Written(run => run.Plan(Row, earlier)));
    }

    [Fact]
    public void A_settlement_is_journaled_with_the_operators_decision()
    {
        var record = new RowRecord("A") { State = PayoutState.InDoubt, Identifier = Guid.NewGuid() };
        var settled = Assert.Single(Written(run => run.Settle(record, NordPaySettlement.NotPaid, "by me")));
        Assert.Equal(NordPaySettlement.NotPaid, settled.Outcome);
    }

    [Fact]
    public void A_row_settled_not_paid_is_planned_anew_without_its_old_request()
    {
        var record = new RowRecord("A") { State = PayoutState.InDoubt, Identifier = Guid.NewGuid() };
        Written(run => run.Settle(record, NordPaySettlement.NotPaid, "by me"));
        Assert.Equal((PayoutState.Planned, (Guid?)null), (record.State, record.Identifier));
    }

    private static readonly IReadOnlyDictionary<string, NordPayCurrency> Currencies =
        Preflight.Index(new[] { new NordPayCurrency("USDTBEP20", "USDT", "BEP20", 18, 1m, 1m, true, true) });

    private static readonly DateTimeOffset Now = new(2026, 11, 24, 6, 0, 0, TimeSpan.Zero);

    private static JournalEntry Planned(string reference) =>
        new(JournalEvent.Planned, Now) { References = new[] { reference }, Row = 1, Currency = "USDTBEP20", Address = Rows.Evm(1), Amount = "5" };

    // Rows A and B in doubt under one request; C and D lookalikes whose own requests expired long ago; E paid nothing.
    private static BatchPlan InDoubt()
    {
        var one = Guid.NewGuid();
        var entries = new[] { "A", "B", "C", "D", "E" }.Select(Planned).Concat(new[]
        {
            new JournalEntry(JournalEvent.Requested, Now) { References = new[] { "A", "B" }, Identifier = one, Multiple = true, ExpiresAt = Now.AddMinutes(15) },
            new JournalEntry(JournalEvent.InDoubt, Now) { References = new[] { "A", "B" }, Identifier = one, Multiple = true },
            new JournalEntry(JournalEvent.Requested, Now.AddHours(-2)) { References = new[] { "C" }, Identifier = Guid.NewGuid(), ExpiresAt = Now.AddHours(-1) },
            new JournalEntry(JournalEvent.InDoubt, Now.AddHours(-2)) { References = new[] { "C" } },
            new JournalEntry(JournalEvent.Requested, Now.AddHours(-2)) { References = new[] { "D" }, Identifier = Guid.NewGuid(), ExpiresAt = Now.AddHours(-1) },
            new JournalEntry(JournalEvent.InDoubt, Now.AddHours(-2)) { References = new[] { "D" } },
            new JournalEntry(JournalEvent.Confirmed, Now) { References = new[] { "E" }, WithdrawalId = 9, Status = "cancelled" },
        }).ToArray();
        var intake = new RowIntake();
        var plan = new BatchPlan(RowRecord.Fold(entries), Currencies, new Dictionary<string, decimal> { ["USDTBEP20"] = 100m }, intake);
        foreach (var (reference, row) in new[] { "A", "B", "C", "D", "E" }.Select((r, i) => (r, i + 1)))
            plan.Add(intake.Identify(row, reference, "USDTBEP20", Rows.Evm(1), 5m));
        return plan;
    }

    [Fact]
    public void Rows_in_doubt_under_one_request_are_looked_up_together()
    {
        var groups = RunJournal.InDoubtGroups(InDoubt(), Now);
        var together = Assert.Single(groups, g => g.Rows.Any(r => r.Row.Reference == "A"));
        Assert.Equal(new[] { "A", "B" }, together.Rows.Select(r => r.Row.Reference));
        Assert.False(together.Expired);
    }

    [Fact]
    public void Lookalikes_whose_requests_expired_are_looked_up_together_as_expired()
    {
        var groups = RunJournal.InDoubtGroups(InDoubt(), Now);
        var lookalikes = Assert.Single(groups, g => g.Rows.Any(r => r.Row.Reference == "C"));
        Assert.Equal(new[] { "C", "D" }, lookalikes.Rows.Select(r => r.Row.Reference));
        Assert.True(lookalikes.Expired);
    }

    [Fact]
    public void A_row_whose_withdrawal_paid_nothing_is_not_looked_up_again()
    {
        Assert.DoesNotContain(RunJournal.InDoubtGroups(InDoubt(), Now).SelectMany(g => g.Rows), r => r.Row.Reference == "E");
    }

    [Fact]
    public void A_row_the_operator_does_not_approve_is_not_settled()
    {
        var plan = InDoubt();
        var reported = new List<SettledRow>();
        var entries = Written(run => Assert.Empty(run.Settle(plan, new HashSet<string> { "A" }, NordPaySettlement.NotPaid, "by me", _ => false, reported.Add)));
        Assert.Empty(entries);
        Assert.Empty(reported);
    }

    // Settles one row of the plan's rows in doubt as not paid, approving it; what was journaled, returned and reported.
    private static (IReadOnlyList<JournalEntry> Entries, HashSet<string> Settled, List<SettledRow> Reported) SettleNotPaid(BatchPlan plan, string reference)
    {
        var reported = new List<SettledRow>();
        HashSet<string> settled = null!;
        var entries = Written(run => settled = run.Settle(plan, new HashSet<string> { reference }, NordPaySettlement.NotPaid, "by me", _ => true, reported.Add));
        return (entries, settled, reported);
    }

    [Fact]
    public void A_row_settled_not_paid_is_journaled_so()
    {
        var (entries, settled, _) = SettleNotPaid(InDoubt(), "C");
        Assert.Equal(new[] { "C" }, settled);
        Assert.Equal(NordPaySettlement.NotPaid, Assert.Single(entries).Outcome);
    }

    [Fact]
    public void A_row_settled_not_paid_is_paid_by_this_run()
    {
        var plan = InDoubt();
        var settled = Assert.Single(SettleNotPaid(plan, "C").Reported);
        Assert.False(settled.ProvedPaid);
        Assert.Null(settled.Problem);
        Assert.Equal(1, plan.ToPay);
    }

    [Fact]
    public void A_row_the_history_proved_paid_is_not_settled()
    {
        var plan = InDoubt();
        plan.InDoubt.Single(r => r.Row.Reference == "A").Record.State = PayoutState.Confirmed;
        var (entries, settled, _) = SettleNotPaid(plan, "A");
        Assert.Empty(settled);
        Assert.Empty(entries);
    }

    [Fact]
    public void A_row_the_history_proved_paid_is_reported_as_proved_paid()
    {
        var plan = InDoubt();
        plan.InDoubt.Single(r => r.Row.Reference == "A").Record.State = PayoutState.Confirmed;
        Assert.True(Assert.Single(SettleNotPaid(plan, "A").Reported).ProvedPaid);
    }
}
