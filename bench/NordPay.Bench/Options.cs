using System.Globalization;

namespace NordPay.Bench;

/// <summary>The command line: how many rows each part measures, and which part runs (all unless --only names one).</summary>
internal sealed class Options
{
    public int Rows { get; private set; } = 10_000;
    public int Chunk { get; private set; } = 250;
    public int WarmUpRows { get; private set; } = 10_000;
    public int BatchRows { get; private set; } = 2_000;
    public int ScalingRows { get; private set; } = 160;
    public int MemoryRows { get; private set; } = 100_000;
    public int BatchMemoryRows { get; private set; } = 20_000;
    public int FreshRows { get; private set; } = 1_000;
    public int Rounds { get; private set; } = 3;
    public int LatencyRows { get; private set; } = 1_000;
    public int LatencyPipelineRows { get; private set; } = 100;
    public int RateLimit { get; private set; } = 20;
    public int RateLimitRows { get; private set; } = 1_000;
    public int SoakRows { get; private set; } = 50_000;
    public int SoakThrottle { get; private set; } = 16;
    public int KillTrials { get; private set; } = 20;
    /// <summary>Draws the soak's faults; a new one each run unless given, and printed, so a failing soak can be repeated.</summary>
    public int Seed { get; private set; } = Random.Shared.Next();
    public string? Only { get; private set; }
    /// <summary>Run as the cold-import child: import the module once and print how long it took.</summary>
    public bool ImportChild { get; private set; }
    /// <summary>The built module folder, when not out/NordPay (given to the cold-import child).</summary>
    public string? ModuleDirectory { get; private set; }
    /// <summary>Another built module folder whose import and first call take turns with this build's (--only import), as "before".</summary>
    public string? BaselineDirectory { get; private set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--rows": o.Rows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--scaling-rows": o.ScalingRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--memory-rows": o.MemoryRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch-memory-rows": o.BatchMemoryRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--chunk": o.Chunk = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup-rows": o.WarmUpRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch-rows": o.BatchRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--fresh-rows": o.FreshRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rounds": o.Rounds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--latency-rows": o.LatencyRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--latency-pipeline-rows": o.LatencyPipelineRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rate-limit": o.RateLimit = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--rate-limit-rows": o.RateLimitRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--soak-rows": o.SoakRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--soak-throttle": o.SoakThrottle = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--kill-trials": o.KillTrials = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--seed": o.Seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--only": o.Only = args[++i]; break;
                case "--import-child": o.ImportChild = true; break;
                case "--module": o.ModuleDirectory = args[++i]; break;
                case "--baseline": o.BaselineDirectory = args[++i]; break;
                default: throw new ArgumentException("Options: --rows N, --chunk N, --warmup-rows N, --batch-rows N, --scaling-rows N, --memory-rows N, --batch-memory-rows N, " +
                                                     "--fresh-rows N, --rounds N, --latency-rows N, --latency-pipeline-rows N, --rate-limit N, --rate-limit-rows N, " +
                                                     "--soak-rows N, --soak-throttle N, --kill-trials N, --seed N, --module DIR, --baseline DIR, " +
                                                     "--only throughput|scaling|import|memory|fresh|limits|soak|kills");
            }
        }
        return o;
    }

    /// <summary>Whether a part runs: all of them unless --only names one.</summary>
    public bool Runs(string part) => Only == null || Only == part;
}
