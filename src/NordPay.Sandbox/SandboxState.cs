using System.Globalization;

namespace NordPay.Sandbox;

/// <summary>
/// The sandbox's whole state, in memory: currencies, balances, pending requests, the ledger of confirmed
/// payouts, every request received, and a clock that tests can move forward.
/// </summary>
public sealed class SandboxState
{
    private readonly object _gate = new();
    private readonly SandboxOptions _options;
    private readonly Dictionary<string, Currency> _currencies;
    private readonly Dictionary<string, decimal> _balances;
    private readonly Dictionary<Guid, WithdrawRequest> _requests = new();
    private readonly Dictionary<Guid, MultipleWithdrawRequest> _multipleRequests = new();
    private long _batches;
    // NordPay's withdrawal ids are unique across its merchants and time; a sandbox's start where no other's did, so that a
    // process which met an earlier sandbox at the same address never takes a new withdrawal for one it knows.
    // Up to 8 digits, as the views show them whole.
    private readonly long _firstId = Random.Shared.Next(1, 10_000) * 10_000L;
    private readonly List<Withdrawal> _ledger = new();
    private readonly List<ReceivedRequest> _received = new();
    private TimeSpan _clockOffset;

    public SandboxState(SandboxOptions options)
    {
        _options = options;
        _currencies = Currency.Seed.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _balances = Currency.Seed.ToDictionary(c => c.Name, c => options.Balances.TryGetValue(c.Name, out var b) ? b : c.SeedBalance,
            StringComparer.Ordinal);
    }

    public Faults Faults { get; } = new();

    public DateTimeOffset Now
    {
        get { lock (_gate) return DateTimeOffset.UtcNow + _clockOffset; }
    }

    public void AdvanceClock(TimeSpan by)
    {
        lock (_gate) _clockOffset += by;
    }

    public IReadOnlyList<Currency> Currencies => Currency.Seed;

    public IReadOnlyList<Withdrawal> Ledger
    {
        get { lock (_gate) return _ledger.ToArray(); }
    }

    public IReadOnlyDictionary<string, decimal> Balances
    {
        get { lock (_gate) return new Dictionary<string, decimal>(_balances, StringComparer.Ordinal); }
    }

    public decimal Balance(string currency)
    {
        lock (_gate) return _balances[currency];
    }

    public void SetBalance(string currency, decimal amount)
    {
        lock (_gate) _balances[currency] = amount;
    }

    public IReadOnlyList<ReceivedRequest> Received
    {
        get { lock (_gate) return _received.ToArray(); }
    }

    public int PostsReceived => Received.Count(r => r.Method == "POST");

    private int _proxied;

    /// <summary>Requests that reached the sandbox as a proxy (absolute-form request targets).</summary>
    public int ProxiedRequests
    {
        get { lock (_gate) return _proxied; }
    }

    public void RecordProxied()
    {
        lock (_gate) _proxied++;
    }

    public void Record(ReceivedRequest request)
    {
        lock (_gate) _received.Add(request);
    }

    private readonly Dictionary<string, (long Second, int Calls)> _callsThisSecond = new(StringComparer.Ordinal);
    private int _rateLimited;

    /// <summary>Calls the rate limit answered 429.</summary>
    public int RateLimited
    {
        get { lock (_gate) return _rateLimited; }
    }

    /// <summary>Counts a call against its key's limit for the current second of the real clock; false, counted as refused, above it.</summary>
    public bool TryCountCall(string apiKey, int callsPerSecond)
    {
        var second = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        lock (_gate)
        {
            var calls = _callsThisSecond.TryGetValue(apiKey, out var counted) && counted.Second == second ? counted.Calls : 0;
            if (calls >= callsPerSecond)
            {
                _rateLimited++;
                return false;
            }
            _callsThisSecond[apiKey] = (second, calls + 1);
            return true;
        }
    }

