using System.Globalization;

namespace NordPay.Sandbox;

/// <summary>Where a dropped connection is cut: before NordPay would process the call, or after it did.</summary>
public enum Drop
{
    None,
    BeforeProcessing,
    AfterProcessing,
}

/// <summary>How an answer lies where NordPay's documentation is silent (see <see cref="Lies"/>).</summary>
public enum Lie
{
    None,
    /// <summary>The answer names a field twice, the other value first; a withdraw request books another currency, address or amount, and repeats what was asked last.</summary>
    Duplicate,
    /// <summary>A withdraw request books another currency, address or amount, and its answer leaves the field out.</summary>
    Omit,
    /// <summary>A withdraw request's answer gives the identifier of the request made before it, which now holds this one's details.</summary>
    ReuseIdentifier,
}

/// <summary>
/// A fault for the requests whose path ends with <see cref="PathSuffix"/> (and, optionally, whose body
/// names <see cref="Address"/>): added latency, an answer of its own (429 with Retry-After, 5xx, any body),
/// a dropped connection, or a slow response body. With <see cref="Processed"/> the call is first processed
/// for real, and the latency and the answer of its own come after: a server that pays, then answers garbage.
/// It applies to every <see cref="Every"/>th matching request, <see cref="Times"/> times at most.
/// </summary>
public sealed record FaultRule
{
    public string PathSuffix { get; init; } = string.Empty;
    public string? Address { get; init; }
    public TimeSpan Latency { get; init; }
    public int? Status { get; init; }
    public string Body { get; init; } = string.Empty;
    public string ContentType { get; init; } = "application/json";
    /// <summary>Sent as Retry-After: seconds, or an HTTP date when <see cref="RetryAfterAsDate"/>.</summary>
    public int? RetryAfterSeconds { get; init; }
    public bool RetryAfterAsDate { get; init; }
    public Drop Drop { get; init; }
    /// <summary>The real answer is written a few bytes at a time, this long apart.</summary>
    public TimeSpan SlowBody { get; init; }
    /// <summary>The call is processed for real before the latency and the answer of its own.</summary>
    public bool Processed { get; init; }
    /// <summary>The call is processed for real and its answer lies so about <see cref="LieField"/>.</summary>
    public Lie Lie { get; init; }
    public string? LieField { get; init; }
    /// <summary>The real answer comes after this many KB of whitespace (still JSON), with no Content-Length.</summary>
    public int PadKilobytes { get; init; }
    public int Every { get; init; } = 1;
    public int Times { get; init; } = int.MaxValue;

    /// <summary>An answer of its own, as the sandbox's tests and command line write it most often.</summary>
    public static FaultRule Answer(string pathSuffix, int status, string body, string? address = null, int times = int.MaxValue) =>
        new() { PathSuffix = pathSuffix, Status = status, Body = body, Address = address, Times = times };

    /// <summary>
    /// Reads a rule from the command line: comma-separated key=value pairs, for example
    /// <c>path=withdraw/confirm,drop=after,times=1</c> or <c>status=429,retry-after=1,every=2</c>.
    /// </summary>
    public static FaultRule Parse(string spec)
    {
        var rule = new FaultRule();
        foreach (var pair in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = pair.Split('=', 2);
            var key = parts[0];
            var value = parts.Length == 2 ? parts[1] : throw new ArgumentException($"Fault '{spec}': '{pair}' is not key=value.");
            int Number() => int.Parse(value, CultureInfo.InvariantCulture);
            rule = key switch
            {
                "path" => rule with { PathSuffix = value },
                "address" => rule with { Address = value },
                "latency-ms" => rule with { Latency = TimeSpan.FromMilliseconds(Number()) },
                "status" => rule with { Status = Number() },
                "body" => rule with { Body = value },
                "content-type" => rule with { ContentType = value },
                "processed" => rule with { Processed = bool.Parse(value) },
                "retry-after" => rule with { RetryAfterSeconds = Number() },
                "retry-after-date" => rule with { RetryAfterSeconds = Number(), RetryAfterAsDate = true },
                "drop" => rule with { Drop = value == "before" ? Drop.BeforeProcessing : value == "after" ? Drop.AfterProcessing : throw new ArgumentException($"Fault '{spec}': drop is before or after.") },
                "slow-body-ms" => rule with { SlowBody = TimeSpan.FromMilliseconds(Number()) },
                "lie" => ParseLie(rule, spec, value),
                "pad-kb" => rule with { PadKilobytes = Number() },
                "every" => rule with { Every = Number() },
                "times" => rule with { Times = Number() },
                _ => throw new ArgumentException($"Fault '{spec}': unknown key '{key}'. Keys: path, address, latency-ms, status, body, content-type, processed, retry-after, retry-after-date, drop, slow-body-ms, lie, pad-kb, every, times."),
            };
        }
        return rule;
    }

    // lie=duplicate:FIELD, lie=omit:FIELD or lie=reuse-identifier.
    private static FaultRule ParseLie(FaultRule rule, string spec, string value)
    {
        var parts = value.Split(':', 2);
        return (parts[0], parts.Length == 2) switch
        {
            ("duplicate", true) => rule with { Lie = Lie.Duplicate, LieField = parts[1] },
            ("omit", true) => rule with { Lie = Lie.Omit, LieField = parts[1] },
            ("reuse-identifier", false) => rule with { Lie = Lie.ReuseIdentifier },
            _ => throw new ArgumentException($"Fault '{spec}': lie is duplicate:FIELD, omit:FIELD or reuse-identifier."),
        };
    }
}

/// <summary>The fault rules in force; tests and the command line add them, the middleware applies them.</summary>
public sealed class Faults
{
    private readonly object _gate = new();
    private readonly List<Entry> _rules = new();

    private sealed class Entry(FaultRule rule)
    {
        public FaultRule Rule { get; } = rule;
        public int Seen { get; set; }
        public int Applied { get; set; }
    }

    public bool Any
    {
        get { lock (_gate) return _rules.Count > 0; }
    }

    private int _applied;

    /// <summary>How many times any rule was applied: tests wait on it to know a fault is under way.</summary>
    public int Applied
    {
        get { lock (_gate) return _applied; }
    }

    public void Add(FaultRule rule)
    {
        lock (_gate) _rules.Add(new Entry(rule));
    }

    public void Clear()
    {
        lock (_gate) _rules.Clear();
    }

    /// <summary>The first rule that applies to this request, counted as used; null when none does.</summary>
    public FaultRule? Take(string path, string? address)
    {
        lock (_gate)
        {
            foreach (var entry in _rules)
            {
                var rule = entry.Rule;
                if (!path.EndsWith(rule.PathSuffix, StringComparison.Ordinal)) continue;
                if (rule.Address != null && !string.Equals(rule.Address, address, StringComparison.Ordinal)) continue;
                if (entry.Applied >= rule.Times) continue;
                entry.Seen++;
                if (entry.Seen % rule.Every != 0) continue;
                entry.Applied++;
                _applied++;
                return rule;
            }
            return null;
        }
    }
}
