namespace NordPay.Bench;

/// <summary>2. Parallel scaling: the batch mode at several -ThrottleLimit values, with latency added to every call.</summary>
internal static class Scaling
{
    public static void Run(Options options, Results results)
    {
        using var sandbox = SandboxProcess.Start("--latency-ms", "50");
        results.Heading($"Parallel scaling: {options.ScalingRows} rows through Invoke-NordPayPayout, 50 ms added to every call");
        results.Table(0, "ThrottleLimit", "rows/s", "speed-up", "run");
        using var ps = HostedSession.Open(sandbox);
        double? sequential = null;
        foreach (var throttle in new[] { 1, 4, 8, 16 })
        {
            var (result, check) = Completion.Checked(sandbox, options.ScalingRows, () =>
                HostedSession.Run(ps, $"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit {throttle}", Payouts.Rows(throttle, options.ScalingRows), Payouts.Journal()));
            sequential ??= result.RowsPerSecond;
            results.Line($"| {throttle} | {result.RowsPerSecond:0.0} | {result.RowsPerSecond / sequential.Value:0.0}x | {check} |");
        }
        results.Line(string.Empty);
    }
}
