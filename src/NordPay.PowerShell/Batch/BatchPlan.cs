using System;
using System.Collections.Generic;
using System.Linq;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Policy;

namespace NordPay.Batch
{
    /// <summary>Where a row of this run stands before anything is paid.</summary>
    internal enum RowStage
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
    /// journal, NordPay's currency list and the policy, the problems of the batch as a whole (a reference on two rows, a
    /// reference the journal knows with other details, a currency's total over its balance or the policy's limits), and
    /// the totals the confirmation shows.
    /// Only one stage per row stays in memory.
    /// </summary>
    internal sealed class BatchPlan
    {
        private readonly IReadOnlyDictionary<string, RowRecord> _records;
        private readonly IReadOnlyDictionary<string, NordPayCurrency> _currencies;
        private readonly IReadOnlyDictionary<string, decimal> _balances;
        private readonly IReadOnlyDictionary<string, decimal> _feePercents;
        private readonly RowIntake _intake;
        private readonly NordPayPolicy? _policy;
        private readonly RepeatGuard? _repeats;
        private readonly bool _repeatsAllowed;
        private readonly List<RowStage> _stages = new List<RowStage>();
        private readonly Dictionary<string, (int Rows, decimal Total)> _totals = new Dictionary<string, (int, decimal)>(StringComparer.Ordinal);
        private readonly HashSet<ulong> _addresses = new HashSet<ulong>();
        private readonly Dictionary<string, List<int>> _rowsByRepeatedReference = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        private readonly List<NordPayException> _conflicts = new List<NordPayException>();
        private readonly Dictionary<string, int> _inDoubtIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        // Payouts the journal says may be paid that no row of this file has named yet, and the rows it does not know by payout:
        // the two meeting is a reference renamed (a column renamed or added, 0001 re-saved as 1), which would pay again.
        private readonly Dictionary<string, RowRecord> _unnamed;
        private readonly Dictionary<PayoutKey, List<int>> _unknownRows = new Dictionary<PayoutKey, List<int>>();

        /// <param name="intake">The intake that identified every row of the input, all of them before the first is added here.</param>
        /// <param name="feePercents">The fee percent NordPay publishes per currency (its withdraw limits), where it could be read: the prompts' estimates.</param>
        public BatchPlan(IReadOnlyDictionary<string, RowRecord> records, IReadOnlyDictionary<string, NordPayCurrency> currencies,
            IReadOnlyDictionary<string, decimal> balances, RowIntake intake, NordPayPolicy? policy = null, RepeatGuard? repeats = null, bool repeatsAllowed = false,
            IReadOnlyDictionary<string, decimal>? feePercents = null)
        {
            _feePercents = feePercents ?? new Dictionary<string, decimal>();
            _repeats = repeats;
            _repeatsAllowed = repeatsAllowed;
            _records = records;
            _currencies = currencies;
            _balances = balances;
            _intake = intake;
            _policy = policy;
            _unnamed = records.Values.Where(r => r.MayBePaid && r.Key != null).ToDictionary(r => r.Reference, StringComparer.Ordinal);
        }

        /// <summary>Rows to pay that repeat a withdrawal in NordPay's history, by reference, paid because the call allows repeats (-AllowRepeat).</summary>
        public Dictionary<string, NordPayWithdrawal> AllowedRepeats { get; } = new Dictionary<string, NordPayWithdrawal>(StringComparer.Ordinal);

        /// <summary>Rows an earlier run confirmed with no known outcome, with what the journal says of them.</summary>
        public List<(PayoutRow Row, RowRecord Record)> InDoubt { get; } = new List<(PayoutRow, RowRecord)>();

        public int ToPay => _totals.Values.Sum(t => t.Rows);

        public int AlreadyPaid => _stages.Count(s => s == RowStage.AlreadyPaid);

