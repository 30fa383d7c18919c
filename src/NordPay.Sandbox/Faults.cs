namespace NordPay.Sandbox;

/// <summary>
/// An answer the sandbox gives instead of the real one, for the next <see cref="Times"/> matching requests:
/// matched by path suffix and, optionally, by the address in the request body.
/// </summary>
public sealed record FaultRule(string PathSuffix, int Status, string Body, string? Address = null,
    string ContentType = "application/json", int Times = int.MaxValue);

/// <summary>The fault rules in force; tests add them, the middleware consumes them.</summary>
public sealed class Faults
{
    private readonly object _gate = new();
    private readonly List<(FaultRule Rule, int Left)> _rules = new();

    public bool Any
    {
        get { lock (_gate) return _rules.Count > 0; }
    }

    public void Add(FaultRule rule)
    {
        lock (_gate) _rules.Add((rule, rule.Times));
    }

    public void Clear()
    {
        lock (_gate) _rules.Clear();
    }

    /// <summary>The first rule matching the request, counted as used; null when none matches.</summary>
    public FaultRule? Take(string path, string? address)
    {
        lock (_gate)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var (rule, left) = _rules[i];
                if (!path.EndsWith(rule.PathSuffix, StringComparison.Ordinal)) continue;
                if (rule.Address != null && !string.Equals(rule.Address, address, StringComparison.Ordinal)) continue;
                if (left <= 1) _rules.RemoveAt(i);
                else _rules[i] = (rule, left - 1);
                return rule;
            }
            return null;
        }
    }
}
