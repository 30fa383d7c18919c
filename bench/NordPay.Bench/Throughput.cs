using System.Diagnostics;
using System.Globalization;
using System.Net;
using NordPay.Api;

namespace NordPay.Bench;

/// <summary>
/// 1. Throughput and latency, request + confirm per row: a plain HttpClient loop (the floor), the module's API client
/// alone, the two cmdlets in one pipeline, and the batch mode; then the sandbox's own capacity.
/// </summary>
internal static class Throughput
{
    public static async Task Run(Options options, Results results)
    {
        using var sandbox = SandboxProcess.Start("--balance", "USDTBEP20=1000000000000");
        results.Heading($"Throughput: {options.Rows} rows per path, request + confirm each, sequential, in chunks of {options.Chunk} taken in turn (after {options.WarmUpRows} rows of warm-up each)");
        results.Table(1, "Path", "rows/s", "p50 ms", "p95 ms", "p99 ms", "vs plain HttpClient", "range over fifths of the run", "KB allocated per row", "collections per 1,000 rows", "GC pause ms per 1,000 rows");
        using var ps = HostedSession.Open(sandbox);
        using var http = new HttpClient();
        var client = new NordPayClient(new NordPayConnection(sandbox.BaseUri, new NetworkCredential(string.Empty, sandbox.ApiKey).SecurePassword));
        using var pipeline = new StreamingPipeline(ps, p => p.AddCommand("New-NordPayWithdrawRequest").AddCommand("Confirm-NordPayWithdraw").AddParameter("Force"));
        var paths = new (string Name, Func<int, Task<Measurement>> Measure)[]
        {
            ("plain HttpClient loop (the floor)", chunk => PlainHttp.Loop(http, sandbox, chunk, options.Chunk)),
            ("the module's API client alone, called as the cmdlets call it (no PowerShell)", chunk => Task.FromResult(PipelineThread.Run(() => ClientLoop(client, chunk, options.Chunk)))),
            ("New-NordPayWithdrawRequest \\| Confirm-NordPayWithdraw", chunk => Task.FromResult(pipeline.Feed(Payouts.Rows(chunk, options.Chunk)))),
        };
        // The engine's code is compiled in tiers while it runs, and PowerShell's per-row speed keeps rising for
        // thousands of rows (2.3 s, then 1.8, 1.0, 0.9, 0.6 s for the same 2,000 rows): measure after that.
        var chunk = 0;
        for (var warm = 0; warm < options.WarmUpRows / options.Chunk; warm++, chunk++)
            for (var k = 0; k < paths.Length; k++) await paths[k].Measure(chunk * paths.Length + k);
        // Each path pays rows of its own (chunk * paths + path): the ledger then tells whether each row was paid once.
        // Then a chunk of each path in turn, the order rotating, so that every path meets the same moments of a
        // shared machine: noise there comes and goes over seconds, and one long run of each compares moments.
        var chunks = options.Rows / options.Chunk;
        var measured = paths.Select(_ => new Measurement[chunks]).ToArray();
        for (var c = 0; c < chunks; c++, chunk++)
            for (var k = 0; k < paths.Length; k++)
            {
                var path = (c + k) % paths.Length;
                var (allocated, collections, paused) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.GetTotalPauseDuration());
                measured[path][c] = await paths[path].Measure(chunk * paths.Length + path) with
                {
                    AllocatedBytes = GC.GetTotalAllocatedBytes() - allocated,
                    Collections = GC.CollectionCount(0) - collections,
                    GcPause = GC.GetTotalPauseDuration() - paused,
                };
            }
        var floor = Measurement.Sum(measured[0]).RowsPerSecond;
        for (var path = 0; path < paths.Length; path++)
        {
            var total = Measurement.Sum(measured[path]);
            var fifths = Enumerable.Range(0, 5).Select(f => Range(f)).Select(r =>
                100 * Measurement.Sum(measured[path][r]).RowsPerSecond / Measurement.Sum(measured[0][r]).RowsPerSecond).ToList();
            results.Line($"| {paths[path].Name} | {total.RowsPerSecond:0} | {total.Percentile(50):0.00} | {total.Percentile(95):0.00} | {total.Percentile(99):0.00} | {100 * total.RowsPerSecond / floor:0}% | {fifths.Min():0}-{fifths.Max():0}% | {total.AllocatedBytes / 1024.0 / total.Rows:0.0} | {1000.0 * total.Collections / total.Rows:0.0} | {1000.0 * total.GcPause.TotalMilliseconds / total.Rows:0.0} |");
        }
        Range Range(int fifth) => new(fifth * chunks / 5, (fifth + 1) * chunks / 5);

        // Every streaming path paid each of its rows, warm-up included, in this sandbox before the batch runs.
        var streamed = chunk * options.Chunk * paths.Length;
        var streamingCheck = Completion.Check(sandbox, 0, streamed, new Measurement(streamed, 0, new List<double>()));

        // The batch mode pays a whole file per call (preflight, journal, then rows): whole runs, after one to warm up.
        using var batchSession = HostedSession.Open(sandbox);
        (Measurement Measured, string Check) PayBatch() => Completion.Checked(sandbox, options.BatchRows, () =>
            HostedSession.Run(batchSession, "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", Payouts.Rows(chunk++ * paths.Length, options.BatchRows), Payouts.Journal()));
        PayBatch();
        var batches = Enumerable.Range(0, 3).Select(_ => PayBatch()).ToList();
        var batch = batches.Select(b => b.Measured).OrderBy(r => r.RowsPerSecond).ElementAt(1);
        results.Line($"| Invoke-NordPayPayout ({options.BatchRows} rows per call, median of 3; journal on disk, one fsync per window of rows) | {batch.RowsPerSecond:0} | {batch.Percentile(50):0.00} | {batch.Percentile(95):0.00} | {batch.Percentile(99):0.00} | {100 * batch.RowsPerSecond / floor:0}% | | | | |");
        results.Line(string.Empty);
        results.Line("The streaming paths together: " + streamingCheck + ".");
        results.Line("Each measured batch run: " + string.Join("; ", batches.Select(b => b.Check)) + ".");
        results.Line(string.Empty);

        var capacity = await SandboxCapacity.Measure(sandbox, workers: 16, seconds: 3);
        results.Heading($"Sandbox capacity: {capacity:0} rows/s (request + confirm) with 16 concurrent plain HttpClient workers, vs {floor:0} rows/s from one sequential client");
    }

    // The module's client without PowerShell: what the cmdlets add on top of it is the pipeline's own cost.
    private static Measurement ClientLoop(NordPayClient client, int chunk, int count)
    {
        var latencies = new List<double>(count);
        var total = Stopwatch.StartNew();
        for (var i = 1; i <= count; i++)
        {
            var row = Stopwatch.StartNew();
            var amount = decimal.Parse(Payouts.Amount(i), CultureInfo.InvariantCulture);
            var request = client.RequestWithdrawAsync("USDTBEP20", Payouts.Address(chunk, i), amount, CancellationToken.None).GetAwaiter().GetResult();
            client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None).GetAwaiter().GetResult();
            latencies.Add(row.Elapsed.TotalMilliseconds);
        }
        return new Measurement(count, total.Elapsed.TotalSeconds, latencies);
    }
}
