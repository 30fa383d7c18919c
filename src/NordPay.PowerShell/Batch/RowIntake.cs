using System.Collections.Generic;
using NordPay.Core;

namespace NordPay.Batch
{
    /// <summary>
    /// Gives each row its identity as it arrives: its own reference, or one derived from its content and occurrence.
    /// Only 64-bit hashes stay in memory (occurrences of identical payouts, references seen, references seen twice),
    /// so memory does not grow with the row's size; a hash collision is only ever confirmed against the rows themselves.
    /// </summary>
    internal sealed class RowIntake
    {
        private readonly Dictionary<ulong, int> _occurrences = new Dictionary<ulong, int>();
        private readonly HashSet<ulong> _references = new HashSet<ulong>();
        private readonly HashSet<ulong> _repeated = new HashSet<ulong>();

        /// <summary>The first row of the input that writes an amount with a decimal comma: '.' before three digits is then ambiguous in every row.</summary>
        public int? DecimalCommaRow { get; set; }

        public PayoutRow Identify(int row, string? reference, string currency, string address, decimal amount)
        {
            if (string.IsNullOrEmpty(reference))
            {
                var payout = new PayoutKey(currency, address, amount);
                var key = Hash(payout.Text);
                var occurrence = _occurrences[key] = _occurrences.TryGetValue(key, out var seen) ? seen + 1 : 1;
                return new PayoutRow(row, RowIdentity.Derive(payout, occurrence), true, currency, address, amount, null);
            }
            if (!_references.Add(Hash(reference!))) _repeated.Add(Hash(reference!));
            return new PayoutRow(row, reference!, false, currency, address, amount, null);
        }

        /// <summary>True when a row's own reference may have been given to more than one row.</summary>
        public bool MaybeRepeated(PayoutRow row) => !row.DerivedReference && _repeated.Contains(Hash(row.Reference));

        /// <summary>FNV-1a, 64 bits: what stays in memory of a row's text.</summary>
        internal static ulong Hash(string text)
        {
            var hash = 14695981039346656037UL;
            foreach (var c in text)
            {
                hash ^= c;
                hash *= 1099511628211UL;
            }
            return hash;
        }
    }
}
