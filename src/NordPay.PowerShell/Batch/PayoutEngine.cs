using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Api;

namespace NordPay.Batch
{
    /// <summary>What happened to a row, reported to the pipeline thread, which alone writes to PowerShell's streams.</summary>
    public sealed class PayoutEvent
    {
        public PayoutEvent(PayoutRow row, NordPayPayoutResult? result, NordPayException? error, bool inDoubt = false)
        {
            Row = row;
            Result = result;
            Error = error;
            InDoubt = inDoubt;
        }

        public PayoutRow Row { get; }
        public NordPayPayoutResult? Result { get; }
        public NordPayException? Error { get; }
        public bool InDoubt { get; }
    }

    /// <summary>
    /// Pays rows exactly once, journaling each step before the call it announces: request, confirm-sending
    /// (flushed), confirm, outcome. Up to ThrottleLimit rows at a time; each row is handled by one worker.
    /// </summary>
    public sealed class PayoutEngine
    {
        // A request this close to its expiry is not confirmed; a new one is made instead.
        private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(30);
        private const int MultipleChunk = 100;

        private readonly NordPayClient _client;
        private readonly Journal _journal;
        private readonly Action<PayoutEvent> _report;

        public PayoutEngine(NordPayClient client, Journal journal, Action<PayoutEvent> report)
        {
            _client = client;
            _journal = journal;
            _report = report;
        }

