using System.Diagnostics;
using NordPay.Sandbox;

namespace NordPay.Bench;

/// <summary>
/// The sandbox as a child process, as a user starts it (its URL and key are read from what it prints), so the
/// server shares neither the garbage collector nor the thread pool of the client being measured. Disposing stops it.
/// </summary>
internal sealed class SandboxProcess : IDisposable
{
    private readonly Process _server;

    private SandboxProcess(Process server, Uri baseUri, string apiKey)
    {
        _server = server;
        BaseUri = baseUri;
        ApiKey = apiKey;
    }

    public Uri BaseUri { get; }
    public string ApiKey { get; }

    /// <param name="options">The sandbox's own command-line options, such as --latency-ms 50.</param>
    public static SandboxProcess Start(params string[] options)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(SandboxServer).Assembly.Location, "--port", "0" }.Concat(options)) start.ArgumentList.Add(arg);
        var server = Process.Start(start)!;
        Uri? baseUri = null;
        string? key = null;
        while (baseUri == null || key == null)
        {
            var line = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The sandbox stopped before it was ready.");
            if (line.StartsWith("NordPay sandbox listening on ", StringComparison.Ordinal)) baseUri = new Uri(line["NordPay sandbox listening on ".Length..]);
            else if (line.StartsWith("API key: ", StringComparison.Ordinal)) key = line["API key: ".Length..];
        }
        return new SandboxProcess(server, baseUri, key);
    }

    /// <summary>How many calls the sandbox's --rate-limit answered 429.</summary>
    public int RateLimited()
    {
        using var http = new HttpClient();
        using var answer = System.Text.Json.JsonDocument.Parse(http.GetStringAsync(new Uri(BaseUri, "_sandbox/rate-limited")).GetAwaiter().GetResult());
        return answer.RootElement.GetProperty("count").GetInt32();
    }

    /// <summary>Moves the sandbox's clock (its Date headers, request expiries, withdrawals' created_at) on.</summary>
    public void AdvanceClock(TimeSpan by)
    {
        using var http = new HttpClient();
        using var answer = http.PostAsync(new Uri(BaseUri, $"_sandbox/clock/advance?seconds={by.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)}"), null).GetAwaiter().GetResult();
        answer.EnsureSuccessStatusCode();
    }

    /// <summary>The sandbox's ledger: each withdrawal's currency, address and amount as the exact text of its JSON number.</summary>
    public List<(string Currency, string Address, string Amount)> Ledger()
    {
        using var http = new HttpClient();
        using var ledger = System.Text.Json.JsonDocument.Parse(http.GetStringAsync(new Uri(BaseUri, "_sandbox/ledger")).GetAwaiter().GetResult());
        return ledger.RootElement.EnumerateArray()
            .Select(w => (w.GetProperty("Currency").GetString()!, w.GetProperty("Address").GetString()!, w.GetProperty("Amount").GetRawText())).ToList();
    }

    public void Dispose()
    {
        _server.Kill();
        _server.WaitForExit();
        _server.Dispose();
    }
}
