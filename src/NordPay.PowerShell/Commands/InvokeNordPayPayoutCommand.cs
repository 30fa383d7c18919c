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
        // Rows go to a file as they arrive; in memory stay only 64-bit hashes (occurrences of identical rows,
        // references seen, references seen twice) and totals, so memory does not grow with the batch.
        private readonly RowSpill _spill = new RowSpill();
        private readonly Dictionary<ulong, int> _occurrences = new Dictionary<ulong, int>();
        private readonly HashSet<ulong> _references = new HashSet<ulong>();
        private readonly HashSet<ulong> _duplicates = new HashSet<ulong>();
        private readonly Stopwatch _sinceProgress = Stopwatch.StartNew();
        private int _done;
        private int _total;
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
            if (ReadPayoutRow(Currency, Address, Amount, row) is not { } payout)
            {
                _failed++;
                return;
            }
            var (currency, address, amount) = payout;
            var reference = Reference?.Trim();
            var derived = string.IsNullOrEmpty(reference);
            if (derived)
            {
                var key = Hash(currency + "\n" + address + "\n" + Api.Amount.Format(amount));
                _occurrences[key] = _occurrences.TryGetValue(key, out var seen) ? seen + 1 : 1;
                reference = PayoutRow.DeriveReference(currency, address, amount, _occurrences[key]);
            }
            else if (!_references.Add(Hash(reference!)))
            {
                _duplicates.Add(Hash(reference!));
            }
            _spill.Add(new PayoutRow(Row, reference!, derived, currency, address, amount, null), InputObject);
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
                _spill.Dispose();
            }
            if (!whatIf)
                WriteObject(new NordPayPayoutSummary(journal!.Path, Row, _paid, _alreadyPaid, _failed, _inDoubt,
                    new Dictionary<string, decimal>(_paidByCurrency, StringComparer.Ordinal), clock.Elapsed));
        }

        private void Run(Journal? journal, Dictionary<string, RowRecord> records, bool whatIf)
        {
            IReadOnlyDictionary<string, NordPayCurrency> currencies = new Dictionary<string, NordPayCurrency>();
            IReadOnlyDictionary<string, decimal> balances = new Dictionary<string, decimal>();
            if (_spill.Count > 0)
            {
                var list = Await(Client.GetCurrenciesAsync);
                SessionSettings.Currencies = list;
                currencies = Preflight.Index(list);
                balances = Await(Client.GetBalancesAsync);
            }

            // First pass: bad rows are reported and left out; problems of the batch as a whole are gathered.
            var stopping = new List<NordPayException>();
            var inDoubt = new List<PayoutRow>();
            var totals = new Dictionary<string, (int Rows, decimal Total)>(StringComparer.Ordinal);
            var addresses = new HashSet<ulong>();
            var duplicateRows = new Dictionary<string, List<int>>(StringComparer.Ordinal);
            foreach (var row in _spill.Read())
            {
                if (!row.DerivedReference && _duplicates.Contains(Hash(row.Reference)))
                    (duplicateRows.TryGetValue(row.Reference, out var rowsOf) ? rowsOf : duplicateRows[row.Reference] = new List<int>()).Add(row.Row);
                var record = Record(records, row);
                if (Conflict(row, record) is { } conflict) stopping.Add(conflict);
                switch (Stage(row, record, currencies))
                {
                    case RowStage.AlreadyPaid:
                        _alreadyPaid++;
                        break;
                    case RowStage.InDoubt:
                        inDoubt.Add(row);
                        break;
                    case RowStage.Invalid:
                        _failed++;
                        WriteRowError(Preflight.CheckRow(row, currencies)!, row.Source, $" ({row})", row.Row);
                        break;
                    default:
                        NoteAddress(Preflight.CheckAddress(row, currencies[row.Currency]), row.Row);
                        totals[row.Currency] = totals.TryGetValue(row.Currency, out var t) ? (t.Rows + 1, t.Total + row.Amount) : (1, row.Amount);
                        addresses.Add(Hash(row.Address));
                        break;
                }
            }
            foreach (var duplicate in duplicateRows.Where(d => d.Value.Count > 1))
                stopping.Add(new NordPayException("DuplicateReference", ErrorKind.InvalidData,
                    $"Reference '{duplicate.Key}' is on rows {string.Join(", ", duplicate.Value)}; each payout needs its own.", "Reference",
                    recommendedAction: "Give each row its own reference."));
            stopping.AddRange(Preflight.CheckTotals(totals, balances));
            foreach (var problem in stopping) WriteRowError(problem, JournalPath, string.Empty, 0);
            if (stopping.Count > 0)
                throw new NordPayException("PreflightFailed", ErrorKind.InvalidOperation,
                    $"The batch has {stopping.Count} problem(s) that concern it as a whole (see the errors above); nothing was paid.", null,
                    recommendedAction: "Correct the file and run the batch again with the same journal.");

            var plan = Plan(totals, addresses.Count, balances, inDoubt.Count);
            if (whatIf)
            {
                ShouldProcess(plan, "Pay NordPay batch");
                foreach (var row in _spill.Read().Where(r => Stage(r, Record(records, r), currencies) == RowStage.ToPay)) ShouldProcess(Target(row), "Pay");
                return;
            }

            // The client is made here, on the pipeline thread: it reads the session, which workers cannot.
            var client = Client;
            var settled = Settle(journal!, records, inDoubt);
            var resolved = new HashSet<string>(StringComparer.Ordinal);
            foreach (var row in inDoubt.Where(r => !settled.Contains(r.Reference)))
            {
                resolved.Add(row.Reference);
                Handle(Drain(report => new PayoutEngine(client, journal!, report).ResolveAsync(row, records[row.Reference], Cancellation)));
            }
            _total = totals.Values.Sum(t => t.Rows) + settled.Count(r => records[r].State != PayoutState.Confirmed);
            var go = _total > 0 && ShouldProceed(plan, "Pay NordPay batch", Force);
            var run = Guid.NewGuid().ToString("N");
            if (go) journal!.Append(new JournalEntry(JournalEvent.RunStarted, DateTimeOffset.UtcNow) { Run = run, Message = $"{_total} rows by {Environment.UserName} on {Environment.MachineName}" });

            // Second pass: each row is approved here and handed to the workers as it goes.
            var queue = new BlockingCollection<(PayoutRow Row, RowRecord? Record)>(Math.Max(2, 2 * ThrottleLimit));
            var gathered = new List<PayoutRow>();
            (BlockingCollection<PayoutEvent> Events, Task Work)? streaming = null;
            if (!UseMultipleWithdraw) streaming = Drain(report => new PayoutEngine(client, journal!, report).PayAsync(queue, ThrottleLimit, Cancellation));
            try
            {
                foreach (var row in _spill.Read())
                {
                    var record = Record(records, row);
                    var stage = Stage(row, record, currencies);
                    if (stage == RowStage.AlreadyPaid && !resolved.Contains(row.Reference)) WriteObject(PayoutEngine.AlreadyPaid(row, record!));
                    if (stage != RowStage.ToPay || !go || !ShouldProceed(Target(row), "Pay", Force)) continue;
                    if (record?.Currency == null)
                        journal!.Append(new JournalEntry(JournalEvent.Planned, DateTimeOffset.UtcNow)
                        {
                            References = new[] { row.Reference }, Row = row.Row, Currency = row.Currency, Address = row.Address, Amount = Api.Amount.Format(row.Amount),
                        });
                    if (streaming is { } s)
                    {
                        while (!queue.TryAdd((row, record), 20, Cancellation)) WriteAvailable(s.Events);
                        WriteAvailable(s.Events);
                    }
                    else
                    {
                        // One request per currency needs its rows together.
                        gathered.Add(row);
                    }
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
            Handle(streaming ?? Drain(report => new PayoutEngine(client, journal!, report).PayMultipleAsync(gathered, Cancellation)));
            if (go)
                journal!.Append(new JournalEntry(JournalEvent.RunFinished, DateTimeOffset.UtcNow)
                {
                    Run = run, Message = $"{_paid} paid, {_alreadyPaid} already paid, {_failed} failed, {_inDoubt} in doubt",
                });
        }

        private enum RowStage
        {
            ToPay,
            AlreadyPaid,
            InDoubt,
            Invalid,
        }

        private static RowStage Stage(PayoutRow row, RowRecord? record, IReadOnlyDictionary<string, NordPayCurrency> currencies) =>
            record?.State == PayoutState.Confirmed ? RowStage.AlreadyPaid
            : record is { State: PayoutState.ConfirmSending or PayoutState.InDoubt } ? RowStage.InDoubt
            : Preflight.CheckRow(row, currencies) != null ? RowStage.Invalid
            : RowStage.ToPay;

        // A reference the journal knows with other details: the journal belongs to another batch.
        private static NordPayException? Conflict(PayoutRow row, RowRecord? record) =>
            record is { Currency: { } currency } && (currency != row.Currency || record.Address != row.Address || record.Amount != Api.Amount.Format(row.Amount))
                ? new NordPayException("ReferenceConflict", ErrorKind.InvalidData,
                    $"Row {row.Row}: reference '{row.Reference}' is in the journal for {record.Amount} {currency} to {record.Address}, not {Api.Amount.Format(row.Amount)} {row.Currency} to {row.Address}.",
                    "Reference", recommendedAction: "A journal belongs to one batch: use a new journal for a changed file, or restore the row.")
                : null;

        // Settles the rows in doubt the operator checked; returns their references.
        private HashSet<string> Settle(Journal journal, Dictionary<string, RowRecord> records, List<PayoutRow> inDoubt)
        {
            var settled = new HashSet<string>(StringComparer.Ordinal);
            if (SettleInDoubt == null) return settled;
            foreach (var row in inDoubt)
            {
                if ((SettleReference != null && !SettleReference.Contains(row.Reference, StringComparer.Ordinal))
                    || !ShouldProceed(Target(row), $"Settle as {SettleInDoubt} (checked in the withdraw history)", Force))
                    continue;
                var entry = new JournalEntry(JournalEvent.Settled, DateTimeOffset.UtcNow) { References = new[] { row.Reference }, Outcome = SettleInDoubt.ToString(), Message = $"by {Environment.UserName}" };
                journal.Append(entry);
                records[row.Reference].Apply(entry);
                settled.Add(row.Reference);
                if (SettleInDoubt == NordPaySettlement.Paid) _alreadyPaid++;
            }
            return settled;
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

        private void WriteAvailable(BlockingCollection<PayoutEvent> events)
        {
            while (events.TryTake(out var e)) Write(e);
            FlushLog();
        }

        // Writes everything the work reports until it ends, then completes the progress bar.
        private void Handle((BlockingCollection<PayoutEvent> Events, Task Work) drained)
        {
            try
            {
                foreach (var e in drained.Events.GetConsumingEnumerable()) Write(e);
                drained.Work.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
            finally
            {
                FlushLog();
                if (_total > 0) WriteProgress(new ProgressRecord(ProgressId, "Paying NordPay batch", "Done") { RecordType = ProgressRecordType.Completed });
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
            }
            else
            {
                if (e.InDoubt) _inDoubt++;
                else _failed++;
                Audit(e.InDoubt ? "InDoubt" : "Failed", row, null, null, e.Error!.ErrorId);
                WriteRowError(e.Error!, row.Source, $" ({row})", row.Row);
            }
            _done++;
            if (_total > 0 && (_sinceProgress.ElapsedMilliseconds >= 250 || _done == _total))
            {
                _sinceProgress.Restart();
                WriteProgress(new ProgressRecord(ProgressId, "Paying NordPay batch", $"{_done} of {_total} rows") { PercentComplete = Math.Min(100, 100 * _done / _total) });
            }
        }

        private void Audit(string outcome, PayoutRow row, Guid? identifier, long? withdrawalId, string? errorId) =>
            WriteInformation(new NordPayAuditRecord(outcome, row.Reference, row.Currency, row.Address, row.Amount, identifier, withdrawalId,
                KeyInfo?.KeyHint ?? Security.Redactor.Mask, errorId), new[] { "NordPay.Audit", "NordPay.Payout." + outcome });

        private string Plan(IReadOnlyDictionary<string, (int Rows, decimal Total)> totals, int addresses, IReadOnlyDictionary<string, decimal> balances, int inDoubt)
        {
            var byCurrency = totals.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
                $"{Api.Amount.Format(t.Value.Total)} {t.Key} (balance {(balances.TryGetValue(t.Key, out var b) ? Api.Amount.Format(b) : "unknown")})");
            var doubt = inDoubt > 0 ? $"; {inDoubt} in doubt, not paid" : string.Empty;
            return $"{totals.Values.Sum(t => t.Rows)} payouts to {addresses} addresses: {string.Join(", ", byCurrency)}; " +
                   $"{_alreadyPaid} already paid{doubt}; journal {JournalPath}";
        }

        private static string Target(PayoutRow row) => $"{Api.Amount.Format(row.Amount)} {row.Currency} to {row.Address} (row {row.Row}, {row.Reference})";

        private static RowRecord? Record(Dictionary<string, RowRecord> records, PayoutRow row) =>
            records.TryGetValue(row.Reference, out var record) ? record : null;

        // FNV-1a, 64 bits: a collision is only ever confirmed against the rows themselves.
        private static ulong Hash(string text)
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
