using NordPay.Api;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Tests.TestHost;

/// <summary>What NordPay does with a confirm, as a test of the protocol wants it.</summary>
public enum ConfirmFault
{
    /// <summary>Processed and answered.</summary>
    None,
    /// <summary>Processed (the withdrawal exists), but the answer proves nothing: the client ends with OutcomeUnknown.</summary>
    LostAfterPaying,
    /// <summary>Never processed, and the answer proves nothing: OutcomeUnknown too.</summary>
    LostBeforePaying,
    /// <summary>Processed, then the process paying dies before it hears back (a fault of its own, not NordPay's).</summary>
    DiesAfterPaying,
}

/// <summary>
/// NordPay in memory, behind the <see cref="INordPayApi"/> a batch run calls: requests, confirms (each at most once),
/// multiple withdrawals, and a withdraw history read through the module's own HistoryReader and HistorySearch. A test
/// sets what each confirm does. Its server state outlives the client (<see cref="NextProcess"/>), as NordPay outlives
/// the job that pays: no server, no PowerShell.
/// </summary>
internal sealed class FakeNordPay : INordPayApi
{
    public const string Currency = "USDTBEP20";

    private readonly Server _server;
    private readonly HistoryReader _reader;
    private readonly HistorySearch _search;

    public FakeNordPay() : this(new Server())
    {
    }

    private FakeNordPay(Server server)
    {
        _server = server;
        _reader = new HistoryReader(PageAsync);
        _search = new HistorySearch(Merchant, _reader);
    }

    // What NordPay keeps, whichever process calls it.
    private sealed class Server
    {
        public readonly object Gate = new();
        public readonly Dictionary<Guid, (PayoutKey[] Payouts, DateTimeOffset ExpiresAt, bool Multiple)> Requests = new();
        public readonly HashSet<Guid> Consumed = new();
        public readonly List<NordPayWithdrawal> Withdrawals = new();
        public readonly List<Guid> Confirms = new();
        public TimeSpan ClockAhead;
        public long NextId = 5000;
    }

    /// <summary>A new process calling the same NordPay: it knows nothing of the merchant but what it reads.</summary>
    public FakeNordPay NextProcess() => new(_server) { Balance = Balance, RequestLifetime = RequestLifetime, RefusedAddresses = RefusedAddresses, ConfirmFaults = ConfirmFaults };

    public MerchantState Merchant { get; } = new();

    /// <summary>What each confirm does, in the order NordPay receives them (from any process); past the list's end, confirms are answered.</summary>
    public List<ConfirmFault> ConfirmFaults { get; set; } = new();

    /// <summary>Addresses NordPay refuses at the request (400, a field NordPay's checks reject).</summary>
    public HashSet<string> RefusedAddresses { get; set; } = new(StringComparer.Ordinal);

    public decimal Balance { get; set; } = 1_000_000m;

    public TimeSpan RequestLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Called as NordPay receives each confirm, before it processes it.</summary>
    public Action<Guid>? OnConfirm { get; set; }

    /// <summary>Moves NordPay's clock ahead of this machine's (requests expire on NordPay's clock).</summary>
    public void MoveClock(TimeSpan ahead)
    {
        lock (_server.Gate) _server.ClockAhead += ahead;
    }

    public int RequestsMade
    {
        get { lock (_server.Gate) return _server.Requests.Count; }
    }

    public int ConfirmsReceived
    {
        get { lock (_server.Gate) return _server.Confirms.Count; }
    }

    /// <summary>Every withdrawal NordPay created, oldest first.</summary>
    public IReadOnlyList<NordPayWithdrawal> Ledger
    {
        get { lock (_server.Gate) return _server.Withdrawals.ToList(); }
    }

    public DateTimeOffset ServerNow() => Merchant.Clock.Earliest(DateTimeOffset.UtcNow) ?? DateTimeOffset.UtcNow;

    public DateTimeOffset? ServerEarliest(DateTimeOffset local) => Merchant.Clock.Earliest(local);

