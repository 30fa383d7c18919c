using NordPay.Api;
using NordPay.Core;
using Xunit;

namespace NordPay.Tests.Api;

/// <summary>
/// The one reader of the withdraw history, against servers that differ from the sandbox only where NordPay's
/// documentation is silent: the order of its pages, their size, whether it honours offset, repeats while paging.
/// </summary>
public class HistoryReaderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    // One withdrawal a minute, ids and times rising together.
    private static List<NordPayWithdrawal> History(int count) => Enumerable.Range(1, count)
        .Select(i => new NordPayWithdrawal(i, "USDTTRC20", "TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye", i, null, null, null, "pending", null, Start.AddMinutes(i))).ToList();

    /// <summary>A server: newest first unless it ignores the sort, pages capped, offset honoured or not; counts its calls.</summary>
    private sealed class Server(List<NordPayWithdrawal> items, bool oldestFirst = false, int cap = int.MaxValue, bool ignoresOffset = false)
    {
        public int Calls { get; private set; }
        public Action<int>? BetweenPages { get; init; }

        public Task<IReadOnlyList<NordPayWithdrawal>> Page(string? currency, int offset, int limit, CancellationToken cancellation)
        {
            Calls++;
            var ordered = oldestFirst ? items.OrderBy(w => w.CreatedAt) : items.OrderByDescending(w => w.CreatedAt);
            IReadOnlyList<NordPayWithdrawal> page = ordered.Skip(ignoresOffset ? 0 : offset).Take(Math.Min(limit, cap)).ToList();
            BetweenPages?.Invoke(Calls);
            return Task.FromResult(page);
        }

        public HistoryReader Reader() => new(Page);
    }

    [Theory]
    [InlineData(false, int.MaxValue)]
    [InlineData(true, int.MaxValue)]
    [InlineData(false, 50)]
    [InlineData(true, 50)]
    public async Task Every_withdrawal_since_a_moment_is_read_once_newest_first_whatever_the_page_order_or_size(bool oldestFirst, int cap)
    {
        var server = new Server(History(450), oldestFirst, cap);
        var since = await server.Reader().SinceAsync("USDTTRC20", Start.AddMinutes(100), CancellationToken.None);
        Assert.Equal(Enumerable.Range(100, 351).Reverse().Select(i => (long)i), since.Select(w => w.Id));
    }

    [Fact]
    public async Task Newest_first_it_stops_at_the_first_page_that_reaches_past_the_moment()
    {
        var server = new Server(History(1000));
        await server.Reader().SinceAsync("USDTTRC20", Start.AddMinutes(900), CancellationToken.None);
        Assert.Equal(1, server.Calls);
    }

    [Fact]
    public async Task A_server_that_ignores_offset_is_found_unreliable_in_three_calls_never_a_loop()
    {
        var server = new Server(History(450), ignoresOffset: true);
        var error = await Assert.ThrowsAsync<NordPayException>(() => server.Reader().SinceAsync("USDTTRC20", Start, CancellationToken.None));
        Assert.Equal("HistoryUnreliable", error.ErrorId);
        Assert.Contains("offset ignored", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Calls);
    }

    [Fact]
    public async Task A_history_that_never_ends_is_unreliable_past_the_page_budget()
    {
        // Every page holds new withdrawals: a server that invents them, or a history bigger than any question needs.
        var next = 0L;
        Task<IReadOnlyList<NordPayWithdrawal>> Endless(string? currency, int offset, int limit, CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<NordPayWithdrawal>>(Enumerable.Range(0, limit).Select(_ =>
                new NordPayWithdrawal(1_000_000_000 - ++next, "USDTTRC20", "T", 1, null, null, null, "pending", null, Start.AddSeconds(-next))).ToList());
        var error = await Assert.ThrowsAsync<NordPayException>(() => new HistoryReader(Endless).ReadAsync(null, _ => false, CancellationToken.None));
        Assert.Equal("HistoryUnreliable", error.ErrorId);
        Assert.Equal(HistoryReader.MostPages * HistoryReader.PageSize, next);
    }

    [Fact]
    public async Task Withdrawals_shown_again_by_paging_while_payouts_are_made_are_read_once()
    {
        var items = History(300);
        // After the first page, two payouts are made: the second page starts with the first page's last two again.
        var server = new Server(items) { BetweenPages = call => { if (call == 1) items.AddRange(History(302).Skip(300)); } };
        var read = await server.Reader().ReadAsync("USDTTRC20", _ => false, CancellationToken.None);
        Assert.Equal(300, read.Count);
        Assert.Equal(read.Count, read.Select(w => w.Id).Distinct().Count());
    }

    [Fact]
    public async Task A_withdrawal_shown_again_with_other_details_makes_the_history_unreliable()
    {
        var changed = History(300);
        var shifted = new Server(changed)
        {
            BetweenPages = call =>
            {
                if (call != 1) return;
                // Shifts the pages by one, and the withdrawal shown again has another amount.
                changed.Add(History(301)[300]);
                var was = changed[100];
                changed[100] = new NordPayWithdrawal(was.Id, was.Currency, was.Address, 5000m, null, null, null, was.Status, null, was.CreatedAt);
            },
        };
        var error = await Assert.ThrowsAsync<NordPayException>(() => shifted.Reader().ReadAsync("USDTTRC20", _ => false, CancellationToken.None));
        Assert.Equal("HistoryUnreliable", error.ErrorId);
        Assert.Contains("other details", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(14)]
    public async Task A_short_history_is_read_as_it_was_though_withdrawals_made_meanwhile_push_its_last_ones_onto_the_next_page(int made)
    {
        // Other workers' confirms land between the first page (the whole history) and the next: fewer than were read, as
        // many (the next page is then the whole history again, as an ignored offset shows it) or more.
        var items = History(9);
        var server = new Server(items) { BetweenPages = call => { if (call == 1) items.AddRange(History(9 + made).Skip(9)); } };
        var read = await server.Reader().ReadAsync("USDTTRC20", _ => false, CancellationToken.None);
        Assert.Equal(Enumerable.Range(1, 9).Reverse().Select(i => (long)i), read.Select(w => w.Id));
    }

    [Fact]
    public async Task A_page_in_no_order_or_of_another_currency_is_unreliable()
    {
        var shuffled = History(10);
        (shuffled[3], shuffled[7]) = (shuffled[7], shuffled[3]);
        Task<IReadOnlyList<NordPayWithdrawal>> AsGiven(string? currency, int offset, int limit, CancellationToken cancellation) =>
            Task.FromResult<IReadOnlyList<NordPayWithdrawal>>(shuffled.Skip(offset).Take(limit).ToList());
        Assert.Equal("HistoryUnreliable", (await Assert.ThrowsAsync<NordPayException>(() => new HistoryReader(AsGiven).ReadAsync(null, _ => false, CancellationToken.None))).ErrorId);

        var other = new Server(History(3));
        var error = await Assert.ThrowsAsync<NordPayException>(() => other.Reader().ReadAsync("BTC", _ => false, CancellationToken.None));
        Assert.Contains("of USDTTRC20", error.Message, StringComparison.Ordinal);
    }
}
