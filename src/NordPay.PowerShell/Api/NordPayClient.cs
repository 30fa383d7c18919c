using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Core;
using NordPay.Models;
using NordPay.Security;

namespace NordPay.Api
{
    /// <summary>
    /// The NordPay API's endpoints: exact amounts out, typed models in, confirms that are never sent twice and whose
    /// lost answers are looked up in the withdraw history. No PowerShell types live here.
    /// </summary>
    internal sealed class NordPayClient : INordPayApi
    {
        private const string RequestPath = "balance/withdraw/request";
        private const string ConfirmPath = "balance/withdraw/confirm";
        private const string HistoryPath = "balance/withdraws";
        private const string CurrenciesPath = "currencies/";
        private const string BalancePath = "balance/";
        private const string LimitsPath = "balance/withdraw/limits";
        private const string MultipleRequestPath = "balance/withdraw/multiple/request";
        private const string MultipleConfirmPath = "balance/withdraw/multiple/confirm";
        // The most NordPay returns in one page of the withdraw history.
        private readonly Transport _transport;
        private readonly HistoryReader _reader;
        private readonly HistorySearch _history;

        /// <param name="logs">Which levels are wanted: lines nobody reads (request bodies above all) are never built.</param>
        /// <param name="merchant">What the session knows of this merchant (its clock, the withdrawals claimed); a new one when null.</param>
        public NordPayClient(NordPayConnection connection, NordPayClientOptions? options = null, Action<LogLevel, string>? log = null,
            Func<LogLevel, bool>? logs = null, MerchantState? merchant = null)
        {
            Merchant = merchant ?? new MerchantState();
            _transport = new Transport(connection, options ?? NordPayClientOptions.Default, Merchant, log ?? ((_, _) => { }),
                log == null ? _ => false : logs ?? (_ => true));
            _reader = new HistoryReader(GetWithdrawalsAsync);
            _history = new HistorySearch(Merchant, _reader);
        }

        public Redactor Redactor => _transport.Redactor;

        public MerchantState Merchant { get; }

        /// <summary>Step one: asks NordPay for a withdraw request. The amount is sent digit for digit.</summary>
        public async Task<NordPayWithdrawRequest> RequestWithdrawAsync(string currency, string address, decimal amount,
            CancellationToken cancellation)
        {
            var body = WriteJson(w =>
            {
                w.WriteString("currency", currency);
                w.WriteString("address", address);
                // A decimal string is carried exactly by any JSON parser; a JSON number may be read as a float.
                w.WriteString("amount", Amount.Format(amount));
            });
            var answer = await _transport.SendAsync(HttpMethod.Post, RequestPath, body, Repeat.Safely, cancellation).ConfigureAwait(false);
            var payload = answer.Payload(Redactor);
            AnswerChecks.RequireEchoed(payload, "currency", "address", "amount");
            var request = NordPayWithdrawRequest.Read(payload);
            AnswerChecks.RequireNewIdentifier(Merchant.Requests, request.Identifier);
            AnswerChecks.RequireRequest(request, currency, address, amount, ServerNow(), Redactor);
            return request;
        }

        /// <summary>
        /// Step two: confirms a withdraw request, which queues the payout for admin approval. It is never sent twice.
        /// When its answer proves nothing (lost, unreadable, a 5xx), the withdraw history is searched for the payout;
        /// when it cannot be proved there, the call fails with OutcomeUnknown.
        /// </summary>
        /// <param name="request">The request being confirmed, when known: what to look for in the history.</param>
        public async Task<WithdrawConfirmResult> ConfirmWithdrawAsync(Guid identifier, NordPayWithdrawRequest? request,
            CancellationToken cancellation)
        {
            var keys = request == null ? Array.Empty<PayoutKey>() : new[] { new PayoutKey(request.Currency, request.Address, request.Amount) };
            var (confirmed, lost, window) = await ConfirmAsync(ConfirmPath, identifier, keys, request?.ExpiresAt, cancellation).ConfigureAwait(false);
            if (confirmed != null) return confirmed;
            if (request == null)
                throw OutcomeUnknown(identifier, lost, "only a piped request carries the currency, address and amount to look for in the history");
            var found = await FindLostAsync(keys, window, identifier, lost, cancellation).ConfigureAwait(false);
            var withdrawal = found[0];
            _transport.Log(LogLevel.Verbose, $"Found withdrawal {withdrawal.Id} for request {identifier} in the withdraw history.");
            return new WithdrawConfirmResult(withdrawal.Id, withdrawal.Status,
                $"The answer to the confirm was lost ({lost}); withdrawal {withdrawal.Id} was found in the withdraw history.", reconciled: true);
        }

