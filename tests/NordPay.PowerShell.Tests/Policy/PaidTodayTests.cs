using System.Globalization;
using NordPay.Api;
using NordPay.Policy;
using Xunit;

namespace NordPay.Tests.Policy;

/// <summary>A day's total from the withdraw history: the UTC day on NordPay's clock, every withdrawal but a cancelled one, each once.</summary>
public class PaidTodayTests
{
    // This machine's clock: one minute before midnight UTC.
    private static readonly DateTimeOffset Local = new(2026, 3, 1, 23, 59, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset March2 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static NordPayWithdrawal Withdrawal(long id, DateTimeOffset createdAt, string amount, string status = "pending", string currency = "USDTTRC20") =>
        new(id, currency, "TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye", decimal.Parse(amount, CultureInfo.InvariantCulture), null, null, null, status, null, createdAt);

    // NordPay's clock as its Date header tells it: this machine's plus the offset.
    private static ServerClock Clock(TimeSpan offset)
    {
        var clock = new ServerClock();
        clock.Observe(Local + offset, Local, Local);
        return clock;
    }

    /// <summary>The history newest first, served a page at a time; <see cref="Arriving"/> is paid while the first page is read.</summary>
    private sealed class History
    {
        private readonly List<NordPayWithdrawal> _items;

        public History(params NordPayWithdrawal[] items) => _items = items.OrderByDescending(w => w.CreatedAt).ToList();

        public NordPayWithdrawal? Arriving { get; init; }
        public int Pages { get; private set; }

        public Task<IReadOnlyList<NordPayWithdrawal>> Page(string currency, int offset, int limit, CancellationToken cancellation)
        {
            var page = _items.Where(w => w.Currency == currency).Skip(offset).Take(limit).ToList();
            // A payout made now pushes every item one place down: the next page starts with this page's last item.
            if (Pages++ == 0 && Arriving != null) _items.Insert(0, Arriving);
            return Task.FromResult<IReadOnlyList<NordPayWithdrawal>>(page);
        }

        public Task<DayTotal> Read(ServerClock clock, string currency = "USDTTRC20") => Read(clock, () => Local, currency);

        public Task<DayTotal> Read(ServerClock clock, Func<DateTimeOffset> now, string currency = "USDTTRC20") =>
            PaidToday.ReadAsync(new HistoryReader((c, offset, limit, token) => Page(c!, offset, limit, token)).ReadAsync, clock, now, currency, CancellationToken.None);
    }

    private static readonly NordPayWithdrawal LateMarch1 = Withdrawal(1, new DateTimeOffset(2026, 3, 1, 23, 58, 0, TimeSpan.Zero), "100");
    // 01:30 at UTC+2 is 23:30 UTC on March 1, whatever offset the timestamp is written with.
    private static readonly NordPayWithdrawal March1AtPlus2 = Withdrawal(2, new DateTimeOffset(2026, 3, 2, 1, 30, 0, TimeSpan.FromHours(2)), "50");
    private static readonly NordPayWithdrawal EarlyMarch2 = Withdrawal(3, new DateTimeOffset(2026, 3, 2, 0, 0, 30, TimeSpan.Zero), "7");

    [Fact]
    public async Task The_day_is_the_UTC_day_on_NordPays_clock_not_this_machines()
    {
        // NordPay's clock is 2 minutes ahead: March 2 there, while this machine still says March 1.
        var ahead = await new History(LateMarch1, March1AtPlus2, EarlyMarch2).Read(Clock(TimeSpan.FromMinutes(2)));
        Assert.Equal(March2, ahead.Day);
        Assert.Equal((7m, 1), (ahead.Paid, ahead.Withdrawals));

        // Behind by 5 minutes: March 1 there, so the payouts of 23:30 and 23:58 UTC count.
        var behind = await new History(LateMarch1, March1AtPlus2).Read(Clock(TimeSpan.FromMinutes(-5)));
        Assert.Equal(March2.AddDays(-1), behind.Day);
        Assert.Equal((150m, 2), (behind.Paid, behind.Withdrawals));
    }

    [Fact]
    public async Task With_no_Date_header_seen_the_earlier_day_is_taken_near_midnight()
    {
        // Two minutes past midnight here, but NordPay's clock is unknown: it may still be March 1 there.
        var local = March2.AddMinutes(1);
        var day = await new History(LateMarch1).Read(new ServerClock(), () => local);
        Assert.Equal(March2.AddDays(-1), day.Day);
        Assert.Equal(100m, day.Paid);
        Assert.Equal(March2, PaidToday.DayOf(new ServerClock(), March2.AddMinutes(3)));
    }

    [Theory]
    [InlineData("pending", true)]
    [InlineData("processed", true)]
    [InlineData("processing", true)]
    [InlineData("cancelled", false)]
    [InlineData("Cancelled", false)]
    public async Task Every_withdrawal_counts_but_a_cancelled_one(string status, bool counts)
    {
        Assert.Equal(counts, WithdrawalStatus.Counts(status));
        var day = await new History(Withdrawal(1, March2.AddHours(1), "3", status), Withdrawal(2, March2.AddHours(2), "4")).Read(Clock(TimeSpan.FromHours(3)));
        Assert.Equal(counts ? 7m : 4m, day.Paid);
    }

    /// <summary>
    /// 250 withdrawals of 0.1 today, one late on the day before, one two days before, one in another currency; a payout
    /// arriving after the first page: the day read, and the pages it took.
    /// </summary>
    private static async Task<(DayTotal Day, int Pages)> DayReadFromPages()
    {
        var today = Enumerable.Range(1, 250).Select(i => Withdrawal(1000 + i, March2.AddMinutes(i), "0.1")).ToList();
        var history = new History(today.Append(LateMarch1).Append(Withdrawal(500, March2.AddDays(-2), "1")).Append(Withdrawal(600, March2.AddHours(1), "9", currency: "USDTBEP20")).ToArray())
        {
            Arriving = Withdrawal(2000, March2.AddHours(10), "0.25"),
        };
        return (await history.Read(Clock(TimeSpan.FromHours(12))), history.Pages);
    }

    // 250 of 0.1 (the one shown on two pages counted once), not the payout that arrived after the first page was read.
    [Fact]
    public async Task Each_withdrawal_of_the_day_counts_once()
    {
        var (day, _) = await DayReadFromPages();
        Assert.Equal((25.0m, 250), (day.Paid, day.Withdrawals));
    }

    // Pages of 200: the second reaches into the day before.
    [Fact]
    public async Task Pages_are_read_until_one_reaches_the_day_before() => Assert.Equal(2, (await DayReadFromPages()).Pages);
}
