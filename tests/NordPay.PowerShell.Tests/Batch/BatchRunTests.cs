using NordPay.Api;
using NordPay.Batch;
using NordPay.Security;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>The journal entries a run writes around its rows' calls, on their own: no runspace, no sandbox, no call made.</summary>
public class BatchRunTests
{
    private static readonly PayoutRow Row = new(1, "A", false, "USDTBEP20", "0x1", 2.50m, null);

    // Never called: nothing here reaches the network.
    private static NordPayClient Client() =>
        new(new NordPayConnection(new Uri("http://127.0.0.1:9/"), PowerShellSession.Secure("np_key_abcdefghijkl")));

    private static IReadOnlyList<JournalEntry> Written(Action<BatchRun> run)
    {
        var path = Journals.New();
        using (var journal = Journal.Open(path, Redactor.None)) run(new BatchRun(Client(), journal));
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
    public void A_settlement_is_journaled_and_moves_the_row_on()
    {
        var record = new RowRecord("A") { State = PayoutState.InDoubt, Identifier = Guid.NewGuid() };
        var settled = Assert.Single(Written(run => run.Settle(record, NordPaySettlement.NotPaid, "by me")));
        Assert.Equal(NordPaySettlement.NotPaid, settled.Outcome);
        Assert.Equal(PayoutState.Planned, record.State);
        Assert.Null(record.Identifier);
    }
}