    public TimeWindow ConfirmWindow(DateTimeOffset sentAt, DateTimeOffset? serverSentAt, DateTimeOffset? expiresAt) => _search.ConfirmWindow(sentAt, serverSentAt, expiresAt);

    public Task<IReadOnlyList<NordPayCurrency>> GetCurrenciesAsync(CancellationToken cancellation) =>
        Answer<IReadOnlyList<NordPayCurrency>>(_ => new[] { new NordPayCurrency(Currency, "USDT", "BEP20", 18, 0.01m, 1m, true, true) });

    public Task<IReadOnlyDictionary<string, decimal>> GetBalancesAsync(CancellationToken cancellation) =>
        Answer<IReadOnlyDictionary<string, decimal>>(_ => new Dictionary<string, decimal> { [Currency] = Balance });

    // An account whose API has no limits endpoint: the prompts give no fee estimates.
    public Task<IReadOnlyDictionary<string, WithdrawLimit>> GetWithdrawLimitsAsync(CancellationToken cancellation) =>
        Task.FromException<IReadOnlyDictionary<string, WithdrawLimit>>(new NordPayException("NotFound", ErrorKind.ObjectNotFound, "Not Found", statusCode: 404));

    public Task<NordPayWithdrawRequest> RequestWithdrawAsync(string currency, string address, decimal amount, CancellationToken cancellation) =>
        Answer(now =>
        {
            if (RefusedAddresses.Contains(address))
                throw new NordPayException("ValidationFailed", ErrorKind.InvalidArgument, $"Invalid address {address}", "address", statusCode: 400);
            var identifier = NewRequest(new[] { new PayoutKey(currency, address, amount) }, now, multiple: false);
            return new NordPayWithdrawRequest(identifier, currency, address, amount, null, Fee(amount), null, now + RequestLifetime);
        });

    public Task<WithdrawConfirmResult> ConfirmWithdrawAsync(Guid identifier, NordPayWithdrawRequest? request, CancellationToken cancellation) =>
        Answer(now =>
        {
            var created = Confirm(identifier, now);
            return new WithdrawConfirmResult(created[0].Id, created[0].Status, "queued for approval");
        });

    public Task<NordPayMultipleWithdrawRequest> RequestMultipleWithdrawAsync(string currency, IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts,
        CancellationToken cancellation) =>
        Answer(now =>
        {
            var identifier = NewRequest(addressesAndAmounts.Select(p => new PayoutKey(currency, p.Key, p.Value)).ToArray(), now, multiple: true);
            var total = addressesAndAmounts.Sum(p => p.Value);
            return new NordPayMultipleWithdrawRequest(identifier, currency, total, Fee(total), addressesAndAmounts.Count, now + RequestLifetime);
        });

    public Task<MultipleWithdrawConfirmResult> ConfirmMultipleWithdrawAsync(NordPayMultipleWithdrawRequest request, IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts,
        CancellationToken cancellation) =>
        Answer(now =>
        {
            var created = Confirm(request.Identifier, now);
            return new MultipleWithdrawConfirmResult(created[0].Id + 1_000_000, "pending", created, "queued for approval", reconciled: false);
        });

    public Task<IReadOnlyList<NordPayWithdrawal>> ReadHistoryAsync(string? currency, Func<IReadOnlyList<NordPayWithdrawal>, bool> enough, CancellationToken cancellation) =>
        _reader.ReadAsync(currency, enough, cancellation);

    public Task<IReadOnlyList<NordPayWithdrawal>> FindWithdrawalsAsync(string? currency, IReadOnlyCollection<long> ids, CancellationToken cancellation) =>
        Answer<IReadOnlyList<NordPayWithdrawal>>(_ => Ledger.Where(w => ids.Contains(w.Id) && (currency == null || w.Currency == currency)).ToList());

    public Task<HistoryMatch> FindInHistoryAsync(IReadOnlyList<PayoutKey> payouts, TimeWindow window, object owner, CancellationToken cancellation) =>
        _search.FindAsync(payouts, window, owner, cancellation);

