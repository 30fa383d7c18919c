using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Batch;

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
        private readonly List<PayoutRow> _rows = new List<PayoutRow>();
        private readonly Dictionary<string, int> _occurrences = new Dictionary<string, int>(StringComparer.Ordinal);
        private readonly Dictionary<string, decimal> _paidByCurrency = new Dictionary<string, decimal>(StringComparer.Ordinal);
        private int _failed;
        private int _paid;
        private int _alreadyPaid;
        private int _inDoubt;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Asset", "Coin", "Token")]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        [AllowNull, AllowEmptyString]
        public string Currency { get; set; } = null!;

        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Destination", "To", "WalletAddress", "Wallet", "Recipient")]
        [AllowNull, AllowEmptyString]
        public string Address { get; set; } = null!;

        /// <summary>A string or a number, read by the module's own invariant parser.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
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

        /// <summary>Pays without prompting; -WhatIf still wins.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override void ProcessRecord()
        {
            NextRow();
            object row = InputObject ?? (object)$"{Amount} {Currency} {Address}";
            string currency, address;
            decimal amount;
            try
            {
                (currency, address, amount) = InputText.ReadPayout(Currency, Address, Amount is PSObject wrapped ? wrapped.BaseObject : Amount);
            }
            catch (NordPayException ex)
            {
                _failed++;
                WriteRowError(ex, row, string.Empty);
                return;
            }
            var reference = Reference?.Trim();
            var derived = string.IsNullOrEmpty(reference);
            if (derived)
            {
                var key = currency + "\n" + address + "\n" + Api.Amount.Format(amount);
                _occurrences[key] = _occurrences.TryGetValue(key, out var seen) ? seen + 1 : 1;
                reference = PayoutRow.DeriveReference(currency, address, amount, _occurrences[key]);
            }
            _rows.Add(new PayoutRow(Row, reference!, derived, currency, address, amount, row));
        }

        protected override void EndProcessing()
        {
            var clock = Stopwatch.StartNew();
            var whatIf = WhatIfRequested();
            Journal? journal = null;
            try
            {
                if (!whatIf) journal = Journal.Open(JournalPath, Redactor);
                if (journal?.RepairedTornLine == true)
                    WriteWarning($"The last line of {journal.Path} was torn by a crash; it was cut off (the call it announced was never made).");
                var records = RowRecord.Fold(journal?.Entries ?? Journal.Peek(JournalPath));
                Run(journal, records, whatIf);
            }
            catch (NordPayException ex)
            {
                Fail(ex, JournalPath);
            }
            finally
            {
                journal?.Dispose();
            }
            if (!whatIf)
                WriteObject(new NordPayPayoutSummary(journal!.Path, Row, _paid, _alreadyPaid, _failed, _inDoubt,
                    new Dictionary<string, decimal>(_paidByCurrency, StringComparer.Ordinal), clock.Elapsed));
        }

        private void Run(Journal? journal, Dictionary<string, RowRecord> records, bool whatIf)
        {
            var stopping = BatchProblems(records);
            var alreadyPaid = _rows.Where(r => Record(records, r)?.State == PayoutState.Confirmed).ToList();
            var inDoubt = _rows.Where(r => Record(records, r) is { } rec && (rec.State == PayoutState.ConfirmSending || rec.State == PayoutState.InDoubt)).ToList();
            if (journal != null) inDoubt = Settle(journal, records, inDoubt, alreadyPaid);
            var toPay = _rows.Except(alreadyPaid).Except(inDoubt).ToList();

            IReadOnlyDictionary<string, decimal> balances = new Dictionary<string, decimal>();
            if (toPay.Count > 0)
            {
                var currencies = Await(Client.GetCurrenciesAsync);
                SessionSettings.Currencies = currencies;
                balances = Await(Client.GetBalancesAsync);
                foreach (var problem in Preflight.Check(toPay, currencies, balances))
                {
                    if (problem.StopsBatch) stopping.Add(problem.Error);
                    else
                    {
                        _failed++;
                        toPay.Remove(problem.Row!);
                        WriteRowError(problem.Error, problem.Row!.Source, $" ({problem.Row})", problem.Row.Row);
                    }
                }
            }
            foreach (var problem in stopping) WriteRowError(problem, JournalPath, string.Empty, 0);
            if (stopping.Count > 0)
                throw new NordPayException("PreflightFailed", ErrorKind.InvalidOperation,
                    $"The batch has {stopping.Count} problem(s) that concern it as a whole (see the errors above); nothing was paid.", null,
                    recommendedAction: "Correct the file and run the batch again with the same journal.");

            foreach (var row in alreadyPaid)
            {
                _alreadyPaid++;
                if (!whatIf) WriteObject(PayoutEngine.AlreadyPaid(row, records[row.Reference]));
            }
            if (whatIf)
            {
                ShouldProcess(Plan(toPay, balances, inDoubt.Count), "Pay NordPay batch");
                foreach (var row in toPay) ShouldProcess(Target(row), "Pay");
                return;
            }

            // The client is made here, on the pipeline thread: it reads the session, which workers cannot.
            var client = inDoubt.Count + toPay.Count > 0 ? Client : null;
            foreach (var row in inDoubt) Handle(Drain(report => new PayoutEngine(client!, journal!, report).ResolveAsync(row, records[row.Reference], Cancellation)));
            if (toPay.Count == 0) return;
            if (!ShouldProceed(Plan(toPay, balances, 0), "Pay NordPay batch", Force)) return;
            var approved = toPay.Where(row => ShouldProceed(Target(row), "Pay", Force)).ToList();

            var run = Guid.NewGuid().ToString("N");
            journal!.Append(new JournalEntry(JournalEvent.RunStarted, DateTimeOffset.UtcNow) { Run = run, Message = $"{approved.Count} rows by {Environment.UserName} on {Environment.MachineName}" });
            foreach (var row in approved.Where(r => !records.ContainsKey(r.Reference)))
                journal.Append(new JournalEntry(JournalEvent.Planned, DateTimeOffset.UtcNow)
                {
                    References = new[] { row.Reference }, Row = row.Row, Currency = row.Currency, Address = row.Address, Amount = Api.Amount.Format(row.Amount),
                });
            Handle(Drain(report =>
            {
                var payer = new PayoutEngine(client!, journal, report);
                return UseMultipleWithdraw
                    ? payer.PayMultipleAsync(approved, Cancellation)
                    : payer.PayAsync(approved.Select(r => (r, Record(records, r))).ToList(), ThrottleLimit, Cancellation);
            }), approved.Count);
            journal.Append(new JournalEntry(JournalEvent.RunFinished, DateTimeOffset.UtcNow)
            {
                Run = run, Message = $"{_paid} paid, {_alreadyPaid} already paid, {_failed} failed, {_inDoubt} in doubt",
            });
        }

        // Duplicate references and references the journal knows with other details: nothing is paid then.
        private List<NordPayException> BatchProblems(Dictionary<string, RowRecord> records)
        {
            var problems = new List<NordPayException>();
            foreach (var duplicate in _rows.Where(r => !r.DerivedReference).GroupBy(r => r.Reference, StringComparer.Ordinal).Where(g => g.Count() > 1))
                problems.Add(new NordPayException("DuplicateReference", ErrorKind.InvalidData,
                    $"Reference '{duplicate.Key}' is on rows {string.Join(", ", duplicate.Select(r => r.Row))}; each payout needs its own.", "Reference",
                    recommendedAction: "Give each row its own reference."));
            foreach (var row in _rows)
            {
                if (Record(records, row) is { Currency: { } currency } record
                    && (currency != row.Currency || record.Address != row.Address || record.Amount != Api.Amount.Format(row.Amount)))
                    problems.Add(new NordPayException("ReferenceConflict", ErrorKind.InvalidData,
                        $"Row {row.Row}: reference '{row.Reference}' is in the journal for {record.Amount} {currency} to {record.Address}, not {Api.Amount.Format(row.Amount)} {row.Currency} to {row.Address}.",
                        "Reference", recommendedAction: "A journal belongs to one batch: use a new journal for a changed file, or restore the row."));
            }
            return problems;
        }

        private List<PayoutRow> Settle(Journal journal, Dictionary<string, RowRecord> records, List<PayoutRow> inDoubt, List<PayoutRow> alreadyPaid)
        {
            if (SettleInDoubt == null) return inDoubt;
            var remaining = new List<PayoutRow>();
            foreach (var row in inDoubt)
            {
                if ((SettleReference != null && !SettleReference.Contains(row.Reference, StringComparer.Ordinal))
                    || !ShouldProceed(Target(row), $"Settle as {SettleInDoubt} (checked in the withdraw history)", Force))
                {
                    remaining.Add(row);
                    continue;
                }
                var entry = new JournalEntry(JournalEvent.Settled, DateTimeOffset.UtcNow) { References = new[] { row.Reference }, Outcome = SettleInDoubt.ToString(), Message = $"by {Environment.UserName}" };
                journal.Append(entry);
                records[row.Reference].Apply(entry);
                if (SettleInDoubt == NordPaySettlement.Paid) alreadyPaid.Add(row);
            }
            return remaining;
        }

        // Runs engine work on a worker while this (pipeline) thread writes what it reports.
        private (BlockingCollection<PayoutEvent> Events, Task Work) Drain(Func<Action<PayoutEvent>, Task> start)
        {
            var events = new BlockingCollection<PayoutEvent>();
            var work = Task.Run(async () =>
            {
                try
                {
                    await start(events.Add).ConfigureAwait(false);
                }
                finally
                {
                    events.CompleteAdding();
                }
            });
            return (events, work);
        }

        private void Handle((BlockingCollection<PayoutEvent> Events, Task Work) drained, int total = 0)
        {
            var done = 0;
            var lastProgress = Stopwatch.StartNew();
            try
            {
                foreach (var e in drained.Events.GetConsumingEnumerable())
                {
                    done++;
                    Write(e);
                    FlushLog();
                    if (total > 0 && (lastProgress.ElapsedMilliseconds >= 250 || done == total))
                    {
                        lastProgress.Restart();
                        WriteProgress(new ProgressRecord(ProgressId, "Paying NordPay batch", $"{done} of {total} rows") { PercentComplete = 100 * done / total });
                    }
                }
                drained.Work.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                FlushLog();
                if (total > 0) WriteProgress(new ProgressRecord(ProgressId, "Paying NordPay batch", "Done") { RecordType = ProgressRecordType.Completed });
            }
        }

        private void Write(PayoutEvent e)
        {
            var row = e.Row;
            if (e.Result != null)
            {
                _paid++;
                _paidByCurrency[row.Currency] = (_paidByCurrency.TryGetValue(row.Currency, out var sum) ? sum : 0m) + row.Amount;
                Audit("Paid", row, e.Result.Identifier, e.Result.WithdrawalId, null);
                WriteObject(e.Result);
                return;
            }
            if (e.InDoubt) _inDoubt++;
            else _failed++;
            Audit(e.InDoubt ? "InDoubt" : "Failed", row, null, null, e.Error!.ErrorId);
            WriteRowError(e.Error!, row.Source, $" ({row})", row.Row);
        }

        private void Audit(string outcome, PayoutRow row, Guid? identifier, long? withdrawalId, string? errorId) =>
            WriteInformation(new NordPayAuditRecord(outcome, row.Reference, row.Currency, row.Address, row.Amount, identifier, withdrawalId,
                KeyInfo?.KeyHint ?? Security.Redactor.Mask, errorId), new[] { "NordPay.Audit", "NordPay.Payout." + outcome });

        private string Plan(IReadOnlyList<PayoutRow> rows, IReadOnlyDictionary<string, decimal> balances, int inDoubt)
        {
            var totals = rows.GroupBy(r => r.Currency, StringComparer.Ordinal).Select(g =>
                $"{Api.Amount.Format(g.Sum(r => r.Amount))} {g.Key} (balance {(balances.TryGetValue(g.Key, out var b) ? Api.Amount.Format(b) : "unknown")})");
            var doubt = inDoubt > 0 ? $"; {inDoubt} in doubt, not paid" : string.Empty;
            return $"{rows.Count} payouts to {rows.Select(r => r.Address).Distinct(StringComparer.Ordinal).Count()} addresses: {string.Join(", ", totals)}; " +
                   $"{_alreadyPaid} already paid{doubt}; journal {JournalPath}";
        }

        private static string Target(PayoutRow row) => $"{Api.Amount.Format(row.Amount)} {row.Currency} to {row.Address} (row {row.Row}, {row.Reference})";

        private static RowRecord? Record(Dictionary<string, RowRecord> records, PayoutRow row) =>
            records.TryGetValue(row.Reference, out var record) ? record : null;
    }
}
