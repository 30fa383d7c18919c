using System.Globalization;
using NordPay.Api;
using NordPay.Batch;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>The plan of a run, without PowerShell or a server: each row classified once, the batch's problems, the totals.</summary>
public class BatchPlanTests
{
    private static readonly IReadOnlyDictionary<string, NordPayCurrency> Currencies = Preflight.Index(new[]
    {
        new NordPayCurrency("USDTBEP20", "USDT", "BEP20", 18, 1m, 1m, true, true),
        new NordPayCurrency("USDTARB", "USDT", "ARB", 6, 1m, 1m, false, true),
    });

    private static readonly IReadOnlyDictionary<string, decimal> Balances = new Dictionary<string, decimal> { ["USDTBEP20"] = 100m };

    private static JournalEntry Planned(string reference, string amount) =>
        new(JournalEvent.Planned, DateTimeOffset.UtcNow) { References = new[] { reference }, Currency = "USDTBEP20", Address = Rows.Evm(1), Amount = amount };

    private static (BatchPlan Plan, RowIntake Intake) Plan(params JournalEntry[] journal)
    {
        var intake = new RowIntake();
        return (new BatchPlan(RowRecord.Fold(journal), Currencies, Balances, intake), intake);
    }

    [Fact]
    public void Each_row_is_classified_once_by_the_journal_then_by_preflight()
    {
        var (plan, intake) = Plan(
            Planned("PAID", "5"), new JournalEntry(JournalEvent.Confirmed, DateTimeOffset.UtcNow) { References = new[] { "PAID" }, WithdrawalId = 7 },
            Planned("DOUBT", "5"), new JournalEntry(JournalEvent.ConfirmSending, DateTimeOffset.UtcNow) { References = new[] { "DOUBT" }, Identifier = Guid.NewGuid() });
        var stages = new[]
        {
            plan.Add(intake.Identify(1, "PAID", "USDTBEP20", Rows.Evm(1), 5m)),
            plan.Add(intake.Identify(2, "DOUBT", "USDTBEP20", Rows.Evm(1), 5m)),
            plan.Add(intake.Identify(3, "NEW", "USDTBEP20", Rows.Evm(2), 5m)),
            plan.Add(intake.Identify(4, "CLOSED", "USDTARB", Rows.Evm(3), 5m)),
            plan.Add(intake.Identify(5, "SMALL", "USDTBEP20", Rows.Evm(4), 0.5m)),
        };
        Assert.Equal(new[] { RowStage.AlreadyPaid, RowStage.InDoubt, RowStage.ToPay, RowStage.Invalid, RowStage.Invalid }, stages.Select(s => s.Stage));
        Assert.Equal(new[] { RowStage.AlreadyPaid, RowStage.InDoubt, RowStage.ToPay, RowStage.Invalid, RowStage.Invalid }, Enumerable.Range(0, 5).Select(plan.StageAt));
        Assert.Equal("CurrencyNotAvailable", stages[3].Check!.Problem!.ErrorId);
        Assert.Equal("AmountBelowMinimum", stages[4].Check!.Problem!.ErrorId);
        Assert.True(stages[2].Check!.Address!.Valid);
        Assert.Equal("DOUBT", Assert.Single(plan.InDoubt).Row.Reference);
        Assert.Equal((1, 1), (plan.ToPay, plan.AlreadyPaid));
        Assert.Empty(plan.Problems());
    }

    [Fact]
    public void A_reference_on_two_rows_is_a_problem_of_the_batch()
    {
        var (plan, intake) = Plan();
        // As the cmdlet does: every row is taken in before the plan is made.
        var rows = new[] { intake.Identify(1, "R1", "USDTBEP20", Rows.Evm(1), 5m), intake.Identify(2, "R1", "USDTBEP20", Rows.Evm(2), 6m) };
        foreach (var row in rows) plan.Add(row);
        var problem = Assert.Single(plan.Problems());
        Assert.Equal("DuplicateReference", problem.ErrorId);
        Assert.Contains("rows 1, 2", problem.Message);
    }

    [Fact]
    public void Two_identical_rows_without_a_reference_are_two_payouts()
    {
        var (plan, intake) = Plan();
        var rows = new[] { intake.Identify(1, null, "USDTBEP20", Rows.Evm(3), 5m), intake.Identify(2, "", "USDTBEP20", Rows.Evm(3), 5.0m) };
        foreach (var row in rows) plan.Add(row);
        Assert.NotEqual(rows[0].Reference, rows[1].Reference);
        Assert.Empty(plan.Problems());
        Assert.Equal(2, plan.ToPay);
    }

