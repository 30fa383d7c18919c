using System;
using System.Collections.Generic;
using System.Linq;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>Where a row of this run stands before anything is paid.</summary>
    public enum RowStage
    {
        ToPay,
        AlreadyPaid,
        /// <summary>A confirm was sent by an earlier run with no known outcome: looked up, never paid again automatically.</summary>
        InDoubt,
        /// <summary>Refused by the preflight checks: reported and left out.</summary>
        Invalid,
    }

    /// <summary>
    /// The plan of a run, built row by row in input order before anything is paid: each row classified once against the
    /// journal and NordPay's currency list, the problems of the batch as a whole (a reference on two rows, a reference the
    /// journal knows with other details, a currency's total over its balance), and the totals the confirmation shows.
    /// Only one stage per row stays in memory.
    /// </summary>
    public sealed class BatchPlan
    {
        private readonly IReadOnlyDictionary<string, RowRecord> _records;
        private readonly IReadOnlyDictionary<string, NordPayCurrency> _currencies;
        private readonly IReadOnlyDictionary<string, decimal> _balances;
        private readonly RowIntake _intake;
        private readonly List<RowStage> _stages = new List<RowStage>();
        private readonly Dictionary<string, (int Rows, decimal Total)> _totals = new Dictionary<string, (int, decimal)>(StringComparer.Ordinal);
        private readonly HashSet<ulong> _addresses = new HashSet<ulong>();
        private readonly Dictionary<string, List<int>> _rowsByRepeatedReference = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        private readonly List<NordPayException> _conflicts = new List<NordPayException>();
        private readonly Dictionary<string, int> _inDoubtIndex = new Dictionary<string, int>(StringComparer.Ordinal);

        public BatchPlan(IReadOnlyDictionary<string, RowRecord> records, IReadOnlyDictionary<string, NordPayCurrency> currencies,
            IReadOnlyDictionary<string, decimal> balances, RowIntake intake)
        {
            _records = records;
            _currencies = currencies;
            _balances = balances;
            _intake = intake;
        }

        /// <summary>Rows an earlier run confirmed with no known outcome, with what the journal says of them.</summary>
        public List<(PayoutRow Row, RowRecord Record)> InDoubt { get; } = new List<(PayoutRow, RowRecord)>();

        public int ToPay => _totals.Values.Sum(t => t.Rows);

        public int AlreadyPaid => _stages.Count(s => s == RowStage.AlreadyPaid);

        /// <summary>Classifies the next row of the input; an invalid row's problem is returned with it.</summary>
        public (RowStage Stage, NordPayException? Problem) Add(PayoutRow row)
        {
            var record = Record(row);
            if (_intake.MaybeRepeated(row))
                (_rowsByRepeatedReference.TryGetValue(row.Reference, out var rows) ? rows : _rowsByRepeatedReference[row.Reference] = new List<int>()).Add(row.Row);
            if (record?.Key is { } journaled && !journaled.Equals(row.Key))
                _conflicts.Add(new NordPayException("ReferenceConflict", ErrorKind.InvalidData,
                    $"Row {row.Row}: reference '{row.Reference}' is in the journal for {record.Amount} {record.Currency} to {record.Address}, not {Amount.Format(row.Amount)} {row.Currency} to {row.Address}.",
                    "Reference", recommendedAction: "A journal belongs to one batch: use a new journal for a changed file, or restore the row."));

            NordPayException? problem = null;
            var stage = record?.State == PayoutState.Confirmed ? RowStage.AlreadyPaid
                : record is { State: PayoutState.ConfirmSending or PayoutState.InDoubt } ? RowStage.InDoubt
                : (problem = Preflight.CheckRow(row, _currencies)) != null ? RowStage.Invalid
                : RowStage.ToPay;
            if (stage == RowStage.InDoubt)
            {
                _inDoubtIndex[row.Reference] = _stages.Count;
                InDoubt.Add((row, record!));
            }
            if (stage == RowStage.ToPay) Count(row);
            _stages.Add(stage);
            return (stage, problem);
        }

        /// <summary>The stage of the <paramref name="index"/>th row, in input order.</summary>
        public RowStage StageAt(int index) => _stages[index];

        /// <summary>How many rows are classified so far.</summary>
        public int Classified => _stages.Count;

        /// <summary>Why an invalid row was left out, told again rather than kept: only one stage per row stays in memory.</summary>
        public NordPayException? ProblemOf(PayoutRow row) => Preflight.CheckRow(row, _currencies);

        public RowRecord? Record(PayoutRow row) => _records.TryGetValue(row.Reference, out var record) ? record : null;

        /// <summary>
        /// A row in doubt the operator settled: paid, it is already paid; not paid, it is paid again, once it passes the
        /// preflight checks (whose problem is returned).
        /// </summary>
        public NordPayException? Settle(PayoutRow row, bool paid)
        {
            var index = _inDoubtIndex[row.Reference];
            var problem = paid ? null : Preflight.CheckRow(row, _currencies);
            _stages[index] = paid ? RowStage.AlreadyPaid : problem != null ? RowStage.Invalid : RowStage.ToPay;
            if (_stages[index] == RowStage.ToPay) Count(row);
            return problem;
        }

        /// <summary>The problems of the batch as a whole, which stop it before anything is paid.</summary>
        public IReadOnlyList<NordPayException> Problems()
        {
            var problems = new List<NordPayException>(_conflicts);
            foreach (var repeated in _rowsByRepeatedReference.Where(d => d.Value.Count > 1))
                problems.Add(new NordPayException("DuplicateReference", ErrorKind.InvalidData,
                    $"Reference '{repeated.Key}' is on rows {string.Join(", ", repeated.Value)}; each payout needs its own.", "Reference",
                    recommendedAction: "Give each row its own reference."));
            problems.AddRange(Preflight.CheckTotals(_totals, _balances));
            return problems;
        }

        /// <summary>What the operator confirms: the payouts, their totals against the balances, and what is skipped.</summary>
        public string Describe(string journalPath, int alreadyPaid)
        {
            var byCurrency = _totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
                $"{Amount.Format(t.Value.Total)} {t.Key} (balance {(_balances.TryGetValue(t.Key, out var b) ? Amount.Format(b) : "unknown")})");
            var doubt = InDoubt.Count > 0 ? $"; {InDoubt.Count} in doubt, not paid" : string.Empty;
            return $"{ToPay} payouts to {_addresses.Count} addresses: {string.Join(", ", byCurrency)}; {alreadyPaid} already paid{doubt}; journal {journalPath}";
        }

        private void Count(PayoutRow row)
        {
            _totals[row.Currency] = _totals.TryGetValue(row.Currency, out var t) ? (t.Rows + 1, t.Total + row.Amount) : (1, row.Amount);
            _addresses.Add(RowIntake.Hash(row.Address));
        }
    }
}
