using NordPay.Batch;
using NordPay.Core;
using NordPay.Models;
using NordPay.Security;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>
/// The exactly-once protocol as <see cref="BatchRun"/> drives it, against NordPay in memory (<see cref="FakeNordPay"/>):
/// no runspace, no server. Each run is a process of its own calling the same NordPay with the same journal.
/// </summary>
public class BatchProtocolTests
{
    private static (string Reference, string Address, decimal Amount)[] Payouts(int count, int first = 0) =>
        Enumerable.Range(first, count).Select(i => ($"P{i}", Rows.Evm(i), 1.5m + i / 100m)).ToArray();

    private static IEnumerable<JournalEvent> EventsOf(string journal, string reference) =>
        Journals.Read(journal).Where(e => e.References?.Contains(reference) == true).Select(e => e.Event);

    [Fact]
    public void Every_row_of_a_clean_batch_is_paid()
    {
        var nordPay = new FakeNordPay();
        var host = BatchRuns.Run(nordPay, Journals.New(), Payouts(5));
        Assert.Equal(Payouts(5).Select(p => p.Reference), host.Paid.OrderBy(r => r));
    }

    [Fact]
    public void A_clean_batch_creates_one_withdrawal_per_row()
    {
        var nordPay = new FakeNordPay();
        BatchRuns.Run(nordPay, Journals.New(), Payouts(5));
        Assert.Equal(Payouts(5).Select(p => p.Address).Order(), nordPay.Ledger.Select(w => w.Address).Order());
    }

    [Fact]
    public void A_row_is_journaled_step_by_step_from_its_plan_to_its_withdrawal()
    {
        var journal = Journals.New();
        BatchRuns.Run(new FakeNordPay(), journal, Payouts(1));
        Assert.Equal(new[] { JournalEvent.Planned, JournalEvent.Requested, JournalEvent.ConfirmSending, JournalEvent.ConfirmSent, JournalEvent.Confirmed },
            EventsOf(journal, "P0"));
    }

    [Fact]
    public void A_confirm_is_on_disk_as_sent_before_NordPay_receives_it()
    {
        var journal = Journals.New();
        var seen = new List<JournalEvent>();
        var nordPay = new FakeNordPay { OnConfirm = _ => seen.AddRange(EventsOf(journal, "P0")) };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        Assert.Equal(JournalEvent.ConfirmSent, seen.Last());
    }

    [Fact]
    public void A_run_paying_rows_is_journaled_from_its_start_to_its_end()
    {
        var journal = Journals.New();
        BatchRuns.Run(new FakeNordPay(), journal, Payouts(2));
        var run = Journals.Read(journal).Where(e => e.Run != null).Select(e => e.Event);
        Assert.Equal(new[] { JournalEvent.RunStarted, JournalEvent.RunFinished }, run);
    }

