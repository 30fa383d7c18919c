using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>What happened to a row, reported to the pipeline thread, which alone writes to PowerShell's streams.</summary>
    internal sealed class PayoutEvent
    {
        public PayoutEvent(PayoutRow row, NordPayPayoutResult? result, NordPayException? error, bool inDoubt = false, Guid? identifier = null, decimal? serviceFee = null)
        {
            Row = row;
            Result = result;
            Error = error;
            InDoubt = inDoubt;
            Identifier = identifier;
            ServiceFee = serviceFee;
        }

        /// <summary>A row the batch stopped before sending anything that could pay it: what stopped the run says why.</summary>
        public static PayoutEvent Unsent(PayoutRow row) => new PayoutEvent(row, null, null) { NotSent = true };

        /// <summary>A row in doubt the withdraw history proved not paid once its request expired: this run pays it anew.</summary>
        public static PayoutEvent SettledNotPaid(PayoutRow row) => new PayoutEvent(row, null, null) { NotPaidByHistory = true };

        public PayoutRow Row { get; }
        public bool NotSent { get; private set; }
        public bool NotPaidByHistory { get; private set; }
        public NordPayPayoutResult? Result { get; }
        public NordPayException? Error { get; }
        public bool InDoubt { get; }
        /// <summary>The withdraw request the row got, when it got one.</summary>
        public Guid? Identifier { get; }
        public decimal? ServiceFee { get; }
    }

    /// <summary>
    /// Pays rows exactly once, journaling each step before the call it announces: request, confirm-sending
    /// (flushed), confirm, outcome. Up to ThrottleLimit rows at a time; each row is handled by one worker.
    /// </summary>
    internal sealed class PayoutEngine
    {
        // A request this close to its expiry is not confirmed; a new one is made instead.
        private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(30);

        /// <summary>How long past its request's expiry (on NordPay's clock) a row in doubt waits before the history settles it.</summary>
        public static readonly TimeSpan SettleMargin = TimeSpan.FromSeconds(60);
        private const int MultipleChunk = 100;
        // Rows in a row whose call could not reach NordPay, nothing getting through between them, after which the batch stops:
        // every row left would wait out its retries in vain.
        private const int UnreachableRows = 3;
        private int _unreachableRows;
        // Set once NordPay is found unreachable: each worker requests no more rows, confirms those it requested, and stops the batch.
        private volatile NordPayException? _unreachable;

        private readonly INordPayApi _client;
        private readonly Journal _journal;
        private readonly Action<PayoutEvent> _report;

        public PayoutEngine(INordPayApi client, Journal journal, Action<PayoutEvent> report)
        {
            _client = client;
            _journal = journal;
            _report = report;
        }

        /// <summary>
        /// Tells the client what the journal knows of the withdraw history before anything is searched there: the
        /// withdrawals its rows own are never another row's, and payouts that may exist under no known withdrawal id
        /// (a confirm with no outcome, a row settled paid by hand) make any search for a lookalike ambiguous; the request
        /// identifiers its rows hold are never another request's.
        /// </summary>
        public static void Remember(INordPayApi client, IEnumerable<RowRecord> records)
        {
            var claims = client.Merchant.Claims;
            foreach (var record in records)
            {
                if (record.Identifier is { } identifier) client.Merchant.Requests.Remember(identifier);
                if (record.OwnWithdrawalId is { } id) claims.Claim(new[] { id });
                else if (record.Unexplained) claims.Unexplained(record.Key!, record.ConfirmWindow(client), record.ConfirmOwner);
            }
        }

        /// <summary>
        /// Rows whose confirm's outcome is unknown, sent under one request, or lookalikes whose requests all expired
        /// (<paramref name="expired"/>): what the withdraw history shows of theirs is confirmed. Once no confirm can land
        /// any more, what it lacks was not paid: those rows are settled NotPaid, and the run pays them anew. Anything the
        /// history cannot prove leaves them in doubt, never paid again automatically.
        /// </summary>
        public async Task ResolveAsync(IReadOnlyList<(PayoutRow Row, RowRecord Record)> rows, bool expired, CancellationToken cancellation)
        {
            var record = rows[0].Record;
            // Proof of absence must cover the requests' whole lives: someone else may have confirmed one (a person, a copy of the journal).
            var window = rows.Select(r => expired ? r.Record.RequestWindow(_client) : r.Record.ConfirmWindow(_client))
                .Aggregate((a, b) => new TimeWindow(a.From < b.From ? a.From : b.From, a.To > b.To ? a.To : b.To));
            HistoryMatch match;
            try
            {
                match = expired && !record.Multiple
                    ? await _client.CountInHistoryAsync(rows[0].Row.Key, rows.Select(r => r.Record.ConfirmOwner).ToList(), window, cancellation).ConfigureAwait(false)
                    : await _client.FindInHistoryAsync(rows.Select(r => r.Row.Key).ToList(), window, record.ConfirmOwner, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex) when (!ex.StopsBatch)
            {
                foreach (var (row, rowRecord) in rows)
                    _report(new PayoutEvent(row, null, InDoubtError(row, "the withdraw history could not be read: " + ex.Message), true, rowRecord.Identifier, Amount.ReadServer(rowRecord.ServiceFee)));
                return;
            }
            if (match.Withdrawals == null && !(expired && match.Absent))
            {
                var references = rows.Where(r => r.Record.State != PayoutState.InDoubt).Select(r => r.Row.Reference).ToArray();
                if (references.Length > 0)
                    _journal.Append(new JournalEntry(JournalEvent.InDoubt, DateTimeOffset.UtcNow) { References = references, Identifier = record.Identifier, Multiple = record.Multiple, Message = match.Reason });
                foreach (var (row, rowRecord) in rows)
                {
                    rowRecord.State = PayoutState.InDoubt;
                    _report(new PayoutEvent(row, null, InDoubtError(row, match.Reason, match.Candidates), true, rowRecord.Identifier, Amount.ReadServer(rowRecord.ServiceFee)));
                }
                return;
            }
            var found = match.Withdrawals ?? Array.Empty<NordPayWithdrawal>();
            foreach (var (row, rowRecord) in rows.Skip(found.Count))
            {
                var settled = new JournalEntry(JournalEvent.Settled, DateTimeOffset.UtcNow)
                {
                    References = new[] { row.Reference }, Outcome = NordPaySettlement.NotPaid,
                    Message = $"by the withdraw history: request {rowRecord.Identifier} expired at {rowRecord.ExpiresAt:u} and no withdrawal of it was created between {window}",
                };
                _journal.Append(settled);
                rowRecord.Apply(settled);
                _report(PayoutEvent.SettledNotPaid(row));
            }
            for (var i = 0; i < found.Count; i++)
            {
                var (row, rowRecord) = rows[i];
                var withdrawal = found[i];
                Reconcile(rowRecord, withdrawal);
                _report(Proved(row, withdrawal.Status, withdrawal.Id, Amount.ReadServer(rowRecord.ServiceFee), rowRecord.Identifier, true, rowRecord.BatchId));
            }
        }

        /// <summary>
        /// Reads again, from the withdraw history, the status of the withdrawals earlier runs paid: one cancelled or failed
        /// since is journaled so, and its row is no longer paid (nor paid again without the operator's word). Returns the
        /// currencies whose history could not be read, with why: their rows stay as the journal has them.
        /// </summary>
        public async Task<IReadOnlyList<(string Currency, NordPayException Error)>> RecheckPaidAsync(IEnumerable<RowRecord> records, CancellationToken cancellation)
        {
            var unread = new List<(string, NordPayException)>();
            foreach (var byCurrency in records.Where(r => r is { State: PayoutState.Confirmed, OwnWithdrawalId: not null, Currency: not null }).GroupBy(r => r.Currency!))
            {
                var owners = byCurrency.ToDictionary(r => r.OwnWithdrawalId!.Value);
                IReadOnlyList<NordPayWithdrawal> found;
                try
                {
                    found = await _client.FindWithdrawalsAsync(byCurrency.Key, owners.Keys.ToList(), cancellation).ConfigureAwait(false);
                }
                catch (NordPayException ex)
                {
                    unread.Add((byCurrency.Key, ex));
                    continue;
                }
                foreach (var withdrawal in found.Where(w => !WithdrawalStatus.Pays(w.Status))) Reconcile(owners[withdrawal.Id], withdrawal);
            }
            return unread;
        }

        // Journals what the withdraw history shows of a row's own withdrawal, its status included, and moves the row on.
        private void Reconcile(RowRecord record, NordPayWithdrawal withdrawal)
        {
            var entry = new JournalEntry(JournalEvent.Confirmed, DateTimeOffset.UtcNow)
            {
                References = new[] { record.Reference }, Identifier = record.Identifier, Multiple = record.Multiple,
                WithdrawalIds = new long?[] { withdrawal.Id }, BatchId = record.BatchId, Status = withdrawal.Status, Reconciled = true,
            };
            _journal.Append(entry);
            record.Apply(entry);
        }

        // What a withdrawal proves of its row: paid when its status pays, otherwise not paid (WithdrawalNotPaid).
        private static PayoutEvent Proved(PayoutRow row, string? status, long withdrawalId, decimal? fee, Guid? identifier, bool reconciled, long? batchId) =>
            WithdrawalStatus.Pays(status)
                ? new PayoutEvent(row, Result(row, ReportOutcome.Paid, fee, identifier, withdrawalId, reconciled, batchId), null)
                : new PayoutEvent(row, null, WithdrawalStatus.NotPaid(withdrawalId, status, Target(row)), identifier: identifier, serviceFee: fee);

        /// <summary>
        /// How many rows each worker takes at once: it requests them all, forces their confirm-sending entries to the
        /// disk in one write, then confirms them. Each worker's window is smaller the more workers share the forced writes.
        /// </summary>
        public static int Window(int throttleLimit) => Math.Max(1, RowsInFlight / throttleLimit);

        // The most rows announced for confirming and not yet confirmed: what a crash at the wrong instant leaves in doubt.
        private const int RowsInFlight = 16;

        /// <summary>
        /// Pays the rows taken from <paramref name="rows"/> as they come, up to <paramref name="throttleLimit"/> windows at
        /// a time, until the rows run out, <paramref name="leaving"/> is cancelled (the pipeline thread left) or a worker
        /// fails; every row taken is reported exactly once. Throws what stopped the batch.
        /// </summary>
        /// <remarks>
        /// No wait without a way out: a worker waits only for a row (TryTake), and that wait ends when the producer
        /// completes the rows, when the pipeline thread leaves, and when any worker fails, for a failure of any kind cancels
        /// <c>stopBatch</c>. So the workers always end, and with them the pump's reports.
        /// </remarks>
        public async Task PayAsync(BlockingCollection<(PayoutRow Row, RowRecord? Record)> rows, int throttleLimit, CancellationToken leaving, CancellationToken cancellation)
        {
            using var stopBatch = CancellationTokenSource.CreateLinkedTokenSource(cancellation, leaving);
            Exception? stopping = null;
            var size = Window(throttleLimit);
            // A few workers take the rows in turn: memory stays the same whatever the number of rows.
            async Task Work()
            {
                var window = new List<(PayoutRow Row, RowRecord? Record)>(size);
                try
                {
                    while (rows.TryTake(out var first, Timeout.Infinite, stopBatch.Token))
                    {
                        window.Clear();
                        window.Add(first);
                        while (window.Count < size && rows.TryTake(out var next)) window.Add(next);
                        await PayWindowAsync(window, stopBatch.Token, cancellation).ConfigureAwait(false);
                        if (_unreachable != null) throw _unreachable;
                    }
                }
                catch (OperationCanceledException) when (stopBatch.IsCancellationRequested)
                {
                }
                catch (Exception ex)
                {
                    Interlocked.CompareExchange(ref stopping, ex, null);
                    stopBatch.Cancel();
                }
            }
            await Task.WhenAll(Enumerable.Range(0, throttleLimit).Select(_ => Task.Run(Work))).ConfigureAwait(false);
            if (stopping is NordPayException known) throw known;
            if (stopping != null) throw Fault(stopping);
            cancellation.ThrowIfCancellationRequested();
        }

        private static NordPayException Fault(Exception fault) =>
            new NordPayException("BatchFault", ErrorKind.InvalidOperation,
                $"The batch stopped on a fault of its own ({fault.GetType().Name}: {fault.Message.TrimEnd('.')}): every row it held is reported, the journal has the rest.",
                null, inner: fault, recommendedAction: "Run the batch again with the same journal: it finds out what became of each row, and pays each once.");

        /// <summary>Pays the rows with the multiple-withdraw endpoints: one request and one confirm per currency (in chunks of 100).</summary>
        public async Task PayMultipleAsync(IReadOnlyList<PayoutRow> rows, CancellationToken cancellation)
        {
            foreach (var group in rows.GroupBy(r => r.Currency, StringComparer.Ordinal))
            {
                foreach (var chunk in group.Select((row, i) => (row, i)).GroupBy(x => x.i / MultipleChunk, x => x.row))
                    await PayGroupAsync(group.Key, chunk.ToList(), cancellation).ConfigureAwait(false);
            }
        }

        // Requests each row of the window, announces all their confirms in one forced write, then confirms them one by one.
        // Every row of the window is reported exactly once, whatever stops the window: a row whose confirm was under way
        // is in doubt, one whose confirm was never sent is reported not sent (it is known not to be paid; a re-run pays it). A batch
        // stopped by another worker sends nothing more, but lets the call in flight be answered: cut off, a confirm would
        // be in doubt for nothing. Only the operator's Ctrl+C (cancellation) cuts a call.
        private async Task PayWindowAsync(IReadOnlyList<(PayoutRow Row, RowRecord? Record)> window, CancellationToken stopTaking, CancellationToken cancellation)
        {
            var owed = new HashSet<PayoutRow>(window.Select(w => w.Row));
            void Report(PayoutEvent e)
            {
                owed.Remove(e.Row);
                _report(e);
            }
            var requested = new List<(PayoutRow Row, NordPayWithdrawRequest Request)>(window.Count);
            // The row whose call is under way, and whether that call is its confirm.
            PayoutRow? current = null;
            var confirming = false;
            Exception? fault = null;
            try
            {
                foreach (var (row, record) in window)
                {
                    if (stopTaking.IsCancellationRequested) return;
                    if (_unreachable != null) break;
                    current = row;
                    if (await RequestAsync(row, record, Report, cancellation).ConfigureAwait(false) is { } request) requested.Add((row, request));
                }
                current = null;
                if (requested.Count == 0 || stopTaking.IsCancellationRequested) return;

                var sending = DateTimeOffset.UtcNow;
                var serverAt = _client.ServerEarliest(sending);
                var announced = 0L;
                foreach (var (row, request) in requested)
                    announced = _journal.Append(new JournalEntry(JournalEvent.ConfirmSending, sending) { References = new[] { row.Reference }, Identifier = request.Identifier, ServerAt = serverAt, Boot = BootIdentity.Current });
                _journal.Force(announced);

                foreach (var (row, request) in requested)
                {
                    if (stopTaking.IsCancellationRequested) return;
                    (current, confirming) = (row, false);
                    CrashPoints.At("before-confirm");
                    // Reaches the operating system before the confirm leaves: a killed process keeps it, so on the same
                    // boot a confirm without it never left.
                    _journal.Append(Entry(JournalEvent.ConfirmSent, row) with { Identifier = request.Identifier });
                    confirming = true;
                    await ConfirmAsync(row, request, Report, cancellation).ConfigureAwait(false);
                }
            }
            catch (Exception ex)
            {
                fault = ex;
                throw;
            }
            finally
            {
                foreach (var row in window.Select(w => w.Row).Where(owed.Contains))
                {
                    // A refusal that stops the batch (the key) was journaled as the row's failure and proves its call did nothing.
                    var refused = row == current && fault is NordPayException { StopsBatch: true };
                    Unfinished(row, requested.FirstOrDefault(r => r.Row == row).Request, row == current && confirming && !refused, refused, fault);
                }
            }
        }

        // A row of a window that stopped before the row's outcome was known: in doubt when its confirm was under way,
        // otherwise never sent (its announced confirm, if any, journaled as not sent unless its refusal was).
        // The journal is written if it can be: a journal that cannot be written is the fault that stopped the window.
        private void Unfinished(PayoutRow row, NordPayWithdrawRequest? request, bool confirmUnderWay, bool refused, Exception? fault)
        {
            try
            {
                if (confirmUnderWay)
                    _journal.Append(Entry(JournalEvent.InDoubt, row) with { Identifier = request?.Identifier, ErrorId = "OutcomeUnknown", Message = Stopped(fault) });
                else if (request != null && !refused)
                    _journal.Append(Entry(JournalEvent.Failed, row) with { Stage = CallStage.Confirm, Identifier = request.Identifier, ErrorId = "ConfirmNotSent", Message = "The batch stopped before this confirm was sent." });
            }
            catch (Exception) when (fault != null)
            {
            }
            _report(confirmUnderWay
                ? new PayoutEvent(row, null, InDoubtError(row, Stopped(fault) + " while its confirm was being sent"), true, request?.Identifier, request?.ServiceFee)
                : PayoutEvent.Unsent(row));
        }

        private static string Stopped(Exception? fault) =>
            fault == null ? "the batch stopped" : $"the batch stopped on {(fault is NordPayException ? "an error" : "a fault")} ({fault.Message.TrimEnd('.')})";

        // The row's request: the unexpired one an earlier run made, else a new one, journaled; null when NordPay refused it.
        private async Task<NordPayWithdrawRequest?> RequestAsync(PayoutRow row, RowRecord? record, Action<PayoutEvent> report, CancellationToken cancellation)
        {
            if (record is { State: PayoutState.Requested, Multiple: false, Identifier: { } identifier, ExpiresAt: { } expires }
                && expires - ExpiryMargin > (_client.Merchant.Clock.Latest(DateTimeOffset.UtcNow) ?? DateTimeOffset.UtcNow))
            {
                // Requested by an earlier run and never confirmed: confirm that request, not a new one.
                return new NordPayWithdrawRequest(identifier, row.Currency, row.Address, row.Amount, null, Amount.ReadServer(record.ServiceFee), null, expires);
            }
            CrashPoints.At("before-request");
            var asked = DateTimeOffset.UtcNow;
            NordPayWithdrawRequest request;
            try
            {
                request = await _client.RequestWithdrawAsync(row.Currency, row.Address, row.Amount, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex) when (ex.Data["Identifier"] is Guid reused && _client.Merchant.Requests.ConfirmStarted(reused))
            {
                // NordPay gave this row the identifier of a request whose confirm had started: that confirm may have paid this
                // row's details. Not proved unpaid, so never paid again automatically.
                _journal.Append(Entry(JournalEvent.InDoubt, row) with { ErrorId = ex.ErrorId, Message = ex.Message });
                report(new PayoutEvent(row, null, InDoubtError(row, ex.Message), true));
                return null;
            }
            catch (NordPayException ex)
            {
                Fail(row, CallStage.Request, ex, report);
                StopIfUnreachable(ex);
                return null;
            }
            Reached();
            CrashPoints.At("after-request");
            _journal.Append(Entry(JournalEvent.Requested, row) with
            {
                Identifier = request.Identifier,
                ExpiresAt = request.ExpiresAt,
                ServerAt = _client.ServerEarliest(asked),
                ServiceFee = request.ServiceFee is { } fee ? Amount.Format(fee) : null,
            });
            return request;
        }

        // Sends one announced confirm and journals what its answer proves.
        private async Task ConfirmAsync(PayoutRow row, NordPayWithdrawRequest request, Action<PayoutEvent> report, CancellationToken cancellation)
        {
            WithdrawConfirmResult confirmed;
            try
            {
                confirmed = await _client.ConfirmWithdrawAsync(request.Identifier, request, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex) when (ConfirmEvidence.ProvesNotPaid(ex))
            {
                Fail(row, CallStage.Confirm, ex, report, request.Identifier);
                StopIfUnreachable(ex);
                return;
            }
            catch (NordPayException ex)
            {
                _journal.Append(Entry(JournalEvent.InDoubt, row) with { Identifier = request.Identifier, ErrorId = ex.ErrorId, Message = ex.Message });
                report(new PayoutEvent(row, null, InDoubtError(row, ex.Message), true, request.Identifier, request.ServiceFee));
                return;
            }
            Reached();
            CrashPoints.At("after-confirm");
            _journal.Append(Entry(JournalEvent.Confirmed, row) with
            {
                Identifier = request.Identifier,
                WithdrawalId = confirmed.Id,
                Status = confirmed.Status,
                Reconciled = confirmed.Reconciled,
            });
            report(Proved(row, confirmed.Status, confirmed.Id, request.ServiceFee, request.Identifier, confirmed.Reconciled, null));
        }

        private async Task PayGroupAsync(string currency, IReadOnlyList<PayoutRow> rows, CancellationToken cancellation)
        {
            var pairs = rows.Select(r => new KeyValuePair<string, decimal>(r.Address, r.Amount)).ToList();
            var references = rows.Select(r => r.Reference).ToArray();
            NordPayMultipleWithdrawRequest request;
            CrashPoints.At("before-request");
            var asked = DateTimeOffset.UtcNow;
            try
            {
                request = await _client.RequestMultipleWithdrawAsync(currency, pairs, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex)
            {
                foreach (var row in rows) Fail(row, CallStage.Request, ex, _report);
                return;
            }
            CrashPoints.At("after-request");
            _journal.Append(new JournalEntry(JournalEvent.Requested, DateTimeOffset.UtcNow) { References = references, Identifier = request.Identifier, Multiple = true, ExpiresAt = request.ExpiresAt, ServerAt = _client.ServerEarliest(asked) });
            var sending = DateTimeOffset.UtcNow;
            _journal.Force(_journal.Append(new JournalEntry(JournalEvent.ConfirmSending, sending) { References = references, Identifier = request.Identifier, Multiple = true, ServerAt = _client.ServerEarliest(sending), Boot = BootIdentity.Current }));
            CrashPoints.At("before-confirm");
            _journal.Append(new JournalEntry(JournalEvent.ConfirmSent, DateTimeOffset.UtcNow) { References = references, Identifier = request.Identifier, Multiple = true });
            MultipleWithdrawConfirmResult confirmed;
            try
            {
                confirmed = await _client.ConfirmMultipleWithdrawAsync(request, pairs, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex) when (ConfirmEvidence.ProvesNotPaid(ex))
            {
                foreach (var row in rows) Fail(row, CallStage.Confirm, ex, _report, request.Identifier);
                return;
            }
            catch (Exception ex)
            {
                // An answer that proves nothing, or a fault of the batch's own (Ctrl+C among them) while the confirm was under way.
                var known = ex as NordPayException;
                var why = known?.Message ?? Stopped(ex) + " while its confirm was being sent";
                _journal.Append(new JournalEntry(JournalEvent.InDoubt, DateTimeOffset.UtcNow)
                    { References = references, Identifier = request.Identifier, Multiple = true, ErrorId = known?.ErrorId ?? "OutcomeUnknown", Message = why });
                foreach (var row in rows) _report(new PayoutEvent(row, null, InDoubtError(row, why), true, request.Identifier));
                if (known != null) return;
                if (ex is OperationCanceledException) throw;
                throw Fault(ex);
            }
            CrashPoints.At("after-confirm");
            var ids = rows.Select((_, i) => confirmed.Withdrawals?[i].Id).ToArray();
            _journal.Append(new JournalEntry(JournalEvent.Confirmed, DateTimeOffset.UtcNow)
            {
                References = references, Identifier = request.Identifier, Multiple = true, WithdrawalIds = ids, BatchId = confirmed.BatchId,
                Status = confirmed.Status, Reconciled = confirmed.Reconciled,
            });
            for (var i = 0; i < rows.Count; i++)
                _report(WithdrawalStatus.Pays(confirmed.Status)
                    ? new PayoutEvent(rows[i], Result(rows[i], ReportOutcome.Paid, null, request.Identifier, ids[i], confirmed.Reconciled, confirmed.BatchId), null)
                    : new PayoutEvent(rows[i], null, WithdrawalStatus.NotPaid(confirmed.BatchId ?? 0, confirmed.Status, Target(rows[i])), identifier: request.Identifier));
        }

        // A row NordPay refused. A refusal no row can get past (the key) stops the batch; the row is reported as not sent.
        private void Fail(PayoutRow row, CallStage stage, NordPayException error, Action<PayoutEvent> report, Guid? identifier = null)
        {
            _journal.Append(Entry(JournalEvent.Failed, row) with { Stage = stage, Identifier = identifier, ErrorId = error.ErrorId, Message = error.Message });
            if (error.StopsBatch) throw error;
            report(new PayoutEvent(row, null, error, identifier: identifier));
        }

        private static string Target(PayoutRow row) => $"{Amount.Format(row.Amount)} {row.Currency} to {row.Address}";

        private void Reached() => Interlocked.Exchange(ref _unreachableRows, 0);

        // After a row NordPay answered, counting starts again; after the last of several rows that could not reach it, the batch
        // stops (the rows not requested are reported as not sent, and the run's error is this one).
        private void StopIfUnreachable(NordPayException error)
        {
            if (error.ErrorId != "ConnectionFailed")
                Reached();
            else if (Interlocked.Increment(ref _unreachableRows) == UnreachableRows)
                _unreachable = new NordPayException("NordPayUnreachable", ErrorKind.ConnectionError,
                    $"NordPay could not be reached for {UnreachableRows} rows in a row, with nothing getting through ({error.Message.TrimEnd('.')}): the batch stopped, and the rows not sent are not paid.",
                    null, recommendedAction: "Check the network and NordPay's status, then run the batch again with the same journal: it pays the rows left, each once.", inner: error);
        }

        private static JournalEntry Entry(JournalEvent @event, PayoutRow row) =>
            new JournalEntry(@event, DateTimeOffset.UtcNow) { References = new[] { row.Reference } };

        private static NordPayPayoutResult Result(PayoutRow row, ReportOutcome state, decimal? fee, Guid? identifier, long? withdrawalId, bool reconciled, long? batchId) =>
            new NordPayPayoutResult(row.Reference, row.Row, state.ToString(), row.Currency, row.Address, row.Amount, fee, identifier, withdrawalId, reconciled, batchId);

        /// <summary>An earlier run's payout, as the journal records it.</summary>
        public static NordPayPayoutResult AlreadyPaid(PayoutRow row, RowRecord record) =>
            Result(row, ReportOutcome.AlreadyPaid, Amount.ReadServer(record.ServiceFee), record.Identifier, record.WithdrawalId, record.Reconciled, record.BatchId);

        private static NordPayException InDoubtError(PayoutRow row, string why, IReadOnlyList<NordPayWithdrawal>? candidates = null) =>
            new NordPayException("PayoutInDoubt", ErrorKind.InvalidResult,
                $"Whether {Target(row)} was paid is unknown: {why.TrimEnd('.')}. It is not paid again automatically."
                + (candidates is { Count: > 0 } ? $" Withdrawals in the history that could be it: {string.Join(", ", candidates.Select(c => $"{c.Id} ({c.Status}, {c.CreatedAt:u})"))}." : string.Empty),
                "Reference", recommendedAction: $"Look for it in the NordPay withdraw history, then run the batch again with -SettleInDoubt Paid or NotPaid -SettleReference {row.Reference}.");
    }
}