    public Task<HistoryMatch> CountInHistoryAsync(PayoutKey key, IReadOnlyList<object> owners, TimeWindow window, CancellationToken cancellation) =>
        _search.CountAsync(key, owners, window, cancellation);

    private static decimal Fee(decimal amount) => decimal.Round(amount * 0.017m, 8);

    // One page of the history, newest first, as NordPay serves it.
    private Task<IReadOnlyList<NordPayWithdrawal>> PageAsync(string? currency, int offset, int limit, CancellationToken cancellation) =>
        Answer<IReadOnlyList<NordPayWithdrawal>>(_ => Ledger.Where(w => currency == null || w.Currency == currency)
            .OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).Skip(offset).Take(limit).ToList());

    // An answer, which shows NordPay's clock (its Date header) as the real client learns it.
    private Task<T> Answer<T>(Func<DateTimeOffset, T> answer)
    {
        var local = DateTimeOffset.UtcNow;
        DateTimeOffset now;
        lock (_server.Gate) now = local + _server.ClockAhead;
        try
        {
            return Task.FromResult(answer(now));
        }
        catch (Exception ex)
        {
            return Task.FromException<T>(ex);
        }
        finally
        {
            Merchant.Clock.Observe(new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero), local, DateTimeOffset.UtcNow);
        }
    }

    private Guid NewRequest(PayoutKey[] payouts, DateTimeOffset now, bool multiple)
    {
        var identifier = Guid.NewGuid();
        lock (_server.Gate) _server.Requests[identifier] = (payouts, now + RequestLifetime, multiple);
        Merchant.Requests.TryAddNew(identifier);
        return identifier;
    }

    // Processes a confirm as its fault says: a withdrawal per payout, unless the request is unknown, expired or consumed.
    private IReadOnlyList<NordPayWithdrawal> Confirm(Guid identifier, DateTimeOffset now)
    {
        Merchant.Requests.TryStartConfirm(identifier);
        OnConfirm?.Invoke(identifier);
        ConfirmFault fault;
        List<NordPayWithdrawal> created;
        lock (_server.Gate)
        {
            fault = _server.Confirms.Count < ConfirmFaults.Count ? ConfirmFaults[_server.Confirms.Count] : ConfirmFault.None;
            _server.Confirms.Add(identifier);
            if (!_server.Requests.TryGetValue(identifier, out var request) || _server.Consumed.Contains(identifier))
                throw new NordPayException("WithdrawRequestNotFound", ErrorKind.ObjectNotFound, "Withdraw request not found", "identifier", statusCode: 404);
            if (request.ExpiresAt <= now)
                throw new NordPayException("WithdrawRequestExpired", ErrorKind.InvalidOperation, "Withdraw request expired", "identifier", statusCode: 400);
            if (fault == ConfirmFault.LostBeforePaying) throw Lost(identifier);
            _server.Consumed.Add(identifier);
            created = request.Payouts.Select(p => new NordPayWithdrawal(_server.NextId++, p.Currency, p.Address, p.Amount, null, Fee(p.Amount), null, "pending", null, now))
                .ToList();
            _server.Withdrawals.AddRange(created);
        }
        return fault switch
        {
            ConfirmFault.LostAfterPaying => throw Lost(identifier),
            ConfirmFault.DiesAfterPaying => throw new ProcessDiedException(),
            _ => created,
        };
    }

    private static NordPayException Lost(Guid identifier) =>
        new("OutcomeUnknown", ErrorKind.InvalidResult, $"The confirm of withdraw request {identifier} may or may not have reached NordPay (the answer was lost).", "Identifier");
}

/// <summary>The process paying died (<see cref="ConfirmFault.DiesAfterPaying"/>): a fault of its own, never NordPay's answer.</summary>
internal sealed class ProcessDiedException : Exception
{
    public ProcessDiedException() : base("The process paying died.")
    {
    }
}
