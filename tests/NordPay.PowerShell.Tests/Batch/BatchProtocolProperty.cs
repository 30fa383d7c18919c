using FsCheck;
using FsCheck.Fluent;
using NordPay.Batch;
using NordPay.Core;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>
/// The exactly-once promise over many schedules, fast: rows (lookalikes among them) paid by a run, then re-run in new
/// processes with NordPay's clock past every request's expiry, whatever NordPay did with each confirm (answered, answer
/// lost after or before paying, the process dying after it paid), serially or by parallel workers, row by row or by
/// multiple withdraws. No payout is ever paid twice, and once the re-runs are done every row is paid once.
/// </summary>
public class BatchProtocolProperty
{
    /// <summary>One schedule: each row's payout (rows of one payout are lookalikes), what each confirm meets, and how it is paid.</summary>
    public sealed record Schedule(int[] Payouts, ConfirmFault[] Faults, int Throttle, bool Multiple)
    {
        public override string ToString() => $"payouts [{string.Join(",", Payouts)}], faults [{string.Join(",", Faults)}], throttle {Throttle}, multiple {Multiple}";
    }

    private static Gen<Schedule> Schedules() =>
        from rows in Gen.Choose(1, 8)
        from payouts in Gen.Choose(0, 2).ArrayOf(rows)
        from faultCount in Gen.Choose(0, 4)
        from faults in Gen.Elements(ConfirmFault.None, ConfirmFault.LostAfterPaying, ConfirmFault.LostBeforePaying, ConfirmFault.DiesAfterPaying).ArrayOf(faultCount)
        from throttle in Gen.Choose(1, 4)
        from multiple in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        select new Schedule(payouts, faults, throttle, multiple);

    [Fact]
    public void Every_row_is_paid_exactly_once_whatever_NordPay_does_with_its_confirms()
    {
        Prop.ForAll(Arb.From(Schedules()), (Schedule schedule) => Check(schedule))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(150).WithQuietOnSuccess(true));
    }

    // Runs the schedule, then re-runs until a run leaves nothing in doubt (at most as many re-runs as faults, and one).
    private static void Check(Schedule schedule)
    {
        var journal = Journals.New();
        var rows = schedule.Payouts.Select((p, i) => (Reference: $"R{i}", Address: Rows.Evm(p), Amount: 2m + p / 100m)).ToList();
        var nordPay = new FakeNordPay { ConfirmFaults = schedule.Faults.ToList() };
        var options = new RunOptions { ThrottleLimit = schedule.Throttle, UseMultipleWithdraw = schedule.Multiple };
        var settled = false;
        for (var run = 0; run <= schedule.Faults.Length + 1 && !settled; run++)
        {
            if (run > 0)
            {
                nordPay = nordPay.NextProcess();
                nordPay.MoveClock(nordPay.RequestLifetime + TimeSpan.FromMinutes(2));
            }
            settled = RunOnce(nordPay, journal, rows, options);
            AssertNoneOverpaid(nordPay, rows);
        }
        Assert.True(settled, $"rows still in doubt or unpaid after every re-run: {schedule}");
        foreach (var payout in rows.GroupBy(r => r.Address))
            Assert.Equal(payout.Count(), nordPay.Ledger.Count(w => w.Address == payout.Key));
    }

    // True when every row ended paid (now or by an earlier run).
    private static bool RunOnce(FakeNordPay nordPay, string journal, IReadOnlyList<(string Reference, string Address, decimal Amount)> payouts, RunOptions options)
    {
        RecordingHost host;
        try
        {
            host = BatchRuns.Run(nordPay, journal, payouts, options);
        }
        // The process died after a confirm landed: the run stops on it as a fault of its own.
        catch (NordPayException ex) when (ex is { ErrorId: "BatchFault", InnerException: ProcessDiedException })
        {
            return false;
        }
        return host.Paid.Concat(host.AlreadyPaid).Distinct().Count() == payouts.Count;
    }

    private static void AssertNoneOverpaid(FakeNordPay nordPay, IReadOnlyList<(string Reference, string Address, decimal Amount)> rows)
    {
        foreach (var paid in nordPay.Ledger.GroupBy(w => w.Address))
            Assert.True(paid.Count() <= rows.Count(r => r.Address == paid.Key), $"{paid.Key} paid {paid.Count()} times for {rows.Count(r => r.Address == paid.Key)} rows");
    }
}
