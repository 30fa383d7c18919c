using System.Diagnostics;

namespace NordPay.Bench;

/// <summary>4. Peak live managed memory while streaming rows. The sandbox's ledger grows in its own process, not counted against the module.</summary>
internal static class Memory
{
    public static void Run(Options options, Results results)
    {
        using var sandbox = SandboxProcess.Start();
        results.Heading("Peak live managed memory while streaming rows (sampled after a full collection every 200 ms; sandbox in its own process)");
        results.Table(1, "Path", "rows", "peak heap MB", "time s");
        foreach (var count in new[] { options.MemoryRows / 10, options.MemoryRows })
        {
            using var ps = HostedSession.Open(sandbox);
            var (peak, seconds) = Peak(() => HostedSession.Run(ps,
                "1..$args[0] | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x' + $_.ToString('x40'); Amount = '1.' + $_ } } | New-NordPayWithdrawRequest -WhatIf",
                count));
            results.Line($"| New-NordPayWithdrawRequest -WhatIf | {count} | {peak:0.0} | {seconds:0.0} |");
        }
        foreach (var count in new[] { options.BatchMemoryRows / 10, options.BatchMemoryRows })
        {
            using var ps = HostedSession.Open(sandbox);
            var (peak, seconds) = Peak(() => HostedSession.Run(ps,
                "1..$args[0] | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x' + ($_ + $args[2]).ToString('x40'); Amount = '1.' + $_ } } | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 8 -InformationAction Ignore | Out-Null",
                count, Payouts.Journal(), count * 7));
            results.Line($"| Invoke-NordPayPayout (paying) | {count} | {peak:0.0} | {seconds:0.0} |");
        }
        results.Line(string.Empty);
    }

    private static (double PeakMegabytes, double Seconds) Peak(Action run)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        long peak = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            // Live memory: a full collection before each sample, so garbage not yet collected is not counted.
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true));
                await Task.Delay(200);
            }
        });
        var clock = Stopwatch.StartNew();
        run();
        sampling.Cancel();
        sampler.Wait();
        return (peak / 1048576.0, clock.Elapsed.TotalSeconds);
    }
}