        /// <summary>Classifies the next row of the input; the preflight check of a row to pay or an invalid one is returned with it.</summary>
        public (RowStage Stage, RowCheck? Check) Add(PayoutRow row)
        {
            var record = Record(row);
            _unnamed.Remove(row.Reference);
            // Kept only when the journal knows anything: a first run's rows are all new, and memory must not grow with them.
            if (record == null && _records.Count > 0)
                (_unknownRows.TryGetValue(row.Key, out var unknown) ? unknown : _unknownRows[row.Key] = new List<int>()).Add(row.Row);
            if (_intake.MaybeRepeated(row))
                (_rowsByRepeatedReference.TryGetValue(row.Reference, out var rows) ? rows : _rowsByRepeatedReference[row.Reference] = new List<int>()).Add(row.Row);
            if (record?.Key is { } journaled && !journaled.Equals(row.Key))
                _conflicts.Add(new NordPayException("ReferenceConflict", ErrorKind.InvalidData,
                    $"Row {row.Row}: reference '{row.Reference}' is in the journal for {record.Amount} {record.Currency} to {record.Address}, not {Amount.Format(row.Amount)} {row.Currency} to {row.Address}.",
                    "Reference", recommendedAction: "A journal belongs to one batch: use a new journal for a changed file, or restore the row."));

            RowCheck? check = null;
            var stage = record?.State == PayoutState.Confirmed ? RowStage.AlreadyPaid
                : record is { State: PayoutState.ConfirmSending or PayoutState.InDoubt or PayoutState.WithdrawalFailed } ? RowStage.InDoubt
                : (check = Check(row)).Problem != null ? RowStage.Invalid
                : RowStage.ToPay;
            if (stage == RowStage.InDoubt)
            {
                _inDoubtIndex[row.Reference] = _stages.Count;
                InDoubt.Add((row, record!));
            }
            if (stage == RowStage.ToPay) Count(row);
            _stages.Add(stage);
            return (stage, check);
        }

        /// <summary>The stage of the <paramref name="index"/>th row, in input order.</summary>
        public RowStage StageAt(int index) => _stages[index];

        /// <summary>How many rows are classified so far.</summary>
        public int Classified => _stages.Count;

        /// <summary>Why an invalid row was left out, told again rather than kept: only one stage per row stays in memory.</summary>
        public NordPayException? ProblemOf(PayoutRow row) => Check(row).Problem;

        public RowRecord? Record(PayoutRow row) => Record(row.Reference);

        public RowRecord? Record(string reference) => _records.TryGetValue(reference, out var record) ? record : null;

        /// <summary>
        /// A row in doubt the operator settled: paid, it is already paid; not paid, it is paid again, once it passes the
        /// preflight checks (whose problem is returned).
        /// </summary>
        public NordPayException? Settle(PayoutRow row, bool paid)
        {
            var index = _inDoubtIndex[row.Reference];
            var problem = paid ? null : Check(row).Problem;
            _stages[index] = paid ? RowStage.AlreadyPaid : problem != null ? RowStage.Invalid : RowStage.ToPay;
            if (_stages[index] == RowStage.ToPay) Count(row);
            return problem;
        }

        /// <summary>The rows to pay and their total, per currency.</summary>
        public IReadOnlyDictionary<string, (int Rows, decimal Total)> Totals => _totals;

        /// <summary>The currencies of the rows to pay, and of those in doubt, which a settlement may add.</summary>
        public IEnumerable<string> Currencies => _totals.Keys.Concat(InDoubt.Select(r => r.Row.Currency)).Distinct(StringComparer.Ordinal);

        /// <summary>
        /// The problems of the batch as a whole, which stop it before anything is paid; under a policy, <paramref name="days"/>
        /// holds what each currency with a day limit already paid today.
        /// </summary>
        public IReadOnlyList<NordPayException> Problems(IReadOnlyDictionary<string, DayTotal>? days = null)
        {
            var problems = new List<NordPayException>(_conflicts);
            foreach (var repeated in _rowsByRepeatedReference.Where(d => d.Value.Count > 1))
                problems.Add(new NordPayException("DuplicateReference", ErrorKind.InvalidData,
                    $"Reference '{repeated.Key}' is on rows {string.Join(", ", repeated.Value)}; each payout needs its own.", "Reference",
                    recommendedAction: "Give each row its own reference."));
            foreach (var renamed in _unnamed.Values.GroupBy(r => r.Key!).Where(g => _unknownRows.ContainsKey(g.Key)))
                problems.Add(new NordPayException("ReferenceRenamed", ErrorKind.InvalidData,
                    $"The journal has {Amount.Format(renamed.Key.Amount)} {renamed.Key.Currency} to {renamed.Key.Address} as paid or maybe paid under " +
                    $"reference {string.Join(", ", renamed.Select(r => $"'{r.Reference}'"))}, which no row of this file names, and row(s) " +
                    $"{string.Join(", ", _unknownRows[renamed.Key])} name the same payout under a reference the journal does not know: a reference column " +
                    "renamed, added or removed, or a reference re-spelled (0001 saved as 1), would pay it again.", "Reference",
                    recommendedAction: "Give the rows the references the journal knows (Get-NordPayJournal lists them); for a new batch, use a new journal."));
            problems.AddRange(Preflight.CheckTotals(_totals, _balances));
            if (_policy != null) problems.AddRange(PolicyRules.CheckBatch(_policy, _totals, days ?? new Dictionary<string, DayTotal>()));
            return problems;
        }