        /// <summary>Step one for many addresses in one currency: one request, all or nothing.</summary>
        public async Task<NordPayMultipleWithdrawRequest> RequestMultipleWithdrawAsync(string currency,
            IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts, CancellationToken cancellation)
        {
            var body = WriteJson(w =>
            {
                w.WriteString("currency", currency);
                w.WriteStartArray("addresses_and_amounts");
                foreach (var pair in addressesAndAmounts)
                {
                    w.WriteStartArray();
                    w.WriteStringValue(pair.Key);
                    w.WriteStringValue(Amount.Format(pair.Value));
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            });
            var answer = await _transport.SendAsync(HttpMethod.Post, MultipleRequestPath, body, Repeat.Safely, cancellation).ConfigureAwait(false);
            var payload = answer.Payload(Redactor);
            AnswerChecks.RequireEchoed(payload, "currency", "total_amount", "addresses_count");
            var request = NordPayMultipleWithdrawRequest.Read(payload);
            AnswerChecks.RequireNewIdentifier(Merchant.Requests, request.Identifier);
            AnswerChecks.RequireMultipleRequest(request, currency, addressesAndAmounts, ServerNow());
            return request;
        }

        /// <summary>
        /// Step two for many addresses. Never sent twice. Each payout's own withdrawal is then looked up in the history
        /// (a multiple confirm answers with its batch's id only); a lost answer is resolved there too, else OutcomeUnknown.
        /// </summary>
        public async Task<MultipleWithdrawConfirmResult> ConfirmMultipleWithdrawAsync(NordPayMultipleWithdrawRequest request,
            IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts, CancellationToken cancellation)
        {
            var keys = addressesAndAmounts.Select(p => new PayoutKey(request.Currency, p.Key, p.Value)).ToList();
            var (confirmed, lost, window) = await ConfirmAsync(MultipleConfirmPath, request.Identifier, keys, request.ExpiresAt, cancellation).ConfigureAwait(false);
            if (confirmed == null)
            {
                var found = await FindLostAsync(keys, window, request.Identifier, lost, cancellation).ConfigureAwait(false);
                return new MultipleWithdrawConfirmResult(null, found[0].Status, found,
                    $"The answer to the confirm was lost ({lost}); all {found.Count} withdrawals were found in the withdraw history.", reconciled: true);
            }
            // Paid, proved by the answer. Which withdrawal is whose only the history tells; until it does, the payouts
            // stay unexplained, so no search for a lost confirm can take one of them for its own.
            HistoryMatch match;
            try
            {
                match = await _history.FindAsync(keys, window, request.Identifier, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex)
            {
                match = HistoryMatch.Unproved("the withdraw history could not be read: " + ex.Message, Array.Empty<NordPayWithdrawal>());
            }
            if (match.Withdrawals == null)
                _transport.Log(LogLevel.Verbose, $"Multiple withdrawal {confirmed.Id} is confirmed, but its payouts' withdrawal ids are not known: {match.Reason}.");
            return new MultipleWithdrawConfirmResult(confirmed.Id, confirmed.Status, match.Withdrawals, confirmed.Detail, reconciled: false);
        }

        /// <summary>Every currency NordPay lists, with decimals, minimums and availability. Public: no key is needed, but it is sent.</summary>
        public async Task<IReadOnlyList<NordPayCurrency>> GetCurrenciesAsync(CancellationToken cancellation)
        {
            var answer = await _transport.SendAsync(HttpMethod.Get, CurrenciesPath, null, Repeat.Safely, cancellation).ConfigureAwait(false);
            return answer.Payload(Redactor).Items().Select(NordPayCurrency.Read).ToList();
        }

        /// <summary>The merchant's balance in each currency.</summary>
        public async Task<IReadOnlyDictionary<string, decimal>> GetBalancesAsync(CancellationToken cancellation)
        {
            var answer = await _transport.SendAsync(HttpMethod.Get, BalancePath, null, Repeat.Safely, cancellation).ConfigureAwait(false);
            var balances = new Dictionary<string, decimal>(StringComparer.Ordinal);
            foreach (var pair in answer.Payload(Redactor).AmountsByName("balances")) balances[pair.Key] = pair.Value;
            return balances;
        }

        /// <summary>
        /// What NordPay publishes of each currency before any request (fee percent, minimum, maximum, balance), by currency.
        /// A currency listed twice with other figures is left out: neither can be trusted. Only reads: repeated safely.
        /// </summary>
        public async Task<IReadOnlyDictionary<string, WithdrawLimit>> GetWithdrawLimitsAsync(CancellationToken cancellation)
        {
            var answer = await _transport.SendAsync(HttpMethod.Get, LimitsPath, null, Repeat.Safely, cancellation).ConfigureAwait(false);
            var limits = new Dictionary<string, WithdrawLimit>(StringComparer.Ordinal);
            var contradicted = new HashSet<string>(StringComparer.Ordinal);
            foreach (var limit in answer.Payload(Redactor).Items().Select(WithdrawLimit.Read))
            {
                if (limit == null || contradicted.Contains(limit.Currency)) continue;
                if (limits.TryGetValue(limit.Currency, out var earlier) && earlier != limit)
                {
                    limits.Remove(limit.Currency);
                    contradicted.Add(limit.Currency);
                    continue;
                }
                limits[limit.Currency] = limit;
            }
            return limits;
        }

        // One page of the history, asked newest first; only the HistoryReader reads pages, and checks them.
        private async Task<IReadOnlyList<NordPayWithdrawal>> GetWithdrawalsAsync(string? currency, int offset, int limit,
            CancellationToken cancellation)
        {
            var query = $"{HistoryPath}?offset={offset.ToString(CultureInfo.InvariantCulture)}&limit={limit.ToString(CultureInfo.InvariantCulture)}&sort={HistoryReader.NewestFirst}"
                        + (currency == null ? string.Empty : "&currency=" + Uri.EscapeDataString(currency));
            var answer = await _transport.SendAsync(HttpMethod.Get, query, null, Repeat.Safely, cancellation).ConfigureAwait(false);
            return answer.Payload(Redactor).Array("items").Select(NordPayWithdrawal.Read).ToList();
        }

        /// <summary>
        /// The withdraw history (of a currency, or of all) newest first, read until <paramref name="enough"/> says what
        /// was read answers the question, or to its end; HistoryUnreliable when it cannot be read with certainty.
        /// </summary>
        public Task<IReadOnlyList<NordPayWithdrawal>> ReadHistoryAsync(string? currency, Func<IReadOnlyList<NordPayWithdrawal>, bool> enough, CancellationToken cancellation) =>
            _reader.ReadAsync(currency, enough, cancellation);

        /// <summary>Withdrawals by id, read from the history (of one currency, or of all): NordPay has no call for one withdrawal. Ids not there are left out.</summary>
        public async Task<IReadOnlyList<NordPayWithdrawal>> FindWithdrawalsAsync(string? currency, IReadOnlyCollection<long> ids, CancellationToken cancellation)
        {
            var wanted = new HashSet<long>(ids);
            var read = await _reader.ReadAsync(currency, history => wanted.IsSubsetOf(history.Select(w => w.Id)), cancellation).ConfigureAwait(false);
            return read.Where(w => wanted.Contains(w.Id)).ToList();
        }

        /// <summary>The withdrawals of these currencies created at or after <paramref name="from"/> (NordPay's clock), newest first within each currency.</summary>
        public Task<IReadOnlyList<NordPayWithdrawal>> GetHistoryAsync(IEnumerable<string> currencies, DateTimeOffset from, CancellationToken cancellation) =>
            _reader.SinceAsync(currencies, from, cancellation);

        /// <summary>When, on NordPay's clock, withdrawals made between two instants of this machine's clock can have been created.</summary>
        public TimeWindow Span(DateTimeOffset fromLocal, DateTimeOffset toLocal) => _history.Span(fromLocal, toLocal);

        /// <summary>
        /// When, on NordPay's clock, a confirm sent at <paramref name="sentAt"/> can have created its withdrawal. A
        /// journal keeps <paramref name="serverSentAt"/> (the earliest NordPay's clock read then) for a later run.
        /// </summary>
        public TimeWindow ConfirmWindow(DateTimeOffset sentAt, DateTimeOffset? serverSentAt, DateTimeOffset? expiresAt) =>
            _history.ConfirmWindow(sentAt, serverSentAt, expiresAt);

        /// <summary>The earliest NordPay's clock can read now, once any answer showed it.</summary>
        public DateTimeOffset? ServerEarliest(DateTimeOffset local) => Merchant.Clock.Earliest(local);

        /// <summary>
        /// Searches the withdraw history for the withdrawals of a confirm whose outcome is unknown: one per payout, created
        /// in the window, claimed by nothing else; otherwise why it proves nothing. <paramref name="owner"/> names the
        /// confirm (its request identifier) in <see cref="WithdrawalClaims"/>.
        /// </summary>
        public Task<HistoryMatch> FindInHistoryAsync(IReadOnlyList<PayoutKey> payouts, TimeWindow window, object owner, CancellationToken cancellation) =>
            _history.FindAsync(payouts, window, owner, cancellation);

        /// <summary>
        /// Lookalike payouts whose requests expired (no confirm can land any more), each named by its confirm (<paramref name="owners"/>):
        /// the withdrawals of theirs the history holds, fewer than the payouts when some were not paid; otherwise why it proves nothing.
        /// </summary>
        public Task<HistoryMatch> CountInHistoryAsync(PayoutKey key, IReadOnlyList<object> owners, TimeWindow window, CancellationToken cancellation) =>
            _history.CountAsync(key, owners, window, cancellation);

        // Sends a confirm and judges its answer; a confirm that may have paid with no proof returns why, and the window
        // in which its withdrawal would have been created.
        private async Task<(WithdrawConfirmResult? Confirmed, string Lost, TimeWindow Window)> ConfirmAsync(string path, Guid identifier,
            IReadOnlyList<PayoutKey> keys, DateTimeOffset? expiresAt, CancellationToken cancellation)
        {
            var body = WriteJson(w => w.WriteString("identifier", identifier.ToString("D")));
            var sentAt = DateTimeOffset.UtcNow;
            var claims = Merchant.Claims;
            AnswerChecks.RequireConfirmable(Merchant.Requests, identifier);
            try
            {
                using (claims.InFlight(keys))
                {
                    var confirmed = ConfirmEvidence.Judge(
                        await _transport.SendAsync(HttpMethod.Post, path, body, Repeat.OnlyIfNotReceived, cancellation).ConfigureAwait(false), Redactor,
                        Merchant.Requests.IsKnown(identifier));
                    // Given to another request while this confirm was under way: what it paid is that request's as likely as this one's.
                    if (Merchant.Requests.IsReused(identifier))
                        throw new OutcomeUnknownException($"NordPay gave identifier {identifier} to another withdraw request while this confirm was under way");
                    // Claimed before it stops being in flight, so no search in between can take it. An id another payout owns
                    // proves nothing of this one. A multiple confirm's id is its batch's.
                    if (path == ConfirmPath && !claims.TryClaim(confirmed.Id, identifier))
                        throw new OutcomeUnknownException($"NordPay answered with withdrawal {confirmed.Id}, which is another payout's");
                    return (confirmed, string.Empty, _history.ConfirmWindow(sentAt, null, expiresAt));
                }
            }
            // A lost answer, and any fault of this module's own once the confirm may have left (a bug must not read as
            // "not paid"): the outcome is unknown, never a failure.
            catch (Exception unknown) when (!(unknown is NordPayException) && !(unknown is OperationCanceledException))
            {
                var lost = unknown is OutcomeUnknownException ? unknown.Message : Redactor.Redact($"an unexpected {unknown.GetType().Name}: {unknown.Message}");
                _transport.Log(LogLevel.Verbose, $"The confirm of {identifier} may have reached NordPay ({lost}); it is not sent again. Reading the withdraw history.");
                return (null, lost, _history.ConfirmWindow(sentAt, null, expiresAt));
            }
            catch (OperationCanceledException)
            {
                // Stopped with the confirm maybe sent: its payout may exist, so it competes with any later search.
                var window = _history.ConfirmWindow(sentAt, null, expiresAt);
                foreach (var key in keys) claims.Unexplained(key, window, identifier);
                throw;
            }
        }

        // The withdrawals of a lost confirm; anything short of proof is OutcomeUnknown, never a failure that invites a retry.
        private async Task<IReadOnlyList<NordPayWithdrawal>> FindLostAsync(IReadOnlyList<PayoutKey> keys, TimeWindow window, Guid identifier,
            string lost, CancellationToken cancellation)
        {
            HistoryMatch match;
            try
            {
                match = await _history.FindAsync(keys, window, identifier, cancellation).ConfigureAwait(false);
            }
            catch (NordPayException ex)
            {
                throw OutcomeUnknown(identifier, lost, "the withdraw history could not be read: " + ex.Message);
            }
            return match.Withdrawals ?? throw OutcomeUnknown(identifier, lost, match.Reason);
        }

        /// <summary>Now on NordPay's clock as its answers showed it (this machine's until one did): what request expiries are read against.</summary>
        public DateTimeOffset ServerNow() => Merchant.Clock.Earliest(DateTimeOffset.UtcNow) ?? DateTimeOffset.UtcNow;

        private NordPayException OutcomeUnknown(Guid identifier, string reason, string check) =>
            new NordPayException("OutcomeUnknown", ErrorKind.InvalidResult,
                Redactor.Redact($"The confirm of withdraw request {identifier} may or may not have reached NordPay ({reason}), and {check.TrimEnd('.')}. It was not sent again."),
                "Identifier", recommendedAction: "Look for the payout in the NordPay withdraw history before you pay this row again.");

        private static byte[] WriteJson(Action<Utf8JsonWriter> writeFields)
        {
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writeFields(writer);
                writer.WriteEndObject();
            }
            return stream.ToArray();
        }
    }
}
