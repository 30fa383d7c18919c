using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Api
{
    /// <summary>
    /// The one reader of NordPay's withdraw history, for every use of it (the day limit, a lost confirm's search, the
    /// multiple withdraw's ids, the journal's reconciliation and refresh, Get-NordPayWithdrawal). NordPay documents no
    /// default order, no page size past "max 200", and nothing of what paging does while withdrawals are added, so the
    /// reader asks for newest first and trusts nothing it gets back: each page must be in one order, continue the pages
    /// before it (withdrawals made meanwhile push the last ones read onto the next page, and are left out; a page that
    /// repeats any others means the offset was ignored), and repeat a withdrawal only as it was; the next
    /// offset is what came back, not what was asked, and the history ends at an empty page. A history read oldest first
    /// (the sort ignored) is read to its end. It never loops: past <see cref="MostPages"/> it gives up. Whatever it
    /// cannot read with certainty is <c>HistoryUnreliable</c>, and the caller fails closed.
    /// </summary>
    internal sealed class HistoryReader
    {
        /// <summary>The most NordPay gives a page.</summary>
        internal const int PageSize = 200;

        /// <summary>Pages read at most for one question: 100,000 withdrawals at NordPay's page size.</summary>
        internal const int MostPages = 500;

        internal const string NewestFirst = "created_at:desc";

        private readonly Func<string?, int, int, CancellationToken, Task<IReadOnlyList<NordPayWithdrawal>>> _page;

        /// <param name="page">One page: currency (null for all), offset, limit; asked newest first.</param>
        public HistoryReader(Func<string?, int, int, CancellationToken, Task<IReadOnlyList<NordPayWithdrawal>>> page) => _page = page;

        /// <summary>The withdrawals of these currencies created at or after <paramref name="from"/> on NordPay's clock, newest first within each.</summary>
        public async Task<IReadOnlyList<NordPayWithdrawal>> SinceAsync(IEnumerable<string> currencies, DateTimeOffset from, CancellationToken cancellation)
        {
            var history = new List<NordPayWithdrawal>();
            foreach (var currency in currencies.Distinct(StringComparer.Ordinal))
                history.AddRange(await SinceAsync(currency, from, cancellation).ConfigureAwait(false));
            return history;
        }

        /// <summary>The withdrawals (of a currency, or all) created at or after <paramref name="from"/> on NordPay's clock, newest first.</summary>
        public async Task<IReadOnlyList<NordPayWithdrawal>> SinceAsync(string? currency, DateTimeOffset from, CancellationToken cancellation) =>
            (await ReadAsync(currency, read => read[read.Count - 1].CreatedAt < from, cancellation).ConfigureAwait(false))
            .Where(w => w.CreatedAt >= from).ToList();

        /// <summary>
        /// Reads newest first until <paramref name="enough"/> says the withdrawals read so far (newest first, each once)
        /// answer the question, or to the history's end. Read oldest first, the history is read whole before it is asked.
        /// </summary>
        public async Task<IReadOnlyList<NordPayWithdrawal>> ReadAsync(string? currency, Func<IReadOnlyList<NordPayWithdrawal>, bool> enough, CancellationToken cancellation)
        {
            var read = new List<NordPayWithdrawal>();
            var byId = new Dictionary<long, int>();
            bool? oldestFirst = null;
            var offset = 0;
            for (var pages = 0; ; pages++)
            {
                if (pages == MostPages)
                    throw Unreliable(currency, $"it did not end within {MostPages} pages of {PageSize}");
                var page = await _page(currency, offset, PageSize, cancellation).ConfigureAwait(false);
                if (page.Count == 0) break;
                if (page.Count > PageSize) throw Unreliable(currency, $"a page held {page.Count} withdrawals where {PageSize} were asked");
                if (currency != null && page.FirstOrDefault(w => !string.Equals(w.Currency, currency, StringComparison.Ordinal)) is { } stray)
                    throw Unreliable(currency, $"a page asked for {currency} held withdrawal {stray.Id} of {stray.Currency}");
                var fresh = new List<NordPayWithdrawal>(page.Count);
                var seen = new List<int>(page.Count);
                var arrived = 0;
                foreach (var withdrawal in page)
                {
                    // Newest first, withdrawals made while the pages are read come on top and push the rest down, onto later
                    // pages: those newer than the newest read are not part of the history being read, and are left out.
                    if (oldestFirst == false && Compare(read[0], withdrawal) > 0)
                    {
                        arrived++;
                        continue;
                    }
                    if (byId.TryGetValue(withdrawal.Id, out var at))
                    {
                        // Paging while withdrawals are added shows the last ones of a page again on the next: as they were.
                        var before = at < read.Count ? read[at] : fresh[at - read.Count];
                        if (!SamePayout(before, withdrawal))
                            throw Unreliable(currency, $"withdrawal {withdrawal.Id} came back with other details ({before.Amount} {before.Currency} to {before.Address}, then {withdrawal.Amount} {withdrawal.Currency} to {withdrawal.Address})");
                        if (at < read.Count)
                        {
                            read[at] = withdrawal;
                            seen.Add(at);
                        }
                        else fresh[at - read.Count] = withdrawal;
                        continue;
                    }
                    byId[withdrawal.Id] = read.Count + fresh.Count;
                    fresh.Add(withdrawal);
                }
                // Pushed down, the last ones read come again at the head of the next page, in order. Any others mean the
                // offset was ignored; so do all of them with none made meanwhile, which the newest withdrawal tells when
                // exactly as many were made as were read (the page then shows none of them).
                if (seen.Count > 0 && (!seen.SequenceEqual(Enumerable.Range(read.Count - seen.Count, seen.Count))
                    || seen.Count == read.Count && arrived == 0 && !await MadeSinceAsync(currency, read[0], cancellation).ConfigureAwait(false)))
                    throw Unreliable(currency, $"the page at offset {offset} held withdrawals read before other than the last ones (offset ignored)");
                if (fresh.Count == 0)
                {
                    // Only withdrawals read before or made since the reading began: the older ones are further down.
                    offset += page.Count;
                    continue;
                }
                // The new ones must go on from the last one read, in the order the pages showed so far.
                if (!InOrder(read.Count == 0 ? fresh : new[] { read[read.Count - 1] }.Concat(fresh).ToList(), ref oldestFirst))
                    throw Unreliable(currency, $"the page at offset {offset} is not in the order of creation the pages before it showed");
                read.AddRange(fresh);
                offset += page.Count;
                if (oldestFirst == false && enough(read)) return read;
            }
            if (oldestFirst == true) read.Reverse();
            return read;
        }

        private async Task<bool> MadeSinceAsync(string? currency, NordPayWithdrawal newestRead, CancellationToken cancellation)
        {
            var newest = await _page(currency, 0, 1, cancellation).ConfigureAwait(false);
            return newest.Count > 0 && Compare(newestRead, newest[0]) > 0;
        }

        // Whether the withdrawals run in one order of creation, consistent with the order the pages before showed
        // (oldestFirst: null until two withdrawals of different times or ids tell). Ties of time go by id the same way.
        private static bool InOrder(IReadOnlyList<NordPayWithdrawal> items, ref bool? oldestFirst)
        {
            for (var i = 1; i < items.Count; i++)
            {
                var step = Compare(items[i - 1], items[i]);
                if (step == 0) continue;
                oldestFirst ??= step > 0;
                if (step > 0 != oldestFirst) return false;
            }
            return true;
        }

        private static int Compare(NordPayWithdrawal earlier, NordPayWithdrawal later)
        {
            var byTime = later.CreatedAt.CompareTo(earlier.CreatedAt);
            return Math.Sign(byTime != 0 ? byTime : later.Id.CompareTo(earlier.Id));
        }

        // The same payout read twice: its status may have moved on meanwhile, nothing else.
        private static bool SamePayout(NordPayWithdrawal a, NordPayWithdrawal b) =>
            a.Currency == b.Currency && a.Address == b.Address && a.Amount == b.Amount && a.CreatedAt == b.CreatedAt;

        private static NordPayException Unreliable(string? currency, string why) =>
            new NordPayException("HistoryUnreliable", ErrorKind.InvalidResult,
                $"NordPay's withdraw history{(currency == null ? string.Empty : " of " + currency)} could not be read with certainty: {why}.", null,
                recommendedAction: "Check the withdraw history in the NordPay panel; nothing that depends on it was decided.");
    }
}
