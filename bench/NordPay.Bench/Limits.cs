namespace NordPay.Bench;

/// <summary>
/// 7. Latency and rate limits as the real API has them: 30 ms added to every call, the batch with 16 workers against
/// the two cmdlets; then a limit of calls per second on the key, which the batch's 16 workers must keep under together.
/// </summary>
internal static class Limits
{
    private const string Pipeline = "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force";
    // Failed rows go nowhere: the rows paid are counted, the others failed.
    private const string Batch = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 16 -InformationAction Ignore 2>$null";

    public static void Run(Options options, Results results)
    {
        results.Heading("Latency and rate limits (request + confirm per row)");
        results.Table(1, "Scenario", "rows", "rows paid", "rows/s", "result");
        using (var sandbox = SandboxProcess.Start("--latency-ms", "30", "--balance", "USDTBEP20=1000000000000"))
        {
            using var ps = HostedSession.Open(sandbox);
            var pipeline = HostedSession.Run(ps, Pipeline, Payouts.Rows(500, options.LatencyPipelineRows));
            var batch = HostedSession.Run(ps, Batch, Payouts.Rows(501, options.LatencyRows), Payouts.Journal());
            results.Line($"| 30 ms per call: the two cmdlets, sequential | {options.LatencyPipelineRows} | {pipeline.Rows} | {pipeline.RowsPerSecond:0.0} | |");
            results.Line($"| 30 ms per call: Invoke-NordPayPayout -ThrottleLimit 16 | {options.LatencyRows} | {batch.Rows} | {batch.RowsPerSecond:0.0} | {batch.RowsPerSecond / pipeline.RowsPerSecond:0.0}x the two cmdlets |");
        }
        using (var sandbox = SandboxProcess.Start("--rate-limit", options.RateLimit.ToString(System.Globalization.CultureInfo.InvariantCulture), "--balance", "USDTBEP20=1000000000000"))
        {
            using var ps = HostedSession.Open(sandbox);
            var batch = HostedSession.Run(ps, Batch, Payouts.Rows(502, options.RateLimitRows), Payouts.Journal());
            // Two calls per row; the batch's few reads before the rows (currency list, balance) are left out.
            results.Line($"| {options.RateLimit} calls/s per key: Invoke-NordPayPayout -ThrottleLimit 16 | {options.RateLimitRows} | {batch.Rows} | {batch.RowsPerSecond:0.0} | " +
                         $"{options.RateLimitRows - batch.Rows} failed; {2 * batch.RowsPerSecond:0.0} calls/s, {100 * 2 * batch.RowsPerSecond / options.RateLimit:0}% of the limit |");
        }
        results.Line(string.Empty);
    }
}
