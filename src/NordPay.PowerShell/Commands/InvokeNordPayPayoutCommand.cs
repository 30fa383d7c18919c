using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Batch;
using NordPay.Core;
using NordPay.Models;
using NordPay.Module;
using NordPay.Pipeline;
using NordPay.Policy;
using NordPay.Security;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Pays a batch exactly once, whatever happens to the process: every step is journaled before the call it
    /// announces, a re-run with the same journal skips what was paid and confirms what was requested, and a
    /// confirm whose outcome is unknown is resolved from the withdraw history or left in doubt, never resent.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "NordPayPayout", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(NordPayPayoutResult), typeof(NordPayPayoutSummary))]
    public sealed class InvokeNordPayPayoutCommand : NordPayApiCmdlet
    {
        private const int ProgressId = 0x4E50;
        private readonly RowSpill _spill = new RowSpill();
        private readonly RowIntake _intake = new RowIntake();
        private readonly BatchTally _tally = new BatchTally();
        private BatchPlan? _plan;
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
        // Rows done that may wait in the report for a row still being paid before the loop waits for the workers.
        private const int ReportBacklog = 1000;
        private int _total;
        private RunReport? _report;
        private BatchRun? _run;

        /// <summary>The row's currency; read from the input's columns when not bound.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Asset", "Coin", "Token")]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        [AllowNull, AllowEmptyString]
        public string Currency { get; set; } = null!;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Destination", "To", "WalletAddress", "Wallet", "Recipient")]
        [AllowNull, AllowEmptyString]
        public string Address { get; set; } = null!;

        /// <summary>A string or a number, read by the module's own invariant parser.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Value", "Sum")]
        [AllowNull, AllowEmptyString]
        public object Amount { get; set; } = null!;

        /// <summary>The row's own reference; without one, a reference is derived from the row's content and occurrence.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("PayoutId", "ClientReference", "ExternalId")]
        [AllowNull, AllowEmptyString]
        public string? Reference { get; set; }

        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>The journal of this batch: created on the first run, given again to every re-run of the same batch.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string JournalPath { get; set; } = null!;

        /// <summary>How many rows are paid at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>One multiple-withdraw request and confirm per currency (up to 100 addresses each) instead of one per row.</summary>
        [Parameter]
        public SwitchParameter UseMultipleWithdraw { get; set; }

        /// <summary>Settles rows in doubt once you checked the withdraw history: Paid records them as paid, NotPaid pays them again.</summary>
        [Parameter]
        public NordPaySettlement? SettleInDoubt { get; set; }

        /// <summary>Limits -SettleInDoubt to these references.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? SettleReference { get; set; }

        /// <summary>A CSV file with a line per input row, in input order: its own columns and what became of it, written as rows finish.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ReportPath { get; set; }

        /// <summary>Pays without prompting; -WhatIf still wins.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Pays rows the policy's repeat guard refuses as repeats of withdrawals in NordPay's history (PolicyRepeatPayout); their audit records say so.</summary>
        [Parameter]
        public SwitchParameter AllowRepeat { get; set; }

        protected override void ProcessRecord()
        {
            if (IsEmptyRow(InputObject)) return;
            NextRow();
            var row = InputObject ?? ParameterRow((nameof(Currency), Currency), (nameof(Address), Address), (nameof(Amount), Amount), (nameof(Reference), Reference));
            try
            {
                var (currency, address, amount) = ReadPayoutFields(Currency, Address, Amount, InputObject);
                _spill.Add(_intake.Identify(Row, ReadReference(), currency, address, amount), row);
            }
            catch (NordPayException ex)
            {
                _tally.CountFailed();
                WriteRowError(ex, row, string.Empty);
                // Kept in its place for the report, which gives every input row a line.
                if (ReportPath != null) _spill.AddRefused(Row, InputColumns.Text(row), ex);
            }
        }

        protected override void EndProcessing()
        {
            var clock = Stopwatch.StartNew();
            var whatIf = WhatIfRequested();
            // Rows read before the first one with a decimal comma are checked again by the plan.
            _intake.DecimalCommaRow = DecimalCommaRow;
            Journal? journal = null;
            string journalPath;
            Exception? stopped = null;
            try
            {
                journalPath = ResolveFilePath(JournalPath, nameof(JournalPath));
                var reportPath = ReportPath == null ? null : ResolveFilePath(ReportPath, nameof(ReportPath));
                if (!whatIf) journal = Journal.Open(journalPath, Redactor);
                // Once the journal is this run's, so is the report: a run refused for a locked journal leaves the other run's report alone.
                if (reportPath != null && journal != null)
                {
                    _report = RunReport.Create(reportPath, journalPath, Redactor, MyInvocation.MyCommand.Parameters[nameof(Reference)].Aliases.Prepend(nameof(Reference)));
                    if (_report.MovedFrom is { } wanted)
                        WriteWarning($"The report {wanted} is open in another program, which keeps it from being written: this run's report is {_report.Path}.");
                }
                if (journal?.RepairedTornLine == true)
                    WriteWarning($"The last line of {journal.Path} was torn by a crash; it was cut off (the call it announced was never made).");
                var records = RowRecord.Fold(journal?.Entries ?? Journal.Peek(journalPath));
                Run(journal, journalPath, records, whatIf);
            }
            catch (NordPayException ex)
            {
                stopped = ex;
                throw Terminating(ex, JournalPath);
            }
            catch (Exception ex)
            {
                // Ctrl+C, or a terminating error written by a call (a missing key): the report says why the rows left were not paid.
                stopped = ex;
                throw;
            }
            finally
            {
                journal?.Dispose();
                _report?.Finish(_spill, Row, stopped);
                _spill.Dispose();
            }
            if (_report?.Failure is { } failure)
                WriteNordPayError(new NordPayException("ReportWriteFailed", ErrorKind.ResourceUnavailable,
                    $"The report {_report.Path} could not be written to the end ({failure.Message}); the run went on.", nameof(ReportPath), inner: failure,
                    recommendedAction: "Get-NordPayJournal shows every row of the journal."), _report.Path);
            if (!whatIf) WriteObject(_tally.Summary(journalPath, _report?.Path, Row, clock.Elapsed, AppliedPolicy?.Name));
        }

        // The row's own reference, or "" when it has none.
        private string ReadReference()
        {
            var reference = (Reference ?? (InputObject == null ? null : Column(InputObject, nameof(Reference), null))?.ToString())?.Trim() ?? string.Empty;
            if (HeaderText.Visible(reference) == reference) return reference;
            throw new NordPayException("InvalidReference", ErrorKind.InvalidArgument,
                $"The reference '{reference}' holds invisible or control characters; a reference is compared exactly, so it is not used.", nameof(Reference),
                recommendedAction: "Remove the invisible characters from the reference column.");
        }

        // The fee percents NordPay publishes, for the prompts' estimates only: without them the prompts say the fees are not
        // known yet, and the batch goes on (an account or API version without the endpoint answers 404).
        private IReadOnlyDictionary<string, decimal> ReadFeePercents()
        {
            try
            {
                return Preflight.FeePercents(Await(Client.GetWithdrawLimitsAsync));
            }
            catch (NordPayException ex)
            {
                WriteVerbose($"NordPay's withdraw limits could not be read, so the prompts give no fee estimates: {ex.Message}");
                return new Dictionary<string, decimal>();
            }
        }

        private void Run(Journal? journal, string journalPath, Dictionary<string, RowRecord> records, bool whatIf)
        {
            var policy = AppliedPolicy;
            IReadOnlyDictionary<string, NordPayCurrency> currencies = new Dictionary<string, NordPayCurrency>();
            IReadOnlyDictionary<string, decimal> balances = new Dictionary<string, decimal>();
            IReadOnlyDictionary<string, decimal> feePercents = new Dictionary<string, decimal>();
            if (_spill.Count > 0)
            {
                var list = Await(Client.GetCurrenciesAsync);
                SessionSettings.Currencies = list;
                currencies = Preflight.Index(list);
                balances = Await(Client.GetBalancesAsync);
                // Only the prompts show the estimates: a run that asks nothing makes no call for them.
                if (!Unasked(Force)) feePercents = ReadFeePercents();
                // A withdrawal paid by an earlier run may have been cancelled since: its row is then not paid.
                if (journal != null)
                    foreach (var (currency, error) in Await(token => RunOf(journal).Engine(_ => { }).RecheckPaidAsync(records.Values, token)))
                        WriteWarning($"The {currency} rows paid by earlier runs were not checked against the withdraw history: {error.Message}");
            }

            // First pass: each row classified once; bad rows are reported and left out, problems of the batch gathered.
            var plan = new BatchPlan(records, currencies, balances, _intake, policy, policy == null ? null : RepeatGuardOf(policy), AllowRepeat, feePercents);
            _plan = plan;
            if (_report != null) _report.Plan = plan;
            foreach (var row in _spill.Read())
            {
                var (stage, check) = plan.Add(row);
                if (stage == RowStage.ToPay) NoteAddress(check!.Address!, row.Row);
                if (stage != RowStage.Invalid) continue;
                _tally.CountFailed();
                WriteRowError(check!.Problem!, row.Source, $" ({row})", row.Row);
            }
            var readAt = DateTimeOffset.UtcNow;
            var days = ReadDays(policy, plan);
            StopOnProblems(plan.Problems(days), journalPath);
            if (!whatIf && policy != null) StopOnProblems(CountInDayLedger(policy, plan, days, readAt).ToList(), journalPath);

            if (whatIf)
            {
                ShouldProcess(plan.Describe(journalPath, plan.AlreadyPaid), "Pay NordPay batch");
                foreach (var (row, index) in _spill.Read().Select((r, i) => (r, i)))
                    if (plan.StageAt(index) == RowStage.ToPay) ShouldProcess(Target(row), "Pay");
                return;
            }

            // The client is made here, on the pipeline thread: it reads the session, which workers cannot.
            var client = Client;
            var run = RunOf(journal!);
            PayoutEngine.Remember(client, records.Values);
            // Every row in doubt is looked up in the withdraw history first, those to settle too: a confirm can land after
            // the operator looked, and what the history proves wins over -SettleInDoubt. Rows whose requests expired on
            // NordPay's clock (no confirm can land any more) settle themselves: lookalikes of the batch by count.
            var settling = Settling(plan);
            var resolved = new HashSet<string>(StringComparer.Ordinal);
            var settledByHistory = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (row, record) in plan.InDoubt.Where(r => r.Record.State == PayoutState.WithdrawalFailed && !settling.Contains(r.Row.Reference)))
            {
                _tally.CountFailed();
                WriteRowError(WithdrawalStatus.NotPaid(record.WithdrawalId ?? 0, record.Message, $"{Core.Amount.Format(row.Amount)} {row.Currency} to {row.Address}"), row.Source, $" ({row})", row.Row);
            }
            foreach (var (rows, expired) in BatchRun.InDoubtGroups(plan, client.ServerNow()))
            {
                using var resolving = new EventPump<PayoutEvent>((report, _) => run.Engine(report).ResolveAsync(rows, expired, Cancellation), e =>
                {
                    if (e.NotPaidByHistory)
                    {
                        settledByHistory.Add(e.Row.Reference);
                        WriteVerbose($"Row {e.Row.Row} ({e.Row.Reference}) was not paid, as the withdraw history proves now that its request expired: it is paid now.");
                        if (plan.Settle(e.Row, paid: false) is { } problem)
                        {
                            _tally.CountFailed();
                            WriteRowError(problem, e.Row.Source, $" ({e.Row})", e.Row.Row);
                        }
                        return;
                    }
                    // Still in doubt and about to be settled: the settlement says what becomes of it.
                    if (e.InDoubt && settling.Contains(e.Row.Reference)) return;
                    resolved.Add(e.Row.Reference);
                    Write(e);
                }, Account);
                resolving.WriteUntilDone(Cancellation);
            }
            settling.ExceptWith(settledByHistory);
            var settled = Settle(run, plan, settling);
            // Rows settled as not paid are paid now: the batch's totals are checked again with them.
            if (settled.Count + settledByHistory.Count > 0) StopOnProblems(plan.Problems(days), journalPath);
            FlushLog();
            _total = plan.ToPay;
            var batch = plan.Describe(journalPath, plan.AlreadyPaid);
            // NordPay sets each fee at the row's request, which comes after the prompts: say so, beside any estimate.
            var go = _total > 0 && ShouldProceed(batch + $"; {plan.FeeNote()} " +
                "(review them first with New-NordPayWithdrawRequest, or in the report's ServiceFee column)", "Pay NordPay batch", Force);
            if (go) run.Start(_total, $"by {Environment.UserName} on {Environment.MachineName}");

            // Second pass: each row is approved here and handed to the workers as it goes.
            // Room for every worker's next window while it confirms its current one.
            using var queue = new BlockingCollection<(PayoutRow Row, RowRecord? Record)>(2 * PayoutEngine.Window(ThrottleLimit) * ThrottleLimit);
            var gathered = new List<PayoutRow>();
            var streaming = UseMultipleWithdraw ? null
                : new EventPump<PayoutEvent>((report, leaving) => run.Engine(report).PayAsync(queue, ThrottleLimit, leaving, Cancellation), Write, Account);
            try
            {
                try
                {
                    foreach (var (row, index) in _spill.Read(_report == null ? null : _report.Refused).Select((r, i) => (r, i)))
                    {
                        var stage = plan.StageAt(index);
                        var record = plan.Record(row);
                        if (stage == RowStage.AlreadyPaid && !resolved.Contains(row.Reference))
                        {
                            _tally.CountAlreadyPaid();
                            WriteObject(PayoutEngine.AlreadyPaid(row, record!));
                        }
                        if (stage != RowStage.ToPay || !go || !ShouldProceed($"{Target(row)}; {plan.FeeNote(row)}", "Pay", Force))
                        {
                            if (stage == RowStage.ToPay) _tally.CountDeclined();
                            _report?.NotSent(row, index);
                            continue;
                        }
                        run.Plan(row, record);
                        if (streaming != null)
                        {
                            var queued = false;
                            while (!(queued = queue.TryAdd((row, record), 20, Cancellation)) && !streaming.Ended) WriteAvailable(streaming);
                            // The workers stopped on a failure no row can get past: WriteUntilDone below says which.
                            if (!queued) break;
                            _report?.Handed(row);
                            WriteAvailable(streaming);
                            // Rows done after one still being paid wait for it in the report: a few only. The wait is for a row
                            // a worker holds, which is reported exactly once, or for the work's end, which ends WriteNext.
                            while (_report is { Waiting: > ReportBacklog, Outstanding: > 0 } && streaming.WriteNext(Cancellation)) FlushLog();
                        }
                        else
                        {
                            // One request per currency needs its rows together.
                            _report?.Handed(row);
                            gathered.Add(row);
                        }
                    }
                }
                finally
                {
                    // Ends the workers' wait for rows once they took the last one.
                    queue.CompleteAdding();
                }
                using var multiple = streaming == null
                    ? new EventPump<PayoutEvent>((report, _) => run.Engine(report).PayMultipleAsync(gathered, Cancellation), Write, Account)
                    : null;
                (streaming ?? multiple!).WriteUntilDone(Cancellation);
            }
            finally
            {
                // However this run is left, the workers are stopped and waited for before the journal closes; then the rows
                // none of them took (the batch stopped) are known never sent, whatever the report would guess.
                streaming?.Dispose();
                while (queue.TryTake(out var untaken)) _report?.Finished(PayoutEvent.Unsent(untaken.Row));
                FlushLog();
                if (_total > 0) WriteProgress(new ProgressRecord(ProgressId, "Paying NordPay batch", "Done") { RecordType = ProgressRecordType.Completed });
            }
            run.Finish(_tally.ToString());
        }

        private void StopOnProblems(IReadOnlyList<NordPayException> problems, string journalPath)
        {
            foreach (var problem in problems) WriteNordPayError(problem, journalPath);
            if (problems.Count > 0)
                throw new NordPayException("PreflightFailed", ErrorKind.InvalidOperation,
                    $"The batch has {problems.Count} problem(s) that concern it as a whole (see the errors above); nothing was paid.", null,
                    recommendedAction: "Correct the file and run the batch again with the same journal.");
        }

        // What each currency whose day the policy limits already paid today, from the withdraw history (under -WhatIf too).
        private Dictionary<string, DayTotal> ReadDays(NordPayPolicy? policy, BatchPlan plan)
        {
            var days = new Dictionary<string, DayTotal>(StringComparer.Ordinal);
            if (policy == null) return days;
            foreach (var currency in plan.Currencies.Where(c => PolicyRules.LimitsDay(policy, c)).ToList())
                days[currency] = Await(token => PaidToday.ReadAsync(Client, currency, token));
            return days;
        }

        // The batch's totals into the process's day ledger, each with what other runs of the process admitted that the
        // history read at readAt may not show: a currency they would take past its day limit is a problem of the batch.
        private IEnumerable<NordPayException> CountInDayLedger(NordPayPolicy policy, BatchPlan plan, IReadOnlyDictionary<string, DayTotal> days, DateTimeOffset readAt)
        {
            foreach (var currency in plan.Totals.Where(t => PolicyRules.LimitsDay(policy, t.Key)).OrderBy(t => t.Key, StringComparer.Ordinal))
            {
                NordPayException? over = null;
                DayLedger.Process.Count(CallAccount ?? string.Empty, currency.Key, this, readAt, currency.Value.Total, others =>
                    (over = PolicyRules.CheckDay(policy, policy.LimitOf(currency.Key)!, currency.Value.Total, days[currency.Key],
                        $"The {currency.Value.Rows} rows to pay in {currency.Key}", others)) == null);
                if (over != null) yield return over;
            }
        }

        // The references of the rows in doubt that -SettleInDoubt (and -SettleReference) names.
        private HashSet<string> Settling(BatchPlan plan) =>
            new HashSet<string>(SettleInDoubt == null ? Enumerable.Empty<string>()
                : plan.InDoubt.Select(r => r.Row.Reference).Where(r => SettleReference == null || SettleReference.Contains(r, StringComparer.Ordinal)), StringComparer.Ordinal);

        // Settles the rows in doubt the operator checked (BatchRun.Settle), asking for each; returns their references.
        private HashSet<string> Settle(BatchRun run, BatchPlan plan, HashSet<string> settling)
        {
            if (SettleInDoubt is not { } settlement) return new HashSet<string>(StringComparer.Ordinal);
            var settled = run.Settle(plan, settling, settlement, $"by {Environment.UserName}",
                row => ShouldProceed(Target(row), $"Settle as {settlement} (checked in the withdraw history)", Force), e =>
                {
                    if (e.ProvedPaid && settlement == NordPaySettlement.NotPaid)
                        WriteWarning($"Row {e.Row.Row} ({e.Row.Reference}) was not settled as NotPaid: the withdraw history shows it paid (withdrawal {e.Record.WithdrawalId}), so it is not paid again.");
                    if (e.Problem == null) return;
                    _tally.CountFailed();
                    WriteRowError(e.Problem, e.Row.Source, $" ({e.Row})", e.Row.Row);
                });
            // A reference mistyped, or already settled, must not pass for settled.
            var inDoubt = new HashSet<string>(plan.InDoubt.Select(r => r.Row.Reference), StringComparer.Ordinal);
            foreach (var reference in (SettleReference ?? Array.Empty<string>()).Where(r => !inDoubt.Contains(r)))
            {
                var state = plan.Record(reference)?.State;
                WriteNordPayError(new NordPayException("SettleReferenceNotInDoubt", ErrorKind.ObjectNotFound,
                    $"-SettleReference '{reference}' names no row of this batch in doubt ({(state == null ? "no row has this reference" : $"the journal has it as {state}")}); it was not settled.",
                    nameof(SettleReference), recommendedAction: "Get-NordPayJournal -State InDoubt lists the references in doubt."), reference);
            }
            if (SettleReference == null && inDoubt.Count == 0)
                WriteWarning($"No row of this batch is in doubt in the journal {run.JournalPath}: -SettleInDoubt {SettleInDoubt} settled nothing.");
            return settled;
        }

        // The journal's side of this run, made once the client is (it reads the session on the pipeline thread).
        private BatchRun RunOf(Journal journal) => _run ??= new BatchRun(Client, journal);

        private void WriteAvailable(EventPump<PayoutEvent> pump)
        {
            pump.WriteAvailable();
            FlushLog();
        }

        // What a worker reported after the pipeline thread left: the report records it; the journal has it anyway.
        private void Account(PayoutEvent e) => _report?.Finished(e);

        private void Write(PayoutEvent e)
        {
            var row = e.Row;
            _report?.Finished(e);
            // Not sent because the batch stopped: the error that stopped it is the run's, and the report names it.
            if (e.NotSent) return;
            if (e.Result != null)
            {
                _tally.CountPaid(row);
                Audit(ReportOutcome.Paid, row, e.Result.Identifier, e.Result.WithdrawalId, null);
                WriteObject(e.Result);
            }
            else
            {
                if (e.InDoubt) _tally.CountInDoubt();
                else _tally.CountFailed();
                Audit(e.InDoubt ? ReportOutcome.InDoubt : ReportOutcome.Failed, row, null, null, e.Error!.ErrorId);
                WriteRowError(e.Error!, row.Source, $" ({row})", row.Row);
            }
            if (_total > 0 && (_sinceProgress.ElapsedMilliseconds >= 250 || _tally.Reported == _total))
            {
                _sinceProgress.Restart();
                var done = Math.Min(_tally.Paid + _tally.Failed + _tally.InDoubt, _total);
                WriteProgress(new ProgressRecord(ProgressId, "Paying NordPay batch", $"{done} of {_total} rows") { PercentComplete = 100 * done / _total });
            }
        }

        private void Audit(ReportOutcome outcome, PayoutRow row, Guid? identifier, long? withdrawalId, string? errorId) =>
            WriteInformation(new NordPayAuditRecord(outcome.ToString(), row.Reference, row.Currency, row.Address, row.Amount, identifier, withdrawalId,
                KeyInfo?.KeyHint ?? Security.Redactor.Mask, errorId, AppliedPolicy?.Name,
                _plan != null && _plan.AllowedRepeats.TryGetValue(row.Reference, out var repeated) ? Policy.RepeatGuard.Allowed(repeated) : null),
                new[] { "NordPay.Audit", "NordPay.Payout." + outcome });

        private static string Target(PayoutRow row) => $"{Core.Amount.Format(row.Amount)} {row.Currency} to {row.Address} (row {row.Row}, {row.Reference})";
    }
}
