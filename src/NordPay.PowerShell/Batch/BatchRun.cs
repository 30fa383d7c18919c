using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Policy;

namespace NordPay.Batch
{
    /// <summary>What the operator asked of a batch run.</summary>
    internal sealed class RunOptions
    {
        /// <summary>How many rows are paid at once.</summary>
        public int ThrottleLimit { get; init; } = 1;

        /// <summary>One multiple-withdraw request and confirm per currency instead of one per row.</summary>
        public bool UseMultipleWithdraw { get; init; }

        /// <summary>Only says what the run would do: no journal, nothing sent.</summary>
        public bool WhatIf { get; init; }

        /// <summary>The operator is asked before the batch is paid: the prompts show fee estimates, read for them only.</summary>
        public bool Prompts { get; init; }

        /// <summary>How the operator settles the rows in doubt (after checking the withdraw history); null settles none.</summary>
        public NordPaySettlement? SettleInDoubt { get; init; }

        /// <summary>Limits <see cref="SettleInDoubt"/> to these references; null for every row in doubt.</summary>
        public IReadOnlyCollection<string>? SettleReferences { get; init; }

        /// <summary>The payout policy the run obeys; null when none applies.</summary>
        public NordPayPolicy? Policy { get; init; }

        /// <summary>The policy's repeat guard, when it has one.</summary>
        public RepeatGuard? RepeatGuard { get; init; }

        /// <summary>Repeats the repeat guard refuses are paid (and said so in the audit records).</summary>
        public bool AllowRepeat { get; init; }

        /// <summary>
        /// The account of the key the run uses, under which the process's day ledger counts it: asked for only when a
        /// limited day is counted, once the client exists (resolving a key anew can read a vault).
        /// </summary>
        public Func<string> Account { get; init; } = () => string.Empty;

        /// <summary>Who the run counts as in the process's day ledger until it ends (DayLedger.End).</summary>
        public object LedgerOwner { get; init; } = new object();

        /// <summary>Who runs it, as the journal says: "by user on machine".</summary>
        public string By { get; init; } = $"by {Environment.UserName} on {Environment.MachineName}";
    }

    /// <summary>What a batch run needs of the cmdlet that runs it: the rows, the operator's answers, and somewhere to report.</summary>
    internal interface IBatchHost
    {
        /// <summary>How many rows were read (those refused at intake are not among them).</summary>
        int RowCount { get; }

        /// <summary>The rows in input order; <paramref name="paying"/> for the pass that pays them (the report file lines up refused rows then).</summary>
        IEnumerable<PayoutRow> Rows(bool paying);

        /// <summary>Asks the operator before <paramref name="action"/> is done to <paramref name="target"/>; false when declined, and under -WhatIf, which says what would be done.</summary>
        bool Approve(string target, string action);

        /// <summary>Takes what the run reports, on the run's own thread.</summary>
        void Report(BatchEvent e);

        /// <summary>Takes a row's outcome reported after the run's thread left (a terminating error): recorded, never written.</summary>
        void Account(PayoutEvent e);

        /// <summary>True while the report file holds many rows done behind one still being paid: the run writes outcomes before it hands out more.</summary>
        bool ReportBehind { get; }

        /// <summary>Writes what the run's calls logged meanwhile.</summary>
        void Flush();
    }

    /// <summary>
    /// Pays a batch exactly once, whatever happens to the process, without PowerShell: reads what the preflight needs,
    /// plans every row, looks the rows in doubt up in the withdraw history (or settles them as the operator decided),
    /// asks, journals each step before the call it announces and pays, reporting each row once as a typed event. The
    /// cmdlet binds, asks and writes (<see cref="IBatchHost"/>); nothing else.
    /// </summary>
    internal sealed class BatchRun
    {
        private readonly IBatchHost _host;
        private readonly RunOptions _options;
        private readonly Func<INordPayApi> _connect;
        private readonly Journal? _journal;
        private readonly string _journalPath;
        private readonly RowIntake _intake;
        private readonly Dictionary<string, RowRecord> _records;
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
        private INordPayApi? _api;
        // What each currency the policy limits by the day paid today, read by the preflight.
        private IReadOnlyDictionary<string, DayTotal> _days = new Dictionary<string, DayTotal>();
        private int _total;