    [Fact]
    public void A_rerun_with_the_same_journal_sends_nothing_for_rows_paid()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay();
        BatchRuns.Run(nordPay, journal, Payouts(3));
        var again = nordPay.NextProcess();
        BatchRuns.Run(again, journal, Payouts(3));
        Assert.Equal((3, 3), (again.RequestsMade, again.ConfirmsReceived));
    }

    [Fact]
    public void A_rerun_reports_each_row_paid_by_an_earlier_run_as_already_paid()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay();
        BatchRuns.Run(nordPay, journal, Payouts(3));
        Assert.Equal(new[] { "P0", "P1", "P2" }, BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(3)).AlreadyPaid);
    }

    [Fact]
    public void A_confirm_whose_answer_is_lost_leaves_its_row_in_doubt()
    {
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostAfterPaying } };
        Assert.Equal(new[] { "P0" }, BatchRuns.Run(nordPay, Journals.New(), Payouts(1)).InDoubt);
    }

    [Fact]
    public void A_row_in_doubt_that_was_paid_is_found_in_the_history_by_the_next_run()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostAfterPaying } };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        var rerun = BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1));
        var paid = Assert.Single(rerun.Outcomes);
        Assert.Equal(nordPay.Ledger.Single().Id, paid.Result?.WithdrawalId);
    }

    [Fact]
    public void A_row_in_doubt_that_was_paid_is_never_confirmed_again()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostAfterPaying } };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1));
        BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1));
        Assert.Equal((1, 1), (nordPay.ConfirmsReceived, nordPay.Ledger.Count));
    }

    [Fact]
    public void A_row_in_doubt_stays_in_doubt_while_its_request_could_still_be_confirmed()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostBeforePaying } };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        Assert.Equal(new[] { "P0" }, BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1)).InDoubt);
    }

    [Fact]
    public void A_row_in_doubt_whose_request_expired_unpaid_is_paid_once_by_the_next_run()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostBeforePaying } };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        nordPay.MoveClock(nordPay.RequestLifetime + TimeSpan.FromMinutes(2));
        BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1));
        Assert.Equal((2, 1), (nordPay.RequestsMade, nordPay.Ledger.Count));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_run_that_dies_after_its_confirm_landed_leaves_the_row_in_doubt_for_the_history(bool multiple)
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.DiesAfterPaying } };
        Assert.Throws<NordPayException>(() => BatchRuns.Run(nordPay, journal, Payouts(1), new RunOptions { UseMultipleWithdraw = multiple }));
        Assert.Equal(JournalEvent.InDoubt, EventsOf(journal, "P0").Last());
    }

    [Fact]
    public void A_run_that_died_after_its_confirm_landed_is_settled_paid_by_the_next_run()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.DiesAfterPaying } };
        Assert.Throws<NordPayException>(() => BatchRuns.Run(nordPay, journal, Payouts(1)));
        Assert.Equal(new[] { "P0" }, BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1)).Paid);
    }

    [Theory]
    [InlineData(NordPaySettlement.Paid, 0)]
    [InlineData(NordPaySettlement.NotPaid, 1)]
    public void A_row_in_doubt_is_paid_as_the_operator_settles_it(NordPaySettlement settlement, int withdrawals)
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostBeforePaying } };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1), new RunOptions { SettleInDoubt = settlement });
        BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1));
        Assert.Equal(withdrawals, nordPay.Ledger.Count);
    }

    [Fact]
    public void A_settlement_is_journaled_with_what_the_operator_decided()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostBeforePaying } };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1), new RunOptions { SettleInDoubt = NordPaySettlement.Paid });
        Assert.Equal(NordPaySettlement.Paid, Journals.Read(journal).Single(e => e.Event == JournalEvent.Settled).Outcome);
    }

    [Fact]
    public void Settling_a_row_the_history_shows_paid_as_not_paid_never_pays_it_again()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostAfterPaying } };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1), new RunOptions { SettleInDoubt = NordPaySettlement.NotPaid });
        Assert.Equal((1, 1), (nordPay.RequestsMade, nordPay.Ledger.Count));
    }

    // A row in doubt named by -SettleInDoubt Paid, whose settlement prompt the operator declines.
    private static (string Journal, FakeNordPay NordPay, RecordingHost Host, BatchTally Tally) SettlementDeclined()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.LostBeforePaying } };
        BatchRuns.Run(nordPay, journal, Payouts(1));
        var tally = new BatchTally();
        var host = BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1), new RunOptions { SettleInDoubt = NordPaySettlement.Paid },
            approve: (_, action) => !action.StartsWith("Settle", StringComparison.Ordinal), tally: tally);
        return (journal, nordPay, host, tally);
    }

    [Fact]
    public void A_row_in_doubt_whose_settlement_is_declined_at_its_prompt_is_reported_in_doubt()
    {
        var (_, _, host, tally) = SettlementDeclined();
        Assert.Equal(new[] { "P0" }, host.InDoubt);
        Assert.Equal(1, tally.InDoubt);
    }

    [Fact]
    public void A_row_in_doubt_whose_settlement_is_declined_at_its_prompt_is_neither_settled_nor_paid()
    {
        var (journal, nordPay, _, _) = SettlementDeclined();
        Assert.DoesNotContain(JournalEvent.Settled, EventsOf(journal, "P0"));
        Assert.Empty(nordPay.Ledger);
    }

    [Fact]
    public void A_settle_reference_naming_no_row_in_doubt_is_a_problem_of_the_run()
    {
        var host = BatchRuns.Run(new FakeNordPay(), Journals.New(), Payouts(1), new RunOptions { SettleInDoubt = NordPaySettlement.Paid, SettleReferences = new[] { "nope" } });
        Assert.Equal("SettleReferenceNotInDoubt", Assert.Single(host.Events.OfType<RunProblem>()).Problem.ErrorId);
    }

    [Fact]
    public void A_row_declined_at_its_prompt_sends_nothing()
    {
        var nordPay = new FakeNordPay();
        var host = BatchRuns.Run(nordPay, Journals.New(), Payouts(3), approve: (target, action) => action != "Pay" || !target.Contains("(row 2,", StringComparison.Ordinal));
        Assert.Equal(new[] { "P1" }, host.Events.OfType<RowNotSent>().Where(n => n.Declined).Select(n => n.Row.Reference));
        Assert.Equal(2, nordPay.RequestsMade);
    }

    [Fact]
    public void A_declined_batch_sends_nothing()
    {
        var nordPay = new FakeNordPay();
        BatchRuns.Run(nordPay, Journals.New(), Payouts(3), approve: (_, action) => action != "Pay NordPay batch");
        Assert.Equal(0, nordPay.RequestsMade);
    }

    [Fact]
    public void WhatIf_asks_about_the_batch_then_each_row_it_would_pay()
    {
        var host = BatchRuns.Run(new FakeNordPay(), Journals.New(), Payouts(3), new RunOptions { WhatIf = true }, (_, _) => false);
        Assert.Equal(new[] { "Pay NordPay batch", "Pay", "Pay", "Pay" }, host.Asked.Select(a => a.Action));
    }

    [Fact]
    public void WhatIf_sends_nothing()
    {
        var nordPay = new FakeNordPay();
        BatchRuns.Run(nordPay, Journals.New(), Payouts(3), new RunOptions { WhatIf = true }, (_, _) => false);
        Assert.Equal(0, nordPay.RequestsMade);
    }

    [Fact]
    public void WhatIf_writes_no_journal()
    {
        var journal = Journals.New();
        BatchRuns.Run(new FakeNordPay(), journal, Payouts(3), new RunOptions { WhatIf = true }, (_, _) => false);
        Assert.False(File.Exists(journal));
    }

    [Fact]
    public void A_request_NordPay_refuses_fails_its_row_alone()
    {
        var payouts = Payouts(3);
        var nordPay = new FakeNordPay { RefusedAddresses = { payouts[1].Address } };
        var host = BatchRuns.Run(nordPay, Journals.New(), payouts);
        Assert.Equal(new[] { "P0", "P2" }, host.Paid.Order());
        Assert.Equal("ValidationFailed", host.Outcomes.Single(o => o.Error != null).Error!.ErrorId);
    }

    [Fact]
    public void A_batch_over_the_balance_stops_before_any_request()
    {
        var nordPay = new FakeNordPay { Balance = 1m };
        var stopped = Assert.Throws<NordPayException>(() => BatchRuns.Run(nordPay, Journals.New(), Payouts(3)));
        Assert.Equal(("PreflightFailed", 0), (stopped.ErrorId, nordPay.RequestsMade));
    }

    [Fact]
    public async Task A_request_made_by_an_earlier_run_is_confirmed_with_the_fee_NordPay_gave_it()
    {
        var journal = Journals.New();
        var nordPay = new FakeNordPay();
        var row = Payouts(1)[0];
        var request = await nordPay.RequestWithdrawAsync(FakeNordPay.Currency, row.Address, row.Amount, CancellationToken.None);
        Journals.Write(journal,
            new JournalEntry(JournalEvent.Planned, DateTimeOffset.UtcNow) { References = new[] { "P0" }, Row = 1, Currency = FakeNordPay.Currency, Address = row.Address, Amount = Amount.Format(row.Amount) },
            new JournalEntry(JournalEvent.Requested, DateTimeOffset.UtcNow) { References = new[] { "P0" }, Identifier = request.Identifier, ExpiresAt = request.ExpiresAt, ServiceFee = Amount.Format(request.ServiceFee!.Value) });
        var paid = Assert.Single(BatchRuns.Run(nordPay.NextProcess(), journal, Payouts(1)).Outcomes);
        Assert.Equal((request.Identifier, request.ServiceFee), (paid.Result!.Identifier, paid.Result.ServiceFee));
    }

    [Fact]
    public void Multiple_withdraw_pays_every_row_of_a_currency_through_one_confirmed_request()
    {
        var nordPay = new FakeNordPay();
        var host = BatchRuns.Run(nordPay, Journals.New(), Payouts(4), new RunOptions { UseMultipleWithdraw = true });
        Assert.Equal((1, 1, 4, 4), (nordPay.RequestsMade, nordPay.ConfirmsReceived, nordPay.Ledger.Count, host.Paid.Count()));
    }

    [Fact]
    public void Workers_in_parallel_pay_each_row_once()
    {
        var nordPay = new FakeNordPay();
        var host = BatchRuns.Run(nordPay, Journals.New(), Payouts(200), new RunOptions { ThrottleLimit = 8 });
        Assert.Equal((200, 200, 200), (host.Paid.Distinct().Count(), nordPay.Ledger.Select(w => w.Address).Distinct().Count(), nordPay.Ledger.Count));
    }

    [Fact]
    public void The_tally_counts_each_row_by_what_became_of_it()
    {
        var nordPay = new FakeNordPay { ConfirmFaults = { ConfirmFault.None, ConfirmFault.LostAfterPaying } };
        var tally = new BatchTally();
        BatchRuns.Run(nordPay, Journals.New(), Payouts(3), tally: tally);
        Assert.Equal("2 paid, 0 already paid, 0 failed, 1 in doubt", tally.ToString());
    }
}
