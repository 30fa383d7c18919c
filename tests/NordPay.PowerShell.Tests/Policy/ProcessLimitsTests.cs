using FsCheck;
using FsCheck.Fluent;
using NordPay.Policy;
using Xunit;

namespace NordPay.Tests.Policy;

/// <summary>
/// Limits that hold however the module is driven: runs of several runspaces at once share the process's day ledger,
/// and the repeat guard refuses the same payout as one in NordPay's history.
/// </summary>
public class ProcessLimitsTests
{
    private const string Currency = "USDTTRC20";
    private const string Tron = "TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye";
    private const string Account = "https://api.nord-pay.com|hash";
    private static readonly DateTimeOffset Day = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static NordPayPolicy Limits(string profile) =>
        NordPayPolicy.Empty(profile, NordPayKeyScope.Process).WithLimit(new NordPayCurrencyLimit(Currency, 10m, 20m, 30m));

    private static NordPayWithdrawal Withdrawal(long id, string address, decimal amount, DateTimeOffset at, string status = "pending") =>
        new(id, Currency, address, amount, null, null, null, status, null, at);

    [Fact]
    public void Two_runs_at_once_whose_history_shows_neither_cannot_both_fit_under_the_day_limit()
    {
        var ledger = new DayLedger();
        var paid = 0m;
        DayTotal History(string _) => new(Day, paid, 0);
        var first = new PolicyRun(Limits("default"), History, Account, pays: true, ledger);
        var second = new PolicyRun(Limits("treasury"), History, Account, pays: true, ledger);
        first.Admit(Currency, Tron, 10m);
        second.Admit(Currency, Tron, 10m);
        first.Admit(Currency, Tron, 10m);
        var over = Assert.Throws<NordPayException>(() => second.Admit(Currency, Tron, 10m));
        Assert.Equal("PolicyDayLimitExceeded", over.ErrorId);
        Assert.Contains("the 20 other runs of this process admitted, which it may not show yet, that is 40", over.Message);

        // A payout taken back, another account's runs and a request (which pays nothing) count for no one.
        first.Release(Currency, Tron, 10m);
        new PolicyRun(Limits("default"), History, "https://api.nord-pay.com|other", pays: true, ledger).Admit(Currency, Tron, 10m);
        new PolicyRun(Limits("default"), History, Account, pays: false, ledger).Admit(Currency, Tron, 10m);
        second.Admit(Currency, Tron, 10m);

        // Once a run ended, a run reading the history after it sees its payouts there, not in the ledger.
        first.End();
        second.End();
        paid = 30m;
        Thread.Sleep(5);
        Assert.Equal("PolicyDayLimitExceeded", Assert.Throws<NordPayException>(() =>
            new PolicyRun(Limits("default"), History, Account, pays: true, ledger).Admit(Currency, Tron, 0.1m)).ErrorId);
        paid = 29.9m;
        new PolicyRun(Limits("default"), History, Account, pays: true, ledger).Admit(Currency, Tron, 0.1m);
    }

    [Fact]
    public void A_payout_repeating_a_withdrawal_in_the_history_within_the_window_is_refused_naming_it()
    {
        var now = DateTimeOffset.UtcNow;
        var policy = Limits("default").WithRepeatWindow(24m);
        var history = new[]
        {
            Withdrawal(41, Tron, 9m, now.AddHours(-1)),
            Withdrawal(42, Tron, 8m, now.AddHours(-2), "cancelled"),
        };
        var windows = new List<TimeSpan>();
        var guard = new RepeatGuard(policy, (_, window) => { windows.Add(window); return history; });

        var refused = Assert.Throws<NordPayException>(() => guard.Admit(Currency, Tron, 9.000m));
        Assert.Equal(("PolicyRepeatPayout", ErrorKind.ResourceExists), (refused.ErrorId, refused.Kind));
        Assert.Contains($"repeats withdrawal 41 (pending), made at {now.AddHours(-1).UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC", refused.Message);
        Assert.Equal(TimeSpan.FromHours(24), Assert.Single(windows));

        guard.Admit(Currency, Tron, 8m); // the cancelled one paid nothing
        Assert.Equal("PolicyRepeatPayout", Assert.Throws<NordPayException>(() => guard.Admit(Currency, Tron, 8m)).ErrorId); // twice in one call
        guard.Admit(Currency, Tron, 9.5m);
        Assert.Null(guard.FindRepeat(Currency, Tron, 9m, new[] { 41L })); // the same journal row, run again
        Assert.Null(new RepeatGuard(Limits("default"), (_, _) => throw new InvalidOperationException("read without a window")).FindRepeat(Currency, Tron, 9m));
    }

    [Fact]
    public void A_history_that_cannot_be_read_refuses_a_payout_under_a_repeat_window()
    {
        var run = new PolicyRun(Limits("default").WithRepeatWindow(1m), _ => new DayTotal(Day, 0m, 0), Account, pays: true, new DayLedger(),
            new RepeatGuard(Limits("default").WithRepeatWindow(1m), (_, _) => throw new NordPayException("HistoryUnreliable", ErrorKind.InvalidResult, "pages overlap")));
        Assert.Equal("HistoryUnreliable", Assert.Throws<NordPayException>(() => run.Admit(Currency, Tron, 1m)).ErrorId);
    }

    /// <summary>One step of an interleaving: run <see cref="Run"/> admits an amount, or its pipeline ends (and its next step starts a new one).</summary>
    public sealed record Step(int Run, int Tenths, bool Ends, bool Paid);

    [Fact]
    public void No_interleaving_of_pipelines_across_runspaces_or_profiles_pays_past_a_limit()
    {
        var steps = from count in Gen.Choose(4, 24)
                    from list in (from run in Gen.Choose(0, 3)
                                  from tenths in Gen.Choose(1, 120)
                                  from ends in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
                                  from paid in Gen.Elements(true, false)
                                  select new Step(run, tenths, ends, paid)).ListOf(count)
                    select list.ToArray();
        Prop.ForAll(Arb.From(steps), (Step[] schedule) => NeverPastALimit(schedule))
            .Check(Config.QuickThrowOnFailure.WithMaxTest(100).WithQuietOnSuccess(true));
    }

    // Four runspaces (two profile names for one key) each run pipelines one after another; NordPay's history shows a
    // payout once its confirm answered (Paid), or at the latest when its pipeline ends.
    private static bool NeverPastALimit(Step[] schedule)
    {
        var ledger = new DayLedger();
        var history = 0m;
        var pending = new decimal[4];
        var runs = new PolicyRun?[4];
        var runTotals = new decimal[4];
        foreach (var step in schedule)
        {
            var amount = step.Tenths / 10m;
            runs[step.Run] ??= new PolicyRun(Limits(step.Run % 2 == 0 ? "default" : "treasury"), _ => new DayTotal(Day, history, 0), Account, pays: true, ledger);
            try
            {
                runs[step.Run]!.Admit(Currency, Tron, amount);
                if (amount > 10m || (runTotals[step.Run] += amount) > 20m) return false;
                if (step.Paid) history += amount;
                else pending[step.Run] += amount;
            }
            catch (NordPayException ex) when (ex.ErrorId.StartsWith("Policy", StringComparison.Ordinal))
            {
            }
            if (history + pending.Sum() > 30m) return false;
            if (!step.Ends) continue;
            history += pending[step.Run];
            pending[step.Run] = 0m;
            runs[step.Run]!.End();
            (runs[step.Run], runTotals[step.Run]) = (null, 0m);
        }
        return true;
    }
}