        /// <param name="connect">Makes the client the first time NordPay is needed (-WhatIf over no rows needs no key).</param>
        /// <param name="journal">This run's journal, opened; null under -WhatIf, which reads <paramref name="journalPath"/> without taking it.</param>
        /// <param name="tally">What became of the rows, the intake's refusals already in it; the run counts the rest.</param>
        /// <param name="entries">What the journal holds (<see cref="Entries"/>), read by the caller before anything else can stop the run.</param>
        public BatchRun(IBatchHost host, RunOptions options, Func<INordPayApi> connect, Journal? journal, string journalPath, IEnumerable<JournalEntry> entries,
            RowIntake intake, BatchTally tally)
        {
            _host = host;
            _options = options;
            _connect = connect;
            _journal = journal;
            _journalPath = journalPath;
            _intake = intake;
            Tally = tally;
            _records = RowRecord.Fold(entries);
        }

        /// <summary>What the journal holds: the opened journal's entries, or under -WhatIf the file's, read without taking it.</summary>
        public static IEnumerable<JournalEntry> Entries(Journal? journal, string journalPath) => journal?.Entries ?? Journal.Peek(journalPath);

        public BatchTally Tally { get; }

        private INordPayApi Api => _api ??= _connect();

        /// <summary>Runs the batch on the calling thread, which gets every report; throws what stopped it (Ctrl+C as OperationCanceledException).</summary>
        public void Run(CancellationToken cancellation)
        {
            var plan = PlanRows(cancellation);
            if (_options.WhatIf)
            {
                _host.Approve(plan.Describe(_journalPath, plan.AlreadyPaid), "Pay NordPay batch");
                foreach (var (row, index) in _host.Rows(paying: false).Select((r, i) => (r, i)))
                    if (plan.StageAt(index) == RowStage.ToPay) _host.Approve(Target(row), "Pay");
                return;
            }

            var api = Api;
            var journal = new RunJournal(_journal!);
            PayoutEngine.Remember(api, _records.Values);
            var settling = Settling(plan);
            var resolved = ResolveInDoubt(plan, settling, cancellation, out var settledByHistory, out var toSettle);
            settling.ExceptWith(settledByHistory);
            var settled = Settle(journal, plan, settling);
            // A row whose settlement the operator declined is reported as if it had not been named.
            foreach (var (reference, report) in toSettle)
                if (!settled.Contains(reference)) report();
            // Rows settled as not paid are paid now: the batch's totals are checked again with them.
            if (settled.Count + settledByHistory.Count > 0) StopOnProblems(plan.Problems(_days));
            _host.Flush();
            _total = plan.ToPay;
            // NordPay sets each fee at the row's request, which comes after the prompts: say so, beside any estimate.
            var go = _total > 0 && _host.Approve(plan.Describe(_journalPath, plan.AlreadyPaid) + $"; {plan.FeeNote()} " +
                "(review them first with New-NordPayWithdrawRequest, or in the report's ServiceFee column)", "Pay NordPay batch");
            if (go) journal.Start(_total, _options.By);
            Pay(journal, plan, resolved, go, cancellation);
            journal.Finish(Tally.ToString());
        }

        // Reads what the preflight needs, classifies each row once (bad rows are reported and left out), and stops on the
        // problems of the batch as a whole: nothing is paid then.
        private BatchPlan PlanRows(CancellationToken cancellation)
        {
            IReadOnlyDictionary<string, NordPayCurrency> currencies = new Dictionary<string, NordPayCurrency>();
            IReadOnlyDictionary<string, decimal> balances = new Dictionary<string, decimal>();
            IReadOnlyDictionary<string, decimal> feePercents = new Dictionary<string, decimal>();
            if (_host.RowCount > 0)
            {
                var list = Wait(Api.GetCurrenciesAsync, cancellation);
                _host.Report(new CurrenciesRead(list));
                currencies = Preflight.Index(list);
                balances = Wait(Api.GetBalancesAsync, cancellation);
                // Only the prompts show the estimates: a run that asks nothing makes no call for them.
                if (_options.Prompts) feePercents = ReadFeePercents(cancellation);
                // A withdrawal paid by an earlier run may have been cancelled since: its row is then not paid.
                if (_journal != null)
                    foreach (var (currency, error) in Wait(token => Engine(_ => { }).RecheckPaidAsync(_records.Values, token), cancellation))
                        Note($"The {currency} rows paid by earlier runs were not checked against the withdraw history: {error.Message}", warning: true);
            }

            var policy = _options.Policy;
            var plan = new BatchPlan(_records, currencies, balances, _intake, policy, _options.RepeatGuard, _options.AllowRepeat, feePercents);
            _host.Report(new RunPlanned(plan));
            foreach (var row in _host.Rows(paying: false))
            {
                var (stage, check) = plan.Add(row);
                if (stage == RowStage.ToPay) _host.Report(new AddressNoted(check!.Address!, row.Row));
                if (stage == RowStage.Invalid) Refuse(row, check!.Problem!);
            }
            var readAt = DateTimeOffset.UtcNow;
            _days = ReadDays(policy, plan, cancellation);
            StopOnProblems(plan.Problems(_days));
            if (!_options.WhatIf && policy != null) StopOnProblems(CountInDayLedger(policy, plan, readAt).ToList());
            return plan;
        }

