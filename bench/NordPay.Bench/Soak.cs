using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using NordPay.Models;

namespace NordPay.Bench;

/// <summary>
/// 8. Soak: a file of 50,000 rows through Invoke-NordPayPayout -ThrottleLimit 16 against a sandbox whose faults are
/// drawn at random from a seed (lost answers after payment, 5xx, 429, dropped connections, slow answers, an unreadable
/// history page), then the same file and journal run again until the batch is complete, as an operator would. Checked:
/// no row paid twice, none lost, the live heap flat over the first run, and no run whose journal stops growing (a hang).
/// </summary>
internal static class Soak
{
    // A run is hung when its journal stops growing for this long: a slow run under faults still moves.
    private static readonly TimeSpan StallLimit = TimeSpan.FromMinutes(2);
    private const int MostRuns = 5;
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -ThrottleLimit $args[2] -Force -InformationAction Ignore -ErrorAction SilentlyContinue | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }";

    public static void Run(Options options, Results results)
    {
        var random = new Random(options.Seed);
        var faults = DrawFaults(random);
        using var sandbox = SandboxProcess.Start(new[] { "--balance", "USDTBEP20=1000000000000" }.Concat(faults.SelectMany(f => new[] { "--fault", f })).ToArray());
        results.Heading($"Soak: {options.SoakRows} rows through Invoke-NordPayPayout -ThrottleLimit {options.SoakThrottle}, random faults (seed {options.Seed}), re-run until complete");
        results.Line("Faults: " + string.Join("; ", faults.Select(f => $"`{f}`")) + ".");
        results.Line(string.Empty);
        results.Table(0, "run", "rows/s", "paid", "already paid", "failed", "in doubt", "s");

        var rows = Payouts.Rows(900, options.SoakRows);
        var journal = Payouts.Journal();
        var heap = new List<(double Seconds, double Megabytes)>();
        var hung = false;
        NordPayPayoutSummary? summary = null;
        for (var run = 1; run <= MostRuns && summary?.Complete != true && !hung; run++)
        {
            using var ps = HostedSession.Open(sandbox);
            var clock = Stopwatch.StartNew();
            // The first run's heap is sampled every second: it pays most rows, with the workers under load.
            (summary, hung) = run == 1
                ? Memory.Sampled(() => Within(ps, rows, journal, options.SoakThrottle), TimeSpan.FromSeconds(1), (s, mb) => heap.Add((s, mb))).Result
                : Within(ps, rows, journal, options.SoakThrottle);
            var seconds = clock.Elapsed.TotalSeconds;
            results.Line(summary == null
                ? $"| {run} | | | | | | {seconds:0.0} {(hung ? $"HUNG: its journal did not grow for {StallLimit.TotalMinutes} min" : "stopped without a summary")} |"
                : $"| {run} | {summary.Paid / seconds:0} | {summary.Paid} | {summary.AlreadyPaid} | {summary.Failed} | {summary.InDoubt} | {seconds:0.0} |");
        }
        results.Line(string.Empty);

        var ledger = sandbox.Ledger();
        var paid = ledger.Distinct().ToHashSet();
        var twice = ledger.Count - paid.Count;
        var lost = rows.Count(r => !paid.Contains(("USDTBEP20", (string)r.Properties["Address"].Value, (string)r.Properties["Amount"].Value)));
        var fifth = Math.Max(1, heap.Count / 5);
        var (early, late) = (heap.Take(fifth).Max(h => h.Megabytes), heap.Skip(heap.Count - fifth).Max(h => h.Megabytes));
        var flat = late <= early * 1.5 + 5;
        var ok = summary?.Complete == true && !hung && twice == 0 && lost == 0 && flat;
        results.Line($"{(ok ? "Held" : "FAILED")}: {twice} paid twice, {lost} lost, {(hung ? "a run hung" : "no run hung")}, " +
                     $"{(summary?.Complete == true ? "complete" : "not complete")}; live heap over the first run {heap.Min(h => h.Megabytes):0.0}-{heap.Max(h => h.Megabytes):0.0} MB, " +
                     $"peak of its first fifth {early:0.0} MB and of its last fifth {late:0.0} MB ({(flat ? "flat" : "GROWING")}).");
        results.Line(string.Empty);
        if (!ok) Completion.Fail();
    }

    // One run, stopped and reported as hung once its journal stops growing.
    private static (NordPayPayoutSummary? Summary, bool Hung) Within(PowerShell ps, PSObject[] rows, string journal, int throttle)
    {
        ps.Commands.Clear();
        ps.Streams.ClearStreams();
        ps.AddScript(Pay).AddArgument(rows).AddArgument(journal).AddArgument(throttle);
        var running = ps.BeginInvoke();
        var (length, since) = (-1L, Stopwatch.StartNew());
        while (!running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5)))
        {
            var now = File.Exists(journal) ? new FileInfo(journal).Length : 0;
            if (now != length) (length, since) = (now, Stopwatch.StartNew());
            else if (since.Elapsed > StallLimit)
            {
                ps.Stop();
                return (null, true);
            }
        }
        return (ps.EndInvoke(running).Select(o => o.BaseObject).OfType<NordPayPayoutSummary>().LastOrDefault(), false);
    }

    // Each kind of fault on every Nth call of its path, N drawn from the seed: the calls they meet interleave with 16 workers.
    private static string[] DrawFaults(Random random) => new[]
    {
        $"path=withdraw/request,status=503,every={random.Next(50, 150)}",
        $"path=withdraw/request,drop=before,every={random.Next(100, 300)}",
        $"path=withdraw/confirm,drop=after,every={random.Next(200, 600)}",
        $"path=withdraw/confirm,processed=true,status=500,every={random.Next(300, 900)}",
        $"path=withdraw/confirm,status=429,retry-after=1,every={random.Next(400, 1000)}",
        $"path=withdraw/confirm,latency-ms=200,every={random.Next(100, 300)}",
        $"path=balance/withdraws,status=503,every={random.Next(5, 20)}",
    }.Select(f => f.ToString(CultureInfo.InvariantCulture)).ToArray();
}
