using NordPay.Models;

namespace NordPay.Bench;

/// <summary>Rows measured: how long they took, each row's latency, and what the garbage collector did meanwhile.</summary>
internal sealed record Measurement(int Rows, double Seconds, List<double> Latencies)
{
    public static Measurement Sum(IEnumerable<Measurement> parts)
    {
        var list = parts.ToList();
        return new Measurement(list.Sum(r => r.Rows), list.Sum(r => r.Seconds), list.SelectMany(r => r.Latencies).ToList())
        {
            AllocatedBytes = list.Sum(r => r.AllocatedBytes),
            Collections = list.Sum(r => r.Collections),
            GcPause = TimeSpan.FromTicks(list.Sum(r => r.GcPause.Ticks)),
        };
    }

    /// <summary>A batch run's summary, when the run wrote one.</summary>
    public NordPayPayoutSummary? Summary { get; init; }

    /// <summary>Bytes allocated in the whole process while the rows ran (only one path runs at a time).</summary>
    public long AllocatedBytes { get; init; }
    /// <summary>Garbage collections (of generation 0 and up) while the rows ran.</summary>
    public int Collections { get; init; }
    /// <summary>Time the process stood still for garbage collection while the rows ran.</summary>
    public TimeSpan GcPause { get; init; }
    public double RowsPerSecond => Rows / Seconds;

    public double Percentile(int p)
    {
        if (Latencies.Count == 0) return 0;
        var sorted = Latencies.OrderBy(x => x).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }
}
