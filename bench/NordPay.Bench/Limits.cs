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
            var (pipeline, pipelineCheck) = Completion.Checked(sandbox, options.LatencyPipelineRows, () => HostedSession.Run(ps, Pipeline, (object)Payouts.Rows(500, options.LatencyPipelineRows)));
            var (batch, batchCheck) = Completion.Checked(sandbox, options.LatencyRows, () => HostedSession.Run(ps, Batch, Payouts.Rows(501, options.LatencyRows), Payouts.Journal()));
            results.Line($"| 30 ms per call: the two cmdlets, sequential | {options.LatencyPipelineRows} | {pipeline.Rows} | {pipeline.RowsPerSecond:0.0} | {pipelineCheck} |");
            results.Line($"| 30 ms per call: Invoke-NordPayPayout -ThrottleLimit 16 | {options.LatencyRows} | {batch.Rows} | {batch.RowsPerSecond:0.0} | {batch.RowsPerSecond / pipeline.RowsPerSecond:0.0}x the two cmdlets; {batchCheck} |");
        }
        // At the 20 calls/s, 16 workers fit in one second's allowance; at 10, more workers than calls allowed compete.
        foreach (var limit in new[] { options.RateLimit, options.RateLimit / 2 })
        {
            using var sandbox = SandboxProcess.Start("--rate-limit", limit.ToString(System.Globalization.CultureInfo.InvariantCulture), "--balance", "USDTBEP20=1000000000000");
            using var ps = HostedSession.Open(sandbox);
            var rows = options.RateLimitRows;
            var (batch, check) = Completion.Checked(sandbox, rows, () => HostedSession.Run(ps, Batch, Payouts.Rows(502 + limit, rows), Payouts.Journal()));
            // Two calls per row; the batch's few reads before the rows (currency list, balance) are left out.
            results.Line($"| {limit} calls/s per key: Invoke-NordPayPayout -ThrottleLimit 16 | {rows} | {batch.Rows} | {batch.RowsPerSecond:0.0} | " +
                         $"{rows - batch.Rows} failed; {2 * batch.RowsPerSecond:0.0} calls/s, {100 * 2 * batch.RowsPerSecond / limit:0}% of the limit; {sandbox.RateLimited()} calls answered 429; {check} |");
        }
        results.Line(string.Empty);
    }
}
