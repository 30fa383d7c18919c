using System.Diagnostics;

namespace NordPay.Bench;

/// <summary>5. The sandbox's own capacity: many plain clients at once, to show whether the client or the server is the bottleneck.</summary>
internal static class SandboxCapacity
{
    /// <summary>Rows per second (request + confirm) that <paramref name="workers"/> concurrent plain clients get paid.</summary>
    public static async Task<double> Measure(SandboxProcess sandbox, int workers, int seconds)
    {
        using var http = new HttpClient();
        var done = 0;
        var until = DateTime.UtcNow.AddSeconds(seconds);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
        {
            for (var i = 0; DateTime.UtcNow < until; i++)
            {
                await PlainHttp.Payout(http, sandbox, Payouts.Address(1_000 + w, i), Payouts.Amount(i));
                Interlocked.Increment(ref done);
            }
        }));
        return done / clock.Elapsed.TotalSeconds;
    }
}