    /// <summary>Step one: validates a withdraw request as NordPay does and keeps it until it expires.</summary>
    public (WithdrawRequest? Request, ApiFailure? Failure) CreateRequest(string currencyName, string address, decimal amount)
    {
        lock (_gate)
        {
            var failure = CheckCurrency(currencyName, out var currency) ?? CheckAmount(currency!, amount, string.Empty, new[] { "body", "amount" });
            if (failure != null) return (null, failure);
            var fee = Fee(currency!, amount);
            if (amount + fee > _balances[currency!.Name]) return (null, ApiFailure.BadRequest("Not enough balance"));

            var now = DateTimeOffset.UtcNow + _clockOffset;
            var request = new WithdrawRequest(Guid.NewGuid(), currency.Name, address, amount, fee,
                Math.Round(amount * currency.Rate, 2), Math.Round(fee * currency.Rate, 2), now, now + _options.RequestLifetime);
            _requests.Add(request.Identifier, request);
            _lastRequest = request.Identifier;
            return (request, null);
        }
    }

    private Guid? _lastRequest;

    /// <summary>The identifier of the withdraw request created last.</summary>
    public Guid? LastRequest
    {
        get { lock (_gate) return _lastRequest; }
    }

    /// <summary>A server that reuses identifiers: the pending request <paramref name="from"/> is kept under <paramref name="to"/>, replacing any there.</summary>
    public bool Reissue(Guid from, Guid to)
    {
        lock (_gate)
        {
            if (!_requests.Remove(from, out var request)) return false;
            _requests[to] = request with { Identifier = to };
            _lastRequest = to;
            return true;
        }
    }

    /// <summary>Step two: debits amount + fee and records the payout, once; the request is consumed.</summary>
    public (Withdrawal? Withdrawal, ApiFailure? Failure) Confirm(Guid identifier)
    {
        lock (_gate)
        {
            if (!_requests.TryGetValue(identifier, out var request)) return (null, ApiFailure.BadRequest("Withdraw request not found"));
            if (DateTimeOffset.UtcNow + _clockOffset >= request.ExpiresAt) return (null, ApiFailure.BadRequest("Withdraw request expired"));
            if (request.Amount + request.ServiceFee > _balances[request.Currency]) return (null, ApiFailure.BadRequest("Not enough balance"));

            _requests.Remove(identifier);
            return (Pay(request), null);
        }
    }

    /// <summary>Step one for many addresses in one currency: all or nothing.</summary>
    public (MultipleWithdrawRequest? Request, ApiFailure? Failure) CreateMultipleRequest(string currencyName, IReadOnlyList<(string Address, decimal Amount)> items)
    {
        lock (_gate)
        {
            var failure = CheckCurrency(currencyName, out var currency);
            if (failure != null) return (null, failure);
            for (var i = 0; i < items.Count; i++)
            {
                failure = CheckAmount(currency!, items[i].Amount, $" for address {items[i].Address}",
                    new[] { "body", "addresses_and_amounts", i.ToString(CultureInfo.InvariantCulture), "1" });
                if (failure != null) return (null, failure);
            }
            var now = DateTimeOffset.UtcNow + _clockOffset;
            var parts = items.Select(item =>
            {
                var fee = Fee(currency!, item.Amount);
                return new WithdrawRequest(Guid.NewGuid(), currency!.Name, item.Address, item.Amount, fee,
                    Math.Round(item.Amount * currency.Rate, 2), Math.Round(fee * currency.Rate, 2), now, now + _options.RequestLifetime);
            }).ToList();
            if (parts.Sum(p => p.Amount + p.ServiceFee) > _balances[currency!.Name]) return (null, ApiFailure.BadRequest("Not enough balance"));
            var request = new MultipleWithdrawRequest(Guid.NewGuid(), currency.Name, parts, now + _options.RequestLifetime);
            _multipleRequests.Add(request.Identifier, request);
            return (request, null);
        }
    }

