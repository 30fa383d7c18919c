using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>
    /// Compares batch journals with NordPay's withdraw history over the journals' time span, in the currencies they pay,
    /// by the rules a run itself follows (<see cref="WithdrawalClaims"/>): a withdrawal is claimed by one row at most, a row
    /// whose withdrawal id is unknown claims one only when exactly one fits its confirm's window and no other such row
    /// could be it. Reads the history only: it writes no journal, and claims nothing for the session.
    /// </summary>
    internal static class Reconciliation
    {

        public static async Task<IReadOnlyList<NordPayJournalDiscrepancy>> CompareAsync(NordPayClient client,
            IReadOnlyList<(string Path, IReadOnlyList<JournalEntry> Entries)> journals, CancellationToken cancellation)
        {
            var rows = journals.SelectMany(j => RowRecord.Fold(j.Entries).Values.Select(r => new JournalRecord(j.Path, r))).ToList();
            var times = journals.SelectMany(j => j.Entries).Select(e => e.At).ToList();
            var currencies = rows.Select(r => r.Record.Currency).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (times.Count == 0 || currencies.Count == 0) return Array.Empty<NordPayJournalDiscrepancy>();
            var (first, last) = (times.Min(), times.Max());
            var history = await client.GetHistoryAsync(currencies, client.Span(first, last).From, cancellation).ConfigureAwait(false);
            // Read again now that NordPay's clock is known from its answers: tighter.
            var span = client.Span(first, last);
            var byId = history.GroupBy(w => w.Id).ToDictionary(g => g.Key, g => g.First());

            var found = new List<NordPayJournalDiscrepancy>();
            var claims = new WithdrawalClaims();
            var shown = new HashSet<long>();
            foreach (var row in rows.Where(r => r.WithdrawalId != null))
            {
                claims.Claim(new[] { row.WithdrawalId!.Value });
                if (!byId.TryGetValue(row.WithdrawalId.Value, out var withdrawal))
                    found.Add(row.Discrepancy(NordPayDiscrepancyKind.Missing, null, Array.Empty<NordPayWithdrawal>(),
                        $"The journal records withdrawal {row.WithdrawalId} for it, which is not in the {row.Record.Currency} withdraw history since {span.From:u}."));
                else if (PaysNothing(withdrawal))
                    found.Add(CancelledRow(row, withdrawal));
                else if (row.Record.Key is { } key && !key.Equals(new PayoutKey(withdrawal.Currency, withdrawal.Address, withdrawal.Amount)))
                    found.Add(row.Discrepancy(NordPayDiscrepancyKind.Mismatched, withdrawal, Array.Empty<NordPayWithdrawal>(),
                        $"The journal records it as paid with withdrawal {withdrawal.Id}, which pays {Amount.Format(withdrawal.Amount)} {withdrawal.Currency} to {withdrawal.Address}, " +
                        $"not {Amount.Format(key.Amount)} {key.Currency} to {key.Address}: this row may be unpaid, and another paid twice."));
            }

            // Payouts that may exist under no known withdrawal id, by the confirm that sent them: found all together, or not at all.
            var unexplained = rows.Where(r => r.Record.Unexplained)
                .GroupBy(r => r.Owner).OrderBy(g => g.First().Record.ConfirmSentAt ?? g.First().Record.ChangedAt).ToList();
            foreach (var group in unexplained)
                foreach (var row in group)
                    claims.Unexplained(row.Record.Key!, row.Record.ConfirmWindow(client), group.Key);
            foreach (var group in unexplained)
            {
                var members = group.ToList();
                var match = claims.Match(members.Select(m => m.Record.Key!).ToList(), members[0].Record.ConfirmWindow(client), history, group.Key);
                for (var i = 0; i < members.Count; i++)
                {
                    var row = members[i];
                    var own = match.Withdrawals?[i];
                    if (row.Record.State == PayoutState.Confirmed)
                    {
                        if (own == null)
                        {
                            shown.UnionWith(match.Candidates.Select(c => c.Id));
                            found.Add(row.Discrepancy(NordPayDiscrepancyKind.Missing, null, match.Candidates,
                                $"The journal records it as paid with no withdrawal id, and its withdrawal is not in the history: {match.Reason}."));
                        }
                        else if (PaysNothing(own))
                            found.Add(CancelledRow(row, own));
                        continue;
                    }
                    var candidates = own != null ? new[] { own } : match.Candidates;
                    shown.UnionWith(candidates.Select(c => c.Id));
                    found.Add(row.Discrepancy(NordPayDiscrepancyKind.InDoubt, null, candidates, (own != null
                        ? $"Withdrawal {own.Id} ({own.Status}, created {own.CreatedAt:u}) is the only one that fits its confirm: a re-run records it as paid."
                        : $"Its confirm's outcome is unknown: {match.Reason}.{Listed(candidates)}")
                        + $" Settle it on this evidence: -SettleInDoubt Paid or NotPaid -SettleReference {row.Record.Reference}."));
                }
            }

            var rowOf = rows.Where(r => r.Record.Key != null).GroupBy(r => r.Record.Key!).ToDictionary(g => g.Key, g => g.First());
            foreach (var withdrawal in history.Where(w => span.Contains(w.CreatedAt) && !claims.IsClaimed(w.Id) && !shown.Contains(w.Id)).OrderBy(w => w.CreatedAt))
                found.Add(Unclaimed(withdrawal, rowOf.TryGetValue(new PayoutKey(withdrawal.Currency, withdrawal.Address, withdrawal.Amount), out var lookalike) ? lookalike : null));
            return found;
        }

        private static bool PaysNothing(NordPayWithdrawal withdrawal) => !WithdrawalStatus.Pays(withdrawal.Status);

        private static NordPayJournalDiscrepancy CancelledRow(JournalRecord row, NordPayWithdrawal withdrawal) =>
            row.Discrepancy(NordPayDiscrepancyKind.Cancelled, withdrawal, Array.Empty<NordPayWithdrawal>(),
                (row.Record.State == PayoutState.Confirmed ? "The journal records it as paid, but " : string.Empty)
                + $"NordPay reports withdrawal {withdrawal.Id} as '{withdrawal.Status}': nothing was paid. Pay it again with -SettleInDoubt NotPaid, or in a new batch, if it is still owed.");

        private static NordPayJournalDiscrepancy Unclaimed(NordPayWithdrawal withdrawal, JournalRecord? lookalike)
        {
            var what = $"Withdrawal {withdrawal.Id} ({withdrawal.Status}, created {withdrawal.CreatedAt:u}) pays {Amount.Format(withdrawal.Amount)} {withdrawal.Currency} to {withdrawal.Address}";
            var why = lookalike == null
                ? "; no journal row pays that: paid outside the module?"
                : lookalike.Record.State == PayoutState.Confirmed
                    ? $", as row {lookalike.Record.Row} ({lookalike.Record.Reference}) of {lookalike.Path} does, which is paid{(lookalike.WithdrawalId is { } id ? " as withdrawal " + id : string.Empty)}: paid twice?"
                    : $", as row {lookalike.Record.Row} ({lookalike.Record.Reference}) of {lookalike.Path} does, which the journal records as {lookalike.Record.State}: paid outside the module?";
            return new NordPayJournalDiscrepancy(NordPayDiscrepancyKind.Unclaimed, lookalike?.Path, lookalike?.Record.Reference, lookalike?.Record.Row,
                withdrawal.Currency, withdrawal.Address, withdrawal.Amount, withdrawal.Id, withdrawal.Status, withdrawal.CreatedAt, Array.Empty<NordPayWithdrawal>(),
                what + why + (PaysNothing(withdrawal) ? $" It is '{withdrawal.Status}': nothing was paid." : " No journal claims it."));
        }

        private static string Listed(IReadOnlyList<NordPayWithdrawal> candidates) =>
            candidates.Count == 0 ? " No withdrawal of the history could be it."
                : $" Withdrawals that could be it: {string.Join(", ", candidates.Select(c => $"{c.Id} ({c.Status}, created {c.CreatedAt:u})"))}.";

        /// <summary>A row of one of the journals compared.</summary>
        private sealed class JournalRecord
        {
            public JournalRecord(string path, RowRecord record)
            {
                Path = path;
                Record = record;
            }

            public string Path { get; }
            public RowRecord Record { get; }

            /// <summary>The row's own withdrawal, when the journal knows it.</summary>
            public long? WithdrawalId => Record.OwnWithdrawalId;

            // Two journals may use the same reference; a request's identifier is unique anyway.
            public object Owner => (Path, Record.ConfirmOwner);

            public NordPayJournalDiscrepancy Discrepancy(NordPayDiscrepancyKind kind, NordPayWithdrawal? withdrawal, IReadOnlyList<NordPayWithdrawal> candidates, string message) =>
                new NordPayJournalDiscrepancy(kind, Path, Record.Reference, Record.Row, Record.Currency, Record.Address, Amount.ReadServer(Record.Amount),
                    withdrawal?.Id ?? WithdrawalId, withdrawal?.Status, withdrawal?.CreatedAt, candidates, message);
        }
    }
}
