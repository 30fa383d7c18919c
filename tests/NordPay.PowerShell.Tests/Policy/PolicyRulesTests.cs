using NordPay.Policy;
using Xunit;

namespace NordPay.Tests.Policy;

/// <summary>The rules, with exact decimals: where a double would round, a limit does not.</summary>
public class PolicyRulesTests
{
    private const string Tron = "TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye";

    private static readonly NordPayPolicy Tenths = NordPayPolicy.Empty("default", NordPayKeyScope.Process)
        .WithLimit(new NordPayCurrencyLimit("USDTTRC20", 0.2m, 0.3m, 0.5m));

    private static readonly DayTotal NothingYet = new(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.Zero), 0m, 0);

    [Fact]
    public void A_payout_is_compared_exactly_with_its_limit()
    {
        Assert.Null(PolicyRules.CheckPayout(Tenths, "USDTTRC20", Tron, 0.2m));
        Assert.Null(PolicyRules.CheckPayout(Tenths, "USDTTRC20", Tron, 0.200000000000000000m));
        var over = PolicyRules.CheckPayout(Tenths, "USDTTRC20", Tron, 0.2000000000000000000000000001m)!;
        Assert.Equal(("PolicyPayoutLimitExceeded", ErrorKind.LimitsExceeded, "Amount"), (over.ErrorId, over.Kind, over.Field));
        Assert.StartsWith("0.2000000000000000000000000001 USDTTRC20 is more than the 0.2 policy default (Process, ", over.Message);
    }

    [Fact]
    public void Tenths_add_up_exactly_to_the_run_limit()
    {
        // As doubles, 0.1 + 0.2 is more than 0.3; as decimals it is 0.3.
        Assert.True(0.1 + 0.2 > 0.3);
        var run = new PolicyRun(Tenths, _ => NothingYet);
        run.Admit("USDTTRC20", Tron, 0.1m);
        run.Admit("USDTTRC20", Tron, 0.2m);
        var over = Assert.Throws<NordPayException>(() => run.Admit("USDTTRC20", Tron, 0.0000000000000000000000000001m));
        Assert.Equal("PolicyRunLimitExceeded", over.ErrorId);
        Assert.StartsWith("With this payout, this call's USDTTRC20 payouts total 0.3000000000000000000000000001, more than the 0.3 policy", over.Message);
    }

    [Fact]
    public void Tenths_add_up_exactly_to_the_day_limit()
    {
        // 0.25 already paid today, 0.1 + 0.15 now: exactly the day's 0.5.
        var day = new PolicyRun(Tenths, _ => new DayTotal(NothingYet.Day, 0.25m, 1));
        day.Admit("USDTTRC20", Tron, 0.1m);
        day.Admit("USDTTRC20", Tron, 0.15m);
        Assert.Equal("PolicyDayLimitExceeded", Assert.Throws<NordPayException>(() => day.Admit("USDTTRC20", Tron, 0.0000000000000000000000000001m)).ErrorId);
    }

    // Tenths, and BTC with no day limit, after a USDTTRC20 payout refused, one taken back, and the run's 0.3 admitted;
    // every read of a day's total is listed.
    private static PolicyRun RunAfterARefusalAndARelease(List<string> dayReads)
    {
        var run = new PolicyRun(Tenths.WithLimit(new NordPayCurrencyLimit("BTC", 1m, 1m, null)), currency => { dayReads.Add(currency); return NothingYet; });
        Assert.Equal("PolicyPayoutLimitExceeded", Assert.Throws<NordPayException>(() => run.Admit("USDTTRC20", Tron, 0.25m)).ErrorId);
        run.Admit("USDTTRC20", Tron, 0.2m);
        run.Release("USDTTRC20", Tron, 0.2m);
        run.Admit("USDTTRC20", Tron, 0.2m);
        run.Admit("USDTTRC20", Tron, 0.1m);
        return run;
    }

    [Fact]
    public void A_payout_refused_or_taken_back_counts_toward_no_total() =>
        // Were either counted, admitting the run's whole 0.3 would have thrown.
        Assert.NotNull(RunAfterARefusalAndARelease(new List<string>()));

    [Fact]
    public void The_day_is_read_once_per_currency_with_a_day_limit()
    {
        var reads = new List<string>();
        RunAfterARefusalAndARelease(reads).Admit("BTC", "bc1q", 1m);
        Assert.Equal(new[] { "USDTTRC20" }, reads); // BTC has no day limit: its history is not read
    }

    [Fact]
    public void A_currency_is_allowed_only_as_the_policy_spells_it()
    {
        var run = RunAfterARefusalAndARelease(new List<string>());
        Assert.Equal("PolicyCurrencyNotAllowed", Assert.Throws<NordPayException>(() => run.Admit("usdttrc20", Tron, 0.01m)).ErrorId);
    }

    [Fact]
    public void An_address_book_allows_its_address_for_its_currency() =>
        Assert.Null(PolicyRules.CheckPayout(AliceOnly, "USDTTRC20", Tron, 0.1m));

    [Theory]
    [InlineData("TRX", Tron)]
    [InlineData("USDTTRC20", "tawekizq4evagueysqawkhzcpykrqevdye")]
    [InlineData("USDTTRC20", Tron + " ")]
    public void An_address_book_refuses_an_address_it_does_not_list_exactly_for_the_currency(string currency, string address)
    {
        var refused = PolicyRules.CheckPayout(AliceOnly, currency, address, 0.1m)!;
        Assert.Equal(("PolicyAddressNotInBook", ErrorKind.SecurityError, "Address"), (refused.ErrorId, refused.Kind, refused.Field));
    }

    // Alice's USDTTRC20 address in the book; TRX allowed too, so only the book refuses it there.
    private static readonly NordPayPolicy AliceOnly = Tenths.WithLimit(new NordPayCurrencyLimit("TRX", 5m, 5m, null))
        .WithAddressBook(new[] { new NordPayAddressBookEntry("USDTTRC20", Tron, "Alice") }, null);

    [Fact]
    public void A_batch_reports_every_total_over_a_limit()
    {
        var totals = new Dictionary<string, (int Rows, decimal Total)> { ["USDTTRC20"] = (4, 0.4m) };
        var days = new Dictionary<string, DayTotal> { ["USDTTRC20"] = new(NothingYet.Day, 0.15m, 2) };
        var problems = PolicyRules.CheckBatch(Tenths, totals, days).ToList();
        Assert.Equal(new[] { "PolicyRunLimitExceeded", "PolicyDayLimitExceeded" }, problems.Select(p => p.ErrorId));
        Assert.Equal("The 4 rows to pay in USDTTRC20 total 0.4; with the 0.15 USDTTRC20 of 2 withdrawal(s) NordPay's history shows on 2026-03-02 " +
                     "(UTC, NordPay's clock; cancelled ones not counted) that is 0.55, more than the 0.5 policy " + Tenths.Name + " allows per day.", problems[1].Message);
        var within = new Dictionary<string, (int, decimal)> { ["USDTTRC20"] = (3, 0.3m) };
        Assert.Empty(PolicyRules.CheckBatch(Tenths, within, new Dictionary<string, DayTotal> { ["USDTTRC20"] = new(NothingYet.Day, 0.2m, 1) }));
        // A day limit is never skipped for want of the day's total.
        Assert.Throws<InvalidOperationException>(() => PolicyRules.CheckBatch(Tenths, within, new Dictionary<string, DayTotal>()).ToList());
    }
}
