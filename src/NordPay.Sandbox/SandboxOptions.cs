namespace NordPay.Sandbox;

/// <summary>How a sandbox starts: its port, the one API key it accepts, and its starting balances.</summary>
public sealed record SandboxOptions
{
    public const string DefaultApiKey = "np_sandbox_key_0123456789";

    /// <summary>0 picks a free port.</summary>
    public int Port { get; init; } = 5080;
    public string ApiKey { get; init; } = DefaultApiKey;
    public TimeSpan RequestLifetime { get; init; } = TimeSpan.FromMinutes(15);
    public decimal FeePercent { get; init; } = 1.7m;
    /// <summary>Starting balances by currency name; currencies not named start with the seed balance.</summary>
    public IReadOnlyDictionary<string, decimal> Balances { get; init; } = new Dictionary<string, decimal>();
    /// <summary>When set, requests sent to the sandbox as a proxy must carry these Basic proxy credentials (else 407).</summary>
    public System.Net.NetworkCredential? ProxyCredential { get; init; }
    /// <summary>Faults in force from the start (see <see cref="FaultRule.Parse"/>).</summary>
    public IReadOnlyList<FaultRule> Faults { get; init; } = Array.Empty<FaultRule>();
    /// <summary>When set, the calls per second each API key may make; above it a call is answered 429 (see <see cref="Sandbox.RateLimit"/>).</summary>
    public int? RateLimit { get; init; }
    /// <summary>Added to every API call, as a distant server adds it; faults and the rate limit hold alongside.</summary>
    public TimeSpan Latency { get; init; }
    /// <summary>How the withdraw history pages, where NordPay's documentation is silent (see <see cref="HistoryPaging"/>).</summary>
    public HistoryPaging History { get; init; } = new HistoryPaging();
    /// <summary>The status a confirmed withdrawal starts with: pending, as NordPay answers, or another (failed) to try the module on.</summary>
    public string ConfirmStatus { get; init; } = "pending";

    public static SandboxOptions FromArgs(string[] args)
    {
        var port = 5080;
        var key = DefaultApiKey;
        var faults = new List<FaultRule>();
        var balances = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
        int? rateLimit = null;
        var latency = TimeSpan.Zero;
        var history = new HistoryPaging();
        var lifetime = new SandboxOptions().RequestLifetime;
        var confirmStatus = "pending";
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--port": port = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--api-key": key = Next(); break;
                case "--latency-ms": latency = TimeSpan.FromMilliseconds(int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture)); break;
                case "--fault": faults.Add(FaultRule.Parse(Next())); break;
                case "--balance": AddBalance(balances, Next()); break;
                case "--rate-limit": rateLimit = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture); break;
                case "--history-sort": history = history with { SortIgnored = Next() == "ignored" }; break;
                case "--history-page-cap": history = history with { PageCap = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) }; break;
                case "--history-ignore-offset": history = history with { OffsetIgnored = true }; break;
                case "--request-ttl": lifetime = TimeSpan.FromSeconds(double.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture)); break;
                case "--confirm-status": confirmStatus = Next(); break;
                default:
                    throw new ArgumentException($"Unknown option {args[i]}. Options: --port N (0 = any free port), --api-key KEY, " +
                                                "--latency-ms N (every call), --fault SPEC (repeatable, e.g. path=withdraw/confirm,drop=after,times=1), " +
                                                "--balance CURRENCY=AMOUNT (repeatable, e.g. USDTBEP20=1000000), --rate-limit N (calls per second per key), " +
                                                "--history-sort honoured|ignored (ignored: oldest first whatever is asked), --history-page-cap N, --history-ignore-offset, " +
                                                "--request-ttl SECONDS, --confirm-status STATUS (e.g. failed).");
            }
        }
        return new SandboxOptions
        {
            Port = port, ApiKey = key, Faults = faults, Balances = balances, RateLimit = rateLimit, Latency = latency, History = history,
            RequestLifetime = lifetime, ConfirmStatus = confirmStatus,
        };
    }

    private static void AddBalance(Dictionary<string, decimal> balances, string spec)
    {
        var parts = spec.Split('=');
        if (parts.Length != 2 || !decimal.TryParse(parts[1], System.Globalization.NumberStyles.AllowDecimalPoint,
                System.Globalization.CultureInfo.InvariantCulture, out var amount))
            throw new ArgumentException($"--balance takes CURRENCY=AMOUNT, not '{spec}'.");
        balances[parts[0]] = amount;
    }
}

/// <summary>
/// How the sandbox pages its withdraw history where NordPay documents nothing: by default it honours <c>sort</c>
/// (<c>created_at:desc</c> or <c>:asc</c>; newest first when none is given), <c>offset</c> and <c>limit</c> up to 200.
/// </summary>
public sealed record HistoryPaging
{
    /// <summary>Oldest first, whatever <c>sort</c> asks.</summary>
    public bool SortIgnored { get; init; }
    /// <summary>At most this many items a page, whatever <c>limit</c> asks.</summary>
    public int? PageCap { get; init; }
    /// <summary>The first page for every <c>offset</c>.</summary>
    public bool OffsetIgnored { get; init; }
}
