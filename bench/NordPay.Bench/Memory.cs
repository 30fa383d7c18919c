using System.Diagnostics;

namespace NordPay.Bench;

/// <summary>4. Peak live managed memory while streaming rows. The sandbox's ledger grows in its own process, not counted against the module.</summary>
internal static class Memory
{
    public static void Run(Options options, Results results)
    {
        using var sandbox = SandboxProcess.Start();
        results.Heading("Peak live managed memory while streaming rows (sampled after a full collection every 200 ms; sandbox in its own process)");
        results.Table(1, "Path", "rows", "peak heap MB", "time s", "run");
        foreach (var count in new[] { options.MemoryRows / 10, options.MemoryRows })
        {
            using var ps = HostedSession.Open(sandbox);
            var (peak, seconds, _) = Peak(() => HostedSession.Run(ps,
                "1..$args[0] | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x' + $_.ToString('x40'); Amount = '1.' + $_ } } | New-NordPayWithdrawRequest -WhatIf",
                count));
            results.Line($"| New-NordPayWithdrawRequest -WhatIf | {count} | {peak:0.0} | {seconds:0.0} | nothing sent |");
        }
        foreach (var count in new[] { options.BatchMemoryRows / 10, options.BatchMemoryRows })
        {
            using var ps = HostedSession.Open(sandbox);
            var before = sandbox.Ledger().Count;
            var (peak, seconds, run) = Peak(() => HostedSession.Run(ps,
                "1..$args[0] | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x' + ($_ + $args[2]).ToString('x40'); Amount = '1.' + $_ } } | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 8 -InformationAction Ignore | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }",
                count, Payouts.Journal(), count * 7));
            // Only the summary comes out, so no row is reported on its own: the check counts the summary's rows.
            var check = Completion.Check(sandbox, before, count, run with { Rows = run.Summary?.Paid ?? 0 });
            results.Line($"| Invoke-NordPayPayout (paying) | {count} | {peak:0.0} | {seconds:0.0} | {check} |");
        }
        results.Line(string.Empty);
    }

    public static (double PeakMegabytes, double Seconds, T Result) Peak<T>(Func<T> run) => Sampled(run, TimeSpan.FromMilliseconds(200), (_, _) => { });

    /// <summary>Runs, sampling the live managed heap every <paramref name="every"/> (each sample is also handed to <paramref name="sample"/>: seconds, MB).</summary>
    public static (double PeakMegabytes, double Seconds, T Result) Sampled<T>(Func<T> run, TimeSpan every, Action<double, double> sample)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long peak = 0;
        var clock = Stopwatch.StartNew();
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            // Live memory: a full collection before each sample, so garbage not yet collected is not counted.
            while (!sampling.IsCancellationRequested)
            {
                var live = GC.GetTotalMemory(forceFullCollection: true);
                peak = Math.Max(peak, live);
                sample(clock.Elapsed.TotalSeconds, live / 1048576.0);
                await Task.Delay(every);
            }
        });
        var result = run();
        sampling.Cancel();
        sampler.Wait();
        return (peak / 1048576.0, clock.Elapsed.TotalSeconds, result);
    }
}