    /// <summary>Step two for many addresses: one ledger entry per address, under one batch id.</summary>
    public (long? BatchId, ApiFailure? Failure) ConfirmMultiple(Guid identifier)
    {
        lock (_gate)
        {
            if (!_multipleRequests.TryGetValue(identifier, out var request)) return (null, ApiFailure.BadRequest("Multiple withdraw request not found"));
            if (DateTimeOffset.UtcNow + _clockOffset >= request.ExpiresAt) return (null, ApiFailure.BadRequest("Multiple withdraw request expired"));
            if (request.TotalAmount + request.TotalServiceFee > _balances[request.Currency]) return (null, ApiFailure.BadRequest("Not enough balance"));

            _multipleRequests.Remove(identifier);
            foreach (var part in request.Parts) Pay(part with { Identifier = identifier });
            return (++_batches, null);
        }
    }

    private Withdrawal Pay(WithdrawRequest request)
    {
        _balances[request.Currency] -= request.Amount + request.ServiceFee;
        var withdrawal = new Withdrawal(_firstId + _ledger.Count, request.Identifier, request.Currency, request.Address, request.Amount,
            request.ServiceFee, request.AmountUsd, request.ServiceFeeUsd, _options.ConfirmStatus, DateTimeOffset.UtcNow + _clockOffset);
        _ledger.Add(withdrawal);
        return withdrawal;
    }

    private ApiFailure? CheckCurrency(string name, out Currency? currency)
    {
        if (!_currencies.TryGetValue(name, out currency)) return ApiFailure.BadRequest("Currency does not exist");
        return currency.Withdrawable ? null : ApiFailure.BadRequest($"{currency.Name} is not available for withdraw at this moment");
    }

    private static ApiFailure? CheckAmount(Currency currency, decimal amount, string forAddress, string[] location)
    {
        if (Scale(amount) > currency.Decimals)
            return ApiFailure.Invalid(new ValidationIssue(location,
                $"Decimal input should have no more than {currency.Decimals} decimal places", "decimal_max_places"));
        if (amount < currency.MinWithdraw)
            return ApiFailure.BadRequest(
                $"Amount is less than minimum withdraw amount for {currency.Name} ({currency.MinWithdraw.ToString("F18", CultureInfo.InvariantCulture)}){forAddress}");
        return null;
    }

    private decimal Fee(Currency currency, decimal amount) => Truncate(amount * _options.FeePercent / 100m, currency.Decimals);

    /// <summary>The merchant's fee, as the limits endpoint publishes it.</summary>
    public decimal FeePercent => _options.FeePercent;

    /// <summary>The most one withdrawal can ask: the balance is debited the amount and its fee on top (NordPay's live limits).</summary>
    public decimal MaxWithdraw(Currency currency, decimal balance) => Truncate(balance / (1m + _options.FeePercent / 100m), currency.Decimals);

    /// <summary>What the merchant's admin does: approve (processed, with a transaction hash) or cancel a pending withdrawal.</summary>
    public bool SetStatus(long id, string status)
    {
        lock (_gate)
        {
            var index = _ledger.FindIndex(w => w.Id == id);
            if (index < 0) return false;
            _ledger[index] = _ledger[index] with { Status = status, TxHash = status == "processed" ? "0x" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N") : "" };
            return true;
        }
    }

    public Currency? FindCurrency(string name) => _currencies.TryGetValue(name, out var c) ? c : null;

    // Decimal places that carry a digit: 1.50 has one.
    private static int Scale(decimal value)
    {
        var text = value.ToString(CultureInfo.InvariantCulture);
        var point = text.IndexOf('.');
        return point < 0 ? 0 : text.TrimEnd('0').Length - point - 1;
    }

    private static decimal Truncate(decimal value, int decimals) => Math.Round(value, Math.Min(decimals, 28), MidpointRounding.ToZero);
}