        // The fee percents NordPay publishes, for the prompts' estimates only: without them the prompts say the fees are not
        // known yet, and the batch goes on (an account or API version without the endpoint answers 404).
        private IReadOnlyDictionary<string, decimal> ReadFeePercents(CancellationToken cancellation)
        {
            try
            {
                return Preflight.FeePercents(Wait(Api.GetWithdrawLimitsAsync, cancellation));
            }
            catch (NordPayException ex)
            {
                Note($"NordPay's withdraw limits could not be read, so the prompts give no fee estimates: {ex.Message}", warning: false);
                return new Dictionary<string, decimal>();
            }
        }

        // What each currency whose day the policy limits already paid today, from the withdraw history (under -WhatIf too).
        private Dictionary<string, DayTotal> ReadDays(NordPayPolicy? policy, BatchPlan plan, CancellationToken cancellation)
        {
            var days = new Dictionary<string, DayTotal>(StringComparer.Ordinal);
            if (policy == null) return days;
            foreach (var currency in plan.Currencies.Where(c => PolicyRules.LimitsDay(policy, c)).ToList())
                days[currency] = Wait(token => PaidToday.ReadAsync(Api, currency, token), cancellation);
            return days;
        }

        // The batch's totals into the process's day ledger, each with what other runs of the process admitted that the
        // history read at readAt may not show: a currency they would take past its day limit is a problem of the batch.
        private IEnumerable<NordPayException> CountInDayLedger(NordPayPolicy policy, BatchPlan plan, DateTimeOffset readAt)
        {
            foreach (var currency in plan.Totals.Where(t => PolicyRules.LimitsDay(policy, t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                NordPayException? over = null;
                DayLedger.Process.Count(_options.Account(), currency.Key, _options.LedgerOwner, readAt, currency.Value.Total, others =>
                    (over = PolicyRules.CheckDay(policy, policy.LimitOf(currency.Key)!, currency.Value.Total, _days[currency.Key],
                        $"The {currency.Value.Rows} rows to pay in {currency.Key}", others)) == null);
                if (over != null) yield return over;
            }
        }

        private void StopOnProblems(IReadOnlyList<NordPayException> problems)
        {
            foreach (var problem in problems) _host.Report(new RunProblem(problem, _journalPath));
            if (problems.Count > 0)
                throw new NordPayException("PreflightFailed", ErrorKind.InvalidOperation,
                    $"The batch has {problems.Count} problem(s) that concern it as a whole (see the errors above); nothing was paid.", null,
                    recommendedAction: "Correct the file and run the batch again with the same journal.");
        }

        // Every row in doubt is looked up in the withdraw history first, those to settle too: a confirm can land after the
        // operator looked, and what the history proves wins over -SettleInDoubt. Rows whose requests expired on NordPay's
        // clock (no confirm can land any more) settle themselves: lookalikes of the batch by count. Returns the rows whose
        // outcome was reported here; the reports of the rows the settlement decides are held in toSettle, for those it leaves.
        private HashSet<string> ResolveInDoubt(BatchPlan plan, ISet<string> settling, CancellationToken cancellation, out HashSet<string> settledByHistory,
            out List<(string Reference, Action Report)> toSettle)
        {
            var resolved = new HashSet<string>(StringComparer.Ordinal);
            var notPaid = new HashSet<string>(StringComparer.Ordinal);
            var held = new List<(string Reference, Action Report)>();
            foreach (var (row, record) in plan.InDoubt.Where(r => r.Record.State == PayoutState.WithdrawalFailed))
            {
                void NotPaid() => Refuse(row, WithdrawalStatus.NotPaid(record.WithdrawalId ?? 0, record.Message, $"{Amount.Format(row.Amount)} {row.Currency} to {row.Address}"));
                if (settling.Contains(row.Reference)) held.Add((row.Reference, NotPaid));
                else NotPaid();
            }
            foreach (var (rows, expired) in RunJournal.InDoubtGroups(plan, Api.ServerNow()))
            {
                using var resolving = new EventPump<PayoutEvent>((report, _) => Engine(report).ResolveAsync(rows, expired, cancellation), e =>
                {
                    if (e.NotPaidByHistory)
                    {
                        notPaid.Add(e.Row.Reference);
                        Note($"Row {e.Row.Row} ({e.Row.Reference}) was not paid, as the withdraw history proves now that its request expired: it is paid now.", warning: false);
                        if (plan.Settle(e.Row, paid: false) is { } problem) Refuse(e.Row, problem);
                        return;
                    }
                    // Still in doubt and about to be settled: the settlement says what becomes of it (unless it is declined).
                    if (e.InDoubt && settling.Contains(e.Row.Reference))
                    {
                        held.Add((e.Row.Reference, () => Done(e)));
                        return;
                    }
                    resolved.Add(e.Row.Reference);
                    Done(e);
                }, _host.Account);
                resolving.WriteUntilDone();
            }
            settledByHistory = notPaid;
            toSettle = held;
            return resolved;
        }

        // The references of the rows in doubt that -SettleInDoubt (and -SettleReference) names.
        private HashSet<string> Settling(BatchPlan plan) =>
            new HashSet<string>(_options.SettleInDoubt == null ? Enumerable.Empty<string>()
                : plan.InDoubt.Select(r => r.Row.Reference).Where(r => _options.SettleReferences == null || _options.SettleReferences.Contains(r, StringComparer.Ordinal)),
                StringComparer.Ordinal);

        // Settles the rows in doubt the operator checked (RunJournal.Settle), asking for each; returns their references.
        private HashSet<string> Settle(RunJournal journal, BatchPlan plan, ISet<string> settling)
        {
            if (_options.SettleInDoubt is not { } settlement) return new HashSet<string>(StringComparer.Ordinal);
            var settled = journal.Settle(plan, settling, settlement, $"by {Environment.UserName}",
                row => _host.Approve(Target(row), $"Settle as {settlement} (checked in the withdraw history)"), e =>
                {
                    if (e.ProvedPaid && settlement == NordPaySettlement.NotPaid)
                        Note($"Row {e.Row.Row} ({e.Row.Reference}) was not settled as NotPaid: the withdraw history shows it paid (withdrawal {e.Record.WithdrawalId}), so it is not paid again.", warning: true);
                    if (e.Problem != null) Refuse(e.Row, e.Problem);
                });
            // A reference mistyped, or already settled, must not pass for settled.
            var inDoubt = new HashSet<string>(plan.InDoubt.Select(r => r.Row.Reference), StringComparer.Ordinal);
            foreach (var reference in (_options.SettleReferences ?? Array.Empty<string>()).Where(r => !inDoubt.Contains(r)))
            {
                var state = plan.Record(reference)?.State;
                _host.Report(new RunProblem(new NordPayException("SettleReferenceNotInDoubt", ErrorKind.ObjectNotFound,
                    $"-SettleReference '{reference}' names no row of this batch in doubt ({(state == null ? "no row has this reference" : $"the journal has it as {state}")}); it was not settled.",
                    "SettleReference", recommendedAction: "Get-NordPayJournal -State InDoubt lists the references in doubt."), reference));
            }
            if (_options.SettleReferences == null && inDoubt.Count == 0)
                Note($"No row of this batch is in doubt in the journal {journal.Path}: -SettleInDoubt {settlement} settled nothing.", warning: true);
            return settled;
        }

        // Second pass: each row is approved here and handed to the workers as it goes (or gathered, one request per currency).
        private void Pay(RunJournal journal, BatchPlan plan, HashSet<string> resolved, bool go, CancellationToken cancellation)
        {
            var throttle = _options.ThrottleLimit;
            // Room for every worker's next window while it confirms its current one.
            using var queue = new BlockingCollection<(PayoutRow Row, RowRecord? Record)>(2 * PayoutEngine.Window(throttle) * throttle);
            var gathered = new List<PayoutRow>();
            var streaming = _options.UseMultipleWithdraw ? null
                : new EventPump<PayoutEvent>((report, leaving) => Engine(report).PayAsync(queue, throttle, leaving, cancellation), Done, _host.Account);
            try
            {
                try
                {
                    foreach (var (row, index) in _host.Rows(paying: true).Select((r, i) => (r, i)))
                    {
                        var stage = plan.StageAt(index);
                        var record = plan.Record(row);
                        if (stage == RowStage.AlreadyPaid && !resolved.Contains(row.Reference))
                        {
                            Tally.CountAlreadyPaid();
                            _host.Report(new RowAlreadyPaid(row, PayoutEngine.AlreadyPaid(row, record!)));
                        }
                        if (stage != RowStage.ToPay || !go || !_host.Approve($"{Target(row)}; {plan.FeeNote(row)}", "Pay"))
                        {
                            if (stage == RowStage.ToPay) Tally.CountDeclined();
                            _host.Report(new RowNotSent(row, index, stage == RowStage.ToPay));
                            continue;
                        }
                        journal.Plan(row, record);
                        if (streaming != null)
                        {
                            if (!Hand(streaming, queue, row, record, cancellation)) break;
                            continue;
                        }
                        // One request per currency needs its rows together.
                        _host.Report(new RowHanded(row));
                        gathered.Add(row);
                    }
                }
                finally
                {
                    // Ends the workers' wait for rows once they took the last one.
                    queue.CompleteAdding();
                }
                using var multiple = streaming == null
                    ? new EventPump<PayoutEvent>((report, _) => Engine(report).PayMultipleAsync(gathered, cancellation), Done, _host.Account)
                    : null;
                (streaming ?? multiple!).WriteUntilDone();
            }
            finally
            {
                // However this run is left, the workers are stopped and waited for before the journal closes; then the rows
                // none of them took (the batch stopped) are known never sent, whatever the report would guess.
                streaming?.Dispose();
                while (queue.TryTake(out var untaken)) _host.Account(PayoutEvent.Unsent(untaken.Row));
                _host.Flush();
                if (_total > 0) _host.Report(new RunProgress(_total, _total, Completed: true));
            }
        }

        // Queues a row for the workers, writing what they report meanwhile; false when they stopped on a failure no row can
        // get past (WriteUntilDone says which).
        private bool Hand(EventPump<PayoutEvent> streaming, BlockingCollection<(PayoutRow Row, RowRecord? Record)> queue, PayoutRow row, RowRecord? record,
            CancellationToken cancellation)
        {
            var queued = false;
            while (!(queued = queue.TryAdd((row, record), 20, cancellation)) && !streaming.Ended) WriteAvailable(streaming);
            if (!queued) return false;
            _host.Report(new RowHanded(row));
            WriteAvailable(streaming);
            // Rows done after one still being paid wait for it in the report: a few only. The wait is for a row a worker
            // holds, which is reported exactly once, or for the work's end, which ends WriteNext.
            while (_host.ReportBehind && streaming.WriteNext(cancellation)) _host.Flush();
            return true;
        }

        private void WriteAvailable(EventPump<PayoutEvent> pump)
        {
            pump.WriteAvailable();
            _host.Flush();
        }

        private PayoutEngine Engine(Action<PayoutEvent> report) => new PayoutEngine(Api, _journal!, report);

        // A row's outcome, counted and reported, with the progress at most four times a second.
        private void Done(PayoutEvent e)
        {
            // Not sent because the batch stopped: the error that stopped it is the run's, and counts no row.
            if (e.NotSent)
            {
                _host.Report(new RowDone(e));
                return;
            }
            if (e.Result != null) Tally.CountPaid(e.Row);
            else if (e.InDoubt) Tally.CountInDoubt();
            else Tally.CountFailed();
            _host.Report(new RowDone(e));
            if (_total > 0 && (_sinceProgress.ElapsedMilliseconds >= 250 || Tally.Reported == _total))
            {
                _sinceProgress.Restart();
                _host.Report(new RunProgress(Math.Min(Tally.Paid + Tally.Failed + Tally.InDoubt, _total), _total, Completed: false));
            }
        }

        private void Refuse(PayoutRow row, NordPayException problem)
        {
            Tally.CountFailed();
            _host.Report(new RowRefused(row, problem));
        }

        private void Note(string text, bool warning) => _host.Report(new RunNote(text, warning));

        // Waits for a call on the run's thread; what the call logged is written after it.
        private T Wait<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellation)
        {
            try
            {
                return call(cancellation).GetAwaiter().GetResult();
            }
            finally
            {
                _host.Flush();
            }
        }

        /// <summary>How a prompt names a row.</summary>
        public static string Target(PayoutRow row) => $"{Amount.Format(row.Amount)} {row.Currency} to {row.Address} (row {row.Row}, {row.Reference})";
    }
}
