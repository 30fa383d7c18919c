using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using NordPay.Core;

namespace NordPay.Batch
{
    /// <summary>
    /// How a row without a reference column is identified: by its currency, its wallet (an EVM address in any letter
    /// case) and its amount's value (2.5, 2.50 and 2.500 are one amount, as a spreadsheet re-saving the file may write
    /// it), and its occurrence among identical rows, so two identical rows are two payouts and each matches its own
    /// journal entries on a re-run.
    /// </summary>
    internal static class RowIdentity
    {
        private static readonly Regex Derived = new Regex("^auto-([0-9a-f]{16})-([0-9]+)$", RegexOptions.CultureInvariant);

        public static string Derive(PayoutKey key, int occurrence) => Derive(key.Text, occurrence);

        // 0.1 hashed the amount and the address as spelled, in the same three lines.
        private static string DeriveAsSpelled(string currency, string address, string amount, int occurrence) =>
            Derive(currency + "\n" + address + "\n" + amount, occurrence);

        private static string Derive(string payout, int occurrence)
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(payout));
            var hex = BitConverter.ToString(hash, 0, 8).Replace("-", string.Empty).ToLowerInvariant();
            return $"auto-{hex}-{occurrence.ToString(CultureInfo.InvariantCulture)}";
        }

        /// <summary>
        /// Journals written before 0.2 derived references from the amount and address as spelled: their entries are renamed to the
        /// references this version derives. When two journaled rows become one (the same payout written two ways),
        /// which is which cannot be told, and the journal is refused.
        /// </summary>
        public static IReadOnlyList<JournalEntry> UpgradeDerived(IReadOnlyList<JournalEntry> entries, string path)
        {
            var renamed = new Dictionary<string, string>(StringComparer.Ordinal);
            var owners = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var planned in entries.Where(e => e.Event == JournalEvent.Planned && e.References.Count == 1))
            {
                var reference = planned.References[0];
                var match = Derived.Match(reference);
                if (!match.Success || planned.Currency == null || planned.Address == null || planned.Amount == null
                    || !Amount.TryParseServer(planned.Amount, out var amount)) continue;
                var occurrence = int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
                // Only a reference derived from this very entry is renamed; a user's own reference that looks alike is kept.
                if (DeriveAsSpelled(planned.Currency, planned.Address, planned.Amount, occurrence) != reference) continue;
                var current = Derive(new PayoutKey(planned.Currency, planned.Address, amount), occurrence);
                if (owners.TryGetValue(current, out var other) && other != reference)
                    throw new NordPayException("JournalReferencesAmbiguous", ErrorKind.InvalidData,
                        $"The journal {path} was written by NordPay.PowerShell 0.1, which told rows without a reference apart by how their amount was " +
                        $"spelled: '{other}' and '{reference}' ({planned.Amount} {planned.Currency} to {planned.Address}) are the same payout to this " +
                        "version, which cannot tell which entry is which row. Nothing was paid.", "JournalPath",
                        recommendedAction: "Finish this batch with NordPay.PowerShell 0.1, or check the withdraw history and pay the rows left in a new journal.");
                owners[current] = reference;
                renamed[reference] = current;
            }
            if (renamed.All(r => r.Key == r.Value)) return entries;
            return entries.Select(e => e.References.Any(renamed.ContainsKey)
                ? e with { References = e.References.Select(r => renamed.TryGetValue(r, out var to) ? to : r).ToArray() }
                : e).ToList();
        }
    }
}