    [Fact]
    public void A_journaled_reference_conflicts_only_when_the_payout_differs_in_value()
    {
        var (same, sameIntake) = Plan(Planned("R1", "2.50"));
        same.Add(sameIntake.Identify(1, "R1", "USDTBEP20", Rows.Evm(1), 2.5m));
        Assert.Empty(same.Problems());

        var (changed, changedIntake) = Plan(Planned("R1", "2.50"));
        changed.Add(changedIntake.Identify(1, "R1", "USDTBEP20", Rows.Evm(1), 2.51m));
        Assert.Equal("ReferenceConflict", Assert.Single(changed.Problems()).ErrorId);
    }

    private static BatchPlan OverTheBalance()
    {
        var (plan, intake) = Plan();
        plan.Add(intake.Identify(1, "A", "USDTBEP20", Rows.Evm(1), 60m));
        plan.Add(intake.Identify(2, "B", "USDTBEP20", Rows.Evm(2), 50.5m));
        return plan;
    }

    [Fact]
    public void Totals_over_the_balance_stop_the_batch()
    {
        Assert.Equal("BatchExceedsBalance", Assert.Single(OverTheBalance().Problems()).ErrorId);
    }

    [Fact]
    public void The_plan_names_its_totals_with_the_balance()
    {
        var plan = OverTheBalance();
        Assert.Equal("2 payouts to 2 addresses: 110.5 USDTBEP20 (balance 100): amount 110.5 + service fees not known before the requests = total 110.5 USDTBEP20 plus those fees; 0 already paid; policy none; journal j", plan.Describe("j", plan.AlreadyPaid));
    }

    private static (BatchPlan Plan, PayoutRow Row) InDoubt()
    {
        var (plan, intake) = Plan(Planned("A", "5"), new JournalEntry(JournalEvent.InDoubt, DateTimeOffset.UtcNow) { References = new[] { "A" } });
        var row = intake.Identify(1, "A", "USDTBEP20", Rows.Evm(1), 5m);
        plan.Add(row);
        Assert.Equal(0, plan.ToPay);
        return (plan, row);
    }

    [Fact]
    public void A_row_in_doubt_settled_not_paid_is_paid_when_it_passes_preflight()
    {
        var (plan, row) = InDoubt();
        Assert.Null(plan.Settle(row, paid: false));
        Assert.Equal(RowStage.ToPay, plan.StageAt(0));
        Assert.Equal(1, plan.ToPay);
    }

    [Fact]
    public void A_row_in_doubt_settled_paid_is_already_paid()
    {
        var (plan, row) = InDoubt();
        Assert.Null(plan.Settle(row, paid: true));
        Assert.Equal(RowStage.AlreadyPaid, plan.StageAt(0));
        Assert.Equal(0, plan.ToPay);
    }

    [Fact]
    public void The_tally_is_complete_only_when_every_input_row_is_paid_or_already_paid()
    {
        var tally = new BatchTally();
        var row = new PayoutRow(1, "A", false, "USDTBEP20", Rows.Evm(1), 2.50m, null);
        tally.CountPaid(row);
        tally.CountPaid(row);
        tally.CountAlreadyPaid();
        var complete = tally.Summary("j", null, 3, TimeSpan.Zero);
        Assert.True(complete.Complete);
        Assert.Equal(5.00m, complete.PaidByCurrency["USDTBEP20"]);
        Assert.False(tally.Summary("j", null, 4, TimeSpan.Zero).Complete);
        tally.CountInDoubt();
        Assert.False(tally.Summary("j", null, 4, TimeSpan.Zero).Complete);
        Assert.Equal("2 paid, 1 already paid, 0 failed, 1 in doubt", tally.ToString());
    }

    [Theory]
    [InlineData("3.75", "1.7", "0.06375", "3.81375")]
    [InlineData("1.50", "0", "0", "1.5")]
    [InlineData("0.000000000000000000000001", "1.7", "0.000000000000000000000000017", "0.000000000000000000000001017")]
    public void A_fee_estimate_is_the_amount_times_the_percent_over_100_exactly(string amount, string percent, string fee, string total)
    {
        var estimate = Preflight.EstimateFee(decimal.Parse(amount, CultureInfo.InvariantCulture), decimal.Parse(percent, CultureInfo.InvariantCulture))!.Value;
        Assert.Equal((fee, total), (Amount.Canonical(estimate.Fee), Amount.Canonical(estimate.Total)));
    }

    [Fact]
    public void A_fee_estimate_a_decimal_cannot_hold_exactly_or_without_a_percent_is_none()
    {
        Assert.Null(Preflight.EstimateFee(0.1234567890123456789012345678m, 1.7m)); // 28 decimals + 1 + 2 > 28: it would be rounded
        Assert.Null(Preflight.EstimateFee(0.12345678901234567890123456m, 1.7m)); // the product fits, not the product / 100
        Assert.Null(Preflight.EstimateFee(79228162514264337593543950335m, 1.7m));
        Assert.Null(Preflight.EstimateFee(5m, null));
    }
}