        /// <summary>What the operator confirms: the payouts, their totals against the balances, and what is skipped.</summary>
        public string Describe(string journalPath, int alreadyPaid)
        {
            // NordPay sets each fee at the row's request, after the batch is described: each currency's total (what its
            // balance is debited) is its amount plus fees estimated at NordPay's published percent, or, without it, not known yet.
            var byCurrency = _totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
            {
                var hasBalance = _balances.TryGetValue(t.Key, out var balance);
                var amount = Amount.Format(t.Value.Total);
                var head = $"{amount} {t.Key} (balance {(hasBalance ? Amount.Format(balance) : "unknown")}): amount {amount} + ";
                if (!(Estimate(t.Key, t.Value.Total) is { } estimate))
                    return head + $"service fees not known before the requests = total {amount} {t.Key} plus those fees";
                var over = hasBalance && estimate.Total > balance ? ", more than the balance: the last requests may be refused" : string.Empty;
                return head + $"service fees about {Amount.Canonical(estimate.Fee)} {EstimateBasis(t.Key)} = total about {Amount.Canonical(estimate.Total)} {t.Key}{over}";
            });
            var doubt = InDoubt.Count > 0 ? $"; {InDoubt.Count} in doubt, not paid" : string.Empty;
            return $"{ToPay} payouts to {_addresses.Count} addresses: {string.Join(", ", byCurrency)}; {alreadyPaid} already paid{doubt}; " +
                   $"policy {_policy?.Name ?? "none"}; journal {journalPath}";
        }

        /// <summary>What the batch prompt says of the rows' fees after its totals.</summary>
        public string FeeNote() =>
            _totals.Keys.Any(c => _feePercents.ContainsKey(c))
                ? "each row's exact service fee is set by NordPay at its request, after this confirmation"
                : "service fee: not known yet, set by NordPay at each row's request, after this confirmation";

        /// <summary>What a row's prompt says of its fee: estimated at NordPay's published percent, or not known yet.</summary>
        public string FeeNote(PayoutRow row) =>
            Estimate(row.Currency, row.Amount) is { } estimate
                ? $"service fee: about {Amount.Canonical(estimate.Fee)} {row.Currency} {EstimateBasis(row.Currency)}, the exact fee set by NordPay at the row's request, after this confirmation"
                : "service fee: not known yet, set by NordPay at the row's request, after this confirmation";

        private (decimal Fee, decimal Total)? Estimate(string currency, decimal amount) =>
            _feePercents.TryGetValue(currency, out var percent) ? Preflight.EstimateFee(amount, percent) : null;

        private string EstimateBasis(string currency) => $"(estimated at the {Amount.Canonical(_feePercents[currency])} % NordPay publishes)";

        // NordPay's rules first (currency, amount, address), then the policy's for the payout itself.
        private RowCheck Check(PayoutRow row)
        {
            var check = Preflight.CheckRow(row, _currencies);
            if (check.Problem == null && Amount.AmbiguousInInput(row.Amount, _intake.DecimalCommaRow) is { } ambiguous) check = check with { Problem = ambiguous };
            if (check.Problem != null || _policy == null) return check;
            if (PolicyRules.CheckPayout(_policy, row.Currency, row.Address, row.Amount) is { } refused) return check with { Problem = refused };
            return check with { Problem = CheckRepeat(row) };
        }

        // The policy's repeat guard: a withdrawal of this very journal row (re-run) is no repeat of it.
        private NordPayException? CheckRepeat(PayoutRow row)
        {
            if (_repeats == null) return null;
            var own = _records.TryGetValue(row.Reference, out var record) && record.OwnWithdrawalId is { } id ? new[] { id } : null;
            NordPayWithdrawal? repeated;
            try
            {
                repeated = _repeats.FindRepeat(row.Currency, row.Address, row.Amount, own);
            }
            catch (NordPayException ex)
            {
                return ex;
            }
            if (repeated == null) return null;
            if (!_repeatsAllowed) return RepeatGuard.Refused(_policy!, repeated);
            AllowedRepeats[row.Reference] = repeated;
            return null;
        }

        private void Count(PayoutRow row)
        {
            _totals[row.Currency] = _totals.TryGetValue(row.Currency, out var t) ? (t.Rows + 1, t.Total + row.Amount) : (1, row.Amount);
            _addresses.Add(RowIntake.Hash(row.Address));
        }
    }
}