        /// <summary>
        /// A row whose confirm outcome is unknown: found in the withdraw history, it is confirmed; otherwise it
        /// stays in doubt and is never paid again automatically.
        /// </summary>
        public async Task ResolveAsync(PayoutRow row, RowRecord record, CancellationToken cancellation)
        {
            IReadOnlyList<NordPayWithdrawal>? found;
            try
            {
                found = await _client.FindWithdrawalsAsync(new[] { row.Key }, record.ConfirmSentAt ?? DateTimeOffset.MinValue, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex) when (!ex.StopsBatch)
            {
                record.State = PayoutState.InDoubt;
                _report(new PayoutEvent(row, null, InDoubtError(row, "the withdraw history could not be read: " + ex.Message), inDoubt: true));
                return;
            }
            if (found == null)
            {
                if (record.State != PayoutState.InDoubt) _journal.Append(Entry(JournalEvent.InDoubt, row) with { Identifier = record.Identifier });
                record.State = PayoutState.InDoubt;
                _report(new PayoutEvent(row, null, InDoubtError(row, "no matching withdrawal is in the withdraw history"), inDoubt: true));
                return;
            }
            var withdrawal = found[0];
            _journal.Append(Entry(JournalEvent.Confirmed, row) with { Identifier = record.Identifier, WithdrawalId = withdrawal.Id, Status = withdrawal.Status, Reconciled = true });
            record.State = PayoutState.Confirmed;
            _report(new PayoutEvent(row, Result(row, "Paid", ParseFee(record.ServiceFee), record.Identifier, withdrawal.Id, reconciled: true), null));
        }

        /// <summary>
        /// Pays the rows taken from <paramref name="rows"/> as they come, up to <paramref name="throttleLimit"/> at
        /// a time; stops early on a failure no row can get past.
        /// </summary>
        public async Task PayAsync(BlockingCollection<(PayoutRow Row, RowRecord? Record)> rows, int throttleLimit, CancellationToken cancellation)
        {
            using var stopBatch = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            NordPayException? stopping = null;
            // A few workers take the rows in turn: memory stays the same whatever the number of rows.
            async Task Work()
            {
                foreach (var (row, record) in rows.GetConsumingEnumerable(stopBatch.Token))
                {
                    try
                    {
                        await PayOneAsync(row, record, stopBatch.Token).ConfigureAwait(false);
                    }
                    catch (NordPayException ex) when (ex.StopsBatch)
                    {
                        Interlocked.CompareExchange(ref stopping, ex, null);
                        stopBatch.Cancel();
                    }
                }
            }
            try
            {
                await Task.WhenAll(Enumerable.Range(0, throttleLimit).Select(_ => Task.Run(Work))).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping != null && !cancellation.IsCancellationRequested)
            {
            }
            if (stopping != null) throw stopping;
            cancellation.ThrowIfCancellationRequested();
        }

        /// <summary>Pays the rows with the multiple-withdraw endpoints: one request and one confirm per currency (in chunks of 100).</summary>
        public async Task PayMultipleAsync(IReadOnlyList<PayoutRow> rows, CancellationToken cancellation)
        {
            foreach (var group in rows.GroupBy(r => r.Currency, StringComparer.Ordinal))
            {
                foreach (var chunk in group.Select((row, i) => (row, i)).GroupBy(x => x.i / MultipleChunk, x => x.row))
                    await PayGroupAsync(group.Key, chunk.ToList(), cancellation).ConfigureAwait(false);
            }
        }

        private async Task PayOneAsync(PayoutRow row, RowRecord? record, CancellationToken cancellation)
        {
            NordPayWithdrawRequest request;
            if (record is { State: PayoutState.Requested, Multiple: false, Identifier: { } identifier, ExpiresAt: { } expires }
                && expires - ExpiryMargin > DateTimeOffset.UtcNow)
            {
                // Requested by an earlier run and never confirmed: confirm that request, not a new one.
                request = new NordPayWithdrawRequest(identifier, row.Currency, row.Address, row.Amount, null, null, ParseFee(record.ServiceFee), expires);
            }
            else
            {
                CrashPoints.At("before-request");
                try
                {
                    request = await _client.RequestWithdrawAsync(row.Currency, row.Address, row.Amount, cancellation).ConfigureAwait(false);
                }
                catch (NordPayException ex)
                {
                    Fail(row, "request", ex);
                    return;
                }
                CrashPoints.At("after-request");
                _journal.Append(Entry(JournalEvent.Requested, row) with
                {
                    Identifier = request.Identifier,
                    ExpiresAt = request.ExpiresAt,
                    ServiceFee = request.ServiceFee is { } fee ? Amount.Format(fee) : null,
                });
            }

            _journal.Append(Entry(JournalEvent.ConfirmSending, row) with { Identifier = request.Identifier });
            CrashPoints.At("before-confirm");
            WithdrawConfirmResult confirmed;
            try
            {
                confirmed = await _client.ConfirmWithdrawAsync(request.Identifier, request, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex) when (ex.ErrorId == "OutcomeUnknown")
            {
                _journal.Append(Entry(JournalEvent.InDoubt, row) with { Identifier = request.Identifier, ErrorId = ex.ErrorId, Message = ex.Message });
                _report(new PayoutEvent(row, null, InDoubtError(row, ex.Message), inDoubt: true));
                return;
            }
            catch (NordPayException ex)
            {
                Fail(row, "confirm", ex, request.Identifier);
                return;
            }
            CrashPoints.At("after-confirm");
            _journal.Append(Entry(JournalEvent.Confirmed, row) with
            {
                Identifier = request.Identifier,
                WithdrawalId = confirmed.Id,
                Status = confirmed.Status,
                Reconciled = confirmed.Reconciled,
            });
            _report(new PayoutEvent(row, Result(row, "Paid", request.ServiceFee, request.Identifier, confirmed.Id, confirmed.Reconciled), null));
        }

        private async Task PayGroupAsync(string currency, IReadOnlyList<PayoutRow> rows, CancellationToken cancellation)
        {
            var pairs = rows.Select(r => new KeyValuePair<string, decimal>(r.Address, r.Amount)).ToList();
            var references = rows.Select(r => r.Reference).ToArray();
            NordPayMultipleWithdrawRequest request;
            CrashPoints.At("before-request");
            try
            {
                request = await _client.RequestMultipleWithdrawAsync(currency, pairs, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex)
            {
                foreach (var row in rows) Fail(row, "request", ex);
                return;
            }
            CrashPoints.At("after-request");
            var at = DateTimeOffset.UtcNow;
            _journal.Append(new JournalEntry(JournalEvent.Requested, at) { References = references, Identifier = request.Identifier, Multiple = true, ExpiresAt = request.ExpiresAt });
            _journal.Append(new JournalEntry(JournalEvent.ConfirmSending, DateTimeOffset.UtcNow) { References = references, Identifier = request.Identifier, Multiple = true });
            CrashPoints.At("before-confirm");
            WithdrawConfirmResult confirmed;
            try
            {
                confirmed = await _client.ConfirmMultipleWithdrawAsync(request.Identifier, currency, pairs, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex) when (ex.ErrorId == "OutcomeUnknown")
            {
                _journal.Append(new JournalEntry(JournalEvent.InDoubt, DateTimeOffset.UtcNow) { References = references, Identifier = request.Identifier, Multiple = true, Message = ex.Message });
                foreach (var row in rows) _report(new PayoutEvent(row, null, InDoubtError(row, ex.Message), inDoubt: true));
                return;
            }
            catch (NordPayException ex)
            {
                foreach (var row in rows) Fail(row, "confirm", ex, request.Identifier);
                return;
            }
            CrashPoints.At("after-confirm");
            _journal.Append(new JournalEntry(JournalEvent.Confirmed, DateTimeOffset.UtcNow)
            {
                References = references, Identifier = request.Identifier, Multiple = true, WithdrawalId = confirmed.Id, Status = confirmed.Status, Reconciled = confirmed.Reconciled,
            });
            foreach (var row in rows)
                _report(new PayoutEvent(row, Result(row, "Paid", null, request.Identifier, confirmed.Id, confirmed.Reconciled), null));
        }

        private void Fail(PayoutRow row, string stage, NordPayException error, Guid? identifier = null)
        {
            _journal.Append(Entry(JournalEvent.Failed, row) with { Stage = stage, Identifier = identifier, ErrorId = error.ErrorId, Message = error.Message });
            if (error.StopsBatch) throw error;
            _report(new PayoutEvent(row, null, error));
        }

        private static JournalEntry Entry(string @event, PayoutRow row) =>
            new JournalEntry(@event, DateTimeOffset.UtcNow) { References = new[] { row.Reference } };

        private static NordPayPayoutResult Result(PayoutRow row, string state, decimal? fee, Guid? identifier, long? withdrawalId, bool reconciled) =>
            new NordPayPayoutResult(row.Reference, row.Row, state, row.Currency, row.Address, row.Amount, fee, identifier, withdrawalId, reconciled);

        /// <summary>An earlier run's payout, as the journal records it.</summary>
        public static NordPayPayoutResult AlreadyPaid(PayoutRow row, RowRecord record) =>
            Result(row, "AlreadyPaid", ParseFee(record.ServiceFee), record.Identifier, record.WithdrawalId, reconciled: false);

        private static decimal? ParseFee(string? text) => text != null && Amount.TryParseServer(text, out var fee) ? fee : (decimal?)null;

        private static NordPayException InDoubtError(PayoutRow row, string why) =>
            new NordPayException("PayoutInDoubt", ErrorKind.InvalidResult,
                $"Whether {Amount.Format(row.Amount)} {row.Currency} to {row.Address} was paid is unknown: {why}. It is not paid again automatically.",
                "Reference", recommendedAction: $"Look for it in the NordPay withdraw history, then run the batch again with -SettleInDoubt Paid or NotPaid -SettleReference {row.Reference}.");
    }
}
