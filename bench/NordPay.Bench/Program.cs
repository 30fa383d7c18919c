using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NordPay.Bench;
using NordPay.Sandbox;

// The NordPay benchmark: starts the sandbox on loopback and measures, side by side, the module's pipeline,
// its batch mode and a plain HttpClient loop; parallel scaling under latency; Import-Module time; memory
// while streaming; and the sandbox's own capacity. Usage (from the repository root):
//   dotnet run -c Release --project bench/NordPay.Bench [-- --rows 2000 --scaling-rows 160 --memory-rows 100000]
var options = Options.Parse(args);
System.Runtime.Loader.AssemblyLoadContext.Default.Resolving += (context, name) =>
    name.Name == "NordPay.PowerShell" ? context.LoadFromAssemblyPath(Path.Combine(options.ModuleDirectory, "NordPay.PowerShell.dll")) : null;
if (options.ImportChild)
{
    ImportOnce(options.ModuleDirectory);
    return 0;
}

var report = new StringBuilder();
void Line(string text)
{
    Console.WriteLine(text);
    report.AppendLine(text);
}

Line($"NordPay benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
Line(string.Empty);

// 1. Throughput and latency, request + confirm per row.
using (var sandbox = await Start(TimeSpan.Zero))
{
    Line($"## Throughput: {options.Rows} rows, request + confirm each, sequential (median of 3 runs of each path, in turn)");
    Line(string.Empty);
    Line("| Path | rows/s | p50 ms | p95 ms | p99 ms | vs plain HttpClient |");
    Line("|---|---:|---:|---:|---:|---:|");
    // Warm every path up, then measure them in turn three times and keep each one's median run: on a small
    // machine shared with the server, one run of each is too noisy to compare.
    using var ps = Session(sandbox);
    await PlainLoop(sandbox, 100);
    await ClientLoop(sandbox, 100, 0);
    Run(ps, "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", (object)Rows(100, "warm"));
    var runs = new Dictionary<string, List<Result>>();
    void Keep(string name, Result result) => (runs.TryGetValue(name, out var list) ? list : runs[name] = new List<Result>()).Add(result);
    for (var round = 1; round <= 3; round++)
    {
        Keep("plain HttpClient loop (the floor)", await PlainLoop(sandbox, options.Rows));
        Keep("the module's API client alone (no PowerShell)", await ClientLoop(sandbox, options.Rows, round));
        Keep("New-NordPayWithdrawRequest \\| Confirm-NordPayWithdraw",
            Run(ps, "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", (object)Rows(options.Rows, "pipe" + round)));
        Keep("Invoke-NordPayPayout (journal flushed to disk per step)",
            Run(ps, "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", Rows(options.Rows, "batch" + round), Journal()));
    }
    Result Median(string name) => runs[name].OrderBy(r => r.RowsPerSecond).ElementAt(1);
    var floor = Median("plain HttpClient loop (the floor)");
    foreach (var name in runs.Keys) Row(name, Median(name), floor);
    Line(string.Empty);

    // 5. The sandbox's own capacity: many plain clients at once.
    var capacity = await SandboxCapacity(sandbox, workers: 16, seconds: 3);
    Line($"## Sandbox capacity: {capacity:0} rows/s (request + confirm) with 16 concurrent plain HttpClient workers, vs {floor.RowsPerSecond:0} rows/s from one sequential client");
    Line(string.Empty);
}

// 2. Parallel scaling under injected latency.
using (var slow = await Start(TimeSpan.FromMilliseconds(50)))
{
    Line($"## Parallel scaling: {options.ScalingRows} rows through Invoke-NordPayPayout, 50 ms added to every call");
    Line(string.Empty);
    Line("| ThrottleLimit | rows/s | speed-up |");
    Line("|---:|---:|---:|");
    using var ps = Session(slow);
    double? sequential = null;
    foreach (var throttle in new[] { 1, 4, 8, 16 })
    {
        var result = Run(ps, $"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit {throttle}", Rows(options.ScalingRows, "tl" + throttle), Journal());
        sequential ??= result.RowsPerSecond;
        Line($"| {throttle} | {result.RowsPerSecond:0.0} | {result.RowsPerSecond / sequential.Value:0.0}x |");
    }
    Line(string.Empty);
}

// 3. Import-Module, in a fresh process (cold) and in a new session of a process that imported it once (warm).
{
    var cold = Enumerable.Range(0, 3).Select(_ => ColdImport(options)).OrderBy(x => x).ToList();
    var warm = new List<double>();
    ImportOnce(options.ModuleDirectory, quiet: true);
    for (var i = 0; i < 10; i++) warm.Add(ImportOnce(options.ModuleDirectory, quiet: true));
    warm.Sort();
    Line("## Import-Module NordPay");
    Line(string.Empty);
    Line($"- cold (new process, first import): median {cold[1]:0} ms (of 3: {string.Join(", ", cold.Select(c => c.ToString("0", CultureInfo.InvariantCulture)))})");
    Line($"- warm (new session, module loaded before): median {warm[5]:0.0} ms (of 10)");
    Line(string.Empty);
}

// 4. Memory while streaming. The sandbox runs in a process of its own here, so its ledger's growth is not
// counted against the module.
{
    var (server, baseUri, key) = StartSandboxProcess();
    try
    {
        Line("## Peak live managed memory while streaming rows (sampled after a full collection every 200 ms; sandbox in its own process)");
        Line(string.Empty);
        Line("| Path | rows | peak heap MB | time s |");
        Line("|---|---:|---:|---:|");
        foreach (var count in new[] { options.MemoryRows / 10, options.MemoryRows })
        {
            using var ps = SessionAt(baseUri, key);
            var (peak, seconds) = Peak(() => Run(ps,
                "1..$args[0] | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x' + $_.ToString('x40'); Amount = '1.' + $_ } } | New-NordPayWithdrawRequest -WhatIf",
                count));
            Line($"| New-NordPayWithdrawRequest -WhatIf | {count} | {peak:0.0} | {seconds:0.0} |");
        }
        foreach (var count in new[] { options.BatchMemoryRows / 10, options.BatchMemoryRows })
        {
            using var ps = SessionAt(baseUri, key);
            var (peak, seconds) = Peak(() => Run(ps,
                "1..$args[0] | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x' + ($_ + $args[2]).ToString('x40'); Amount = '1.' + $_ } } | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 8 -InformationAction Ignore | Out-Null",
                count, Journal(), count * 7));
            Line($"| Invoke-NordPayPayout (paying) | {count} | {peak:0.0} | {seconds:0.0} |");
        }
        Line(string.Empty);
    }
    finally
    {
        server.Kill();
        server.WaitForExit();
    }
}

var written = Path.Combine(options.RepoRoot, "bench", "results.md");
File.WriteAllText(written, report.ToString());
Console.WriteLine($"Written to {written}");
return 0;

void Row(string name, Result result, Result floor) =>
    Line($"| {name} | {result.RowsPerSecond:0} | {result.Percentile(50):0.00} | {result.Percentile(95):0.00} | {result.Percentile(99):0.00} | {100 * result.RowsPerSecond / floor.RowsPerSecond:0}% |");

async Task<SandboxServer> Start(TimeSpan latency) => await SandboxServer.StartAsync(new SandboxOptions
{
    Port = 0,
    ApiKey = "np_bench_" + Guid.NewGuid().ToString("N"),
    Balances = new Dictionary<string, decimal> { ["USDTBEP20"] = 1_000_000_000_000m },
    Faults = latency > TimeSpan.Zero ? new[] { new FaultRule { Latency = latency } } : Array.Empty<FaultRule>(),
});

PowerShell Session(SandboxServer sandbox) => SessionAt(sandbox.BaseUri, sandbox.ApiKey);

PowerShell SessionAt(Uri baseUri, string apiKey)
{
    var runspace = RunspaceFactory.CreateRunspace(new QuietHost(), InitialSessionState.CreateDefault2());
    runspace.Open();
    var ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript("Import-Module $args[0]; Set-NordPayApiKey -ApiKey $args[1] -BaseUri $args[2]")
        .AddArgument(Path.Combine(options.ModuleDirectory, "NordPay.psd1"))
        .AddArgument(new NetworkCredential(string.Empty, apiKey).SecurePassword)
        .AddArgument(baseUri).Invoke();
    return ps;
}

// Runs a script, timestamping each output object as it arrives: per-row latency is the gap between outputs.
Result Run(PowerShell ps, string script, params object[] arguments)
{
    ps.Commands.Clear();
    ps.Streams.ClearStreams();
    ps.AddScript(script);
    foreach (var argument in arguments) ps.AddArgument(argument);
    var output = new PSDataCollection<PSObject>();
    var clock = Stopwatch.StartNew();
    var stamps = new List<double>();
    output.DataAdded += (_, _) => stamps.Add(clock.Elapsed.TotalMilliseconds);
    // On a thread of its own, as in pwsh: the pipeline thread is never a thread-pool thread there.
    Exception? failure = null;
    var pipeline = new Thread(() =>
    {
        try
        {
            ps.Invoke(null, output);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
    });
    pipeline.Start();
    pipeline.Join();
    clock.Stop();
    if (failure != null) throw new InvalidOperationException("The run failed: " + failure.Message, failure);
    if (Environment.GetEnvironmentVariable("NORDPAY_BENCH_TRACE") == "1")
        Console.WriteLine($"trace: {stamps.Count} outputs, first at {stamps.FirstOrDefault():0} ms, last at {stamps.LastOrDefault():0} ms, total {clock.ElapsedMilliseconds} ms");
    if (ps.Streams.Error.Count > 0) throw new InvalidOperationException("The run failed: " + ps.Streams.Error[0]);
    // Rows paid, as the module reports them; the first gap includes the run's start-up (preflight), so it is left out.
    var rows = output.Count(o => o?.BaseObject.GetType().Name is "NordPayWithdrawConfirmation" or "NordPayPayoutResult");
    var gaps = stamps.Zip(stamps.Skip(1), (a, b) => b - a).ToList();
    return new Result(rows, clock.Elapsed.TotalSeconds, gaps);
}

static object[] Rows(int count, string tag) => Enumerable.Range(1, count).Select(i =>
{
    var row = new PSObject();
    row.Properties.Add(new PSNoteProperty("Currency", "USDTBEP20"));
    row.Properties.Add(new PSNoteProperty("Address", "0x" + (tag.GetHashCode() & 0xffff).ToString("x4", CultureInfo.InvariantCulture) + i.ToString("x36", CultureInfo.InvariantCulture)));
    row.Properties.Add(new PSNoteProperty("Amount", "1." + i.ToString(CultureInfo.InvariantCulture)));
    return (object)row;
}).ToArray();

// The sandbox as a child process, as a user starts it; its URL and key are read from what it prints.
static (Process Server, Uri BaseUri, string ApiKey) StartSandboxProcess()
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var arg in new[] { typeof(SandboxServer).Assembly.Location, "--port", "0" }) start.ArgumentList.Add(arg);
    var server = Process.Start(start)!;
    Uri? baseUri = null;
    string? key = null;
    while (baseUri == null || key == null)
    {
        var line = server.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The sandbox stopped before it was ready.");
        if (line.StartsWith("NordPay sandbox listening on ", StringComparison.Ordinal)) baseUri = new Uri(line["NordPay sandbox listening on ".Length..]);
        else if (line.StartsWith("API key: ", StringComparison.Ordinal)) key = line["API key: ".Length..];
    }
    return (server, baseUri, key);
}

static string Journal() => Path.Combine(Path.GetTempPath(), "nordpay-bench", Guid.NewGuid().ToString("N") + ".journal");

// The floor: the same two calls per row with one HttpClient and no module.
// The module's client without PowerShell: what the cmdlets add on top of it is the pipeline's own cost.
static async Task<Result> ClientLoop(SandboxServer sandbox, int count, int round)
{
    var client = new NordPay.Api.NordPayClient(new NordPay.Api.NordPayConnection(sandbox.BaseUri, new NetworkCredential(string.Empty, sandbox.ApiKey).SecurePassword));
    var latencies = new List<double>();
    var total = Stopwatch.StartNew();
    for (var i = 1; i <= count; i++)
    {
        var row = Stopwatch.StartNew();
        var request = await client.RequestWithdrawAsync("USDTBEP20", "0x" + (7_000_000 * (round + 1) + i).ToString("x40", CultureInfo.InvariantCulture), 1m + i, CancellationToken.None);
        await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        latencies.Add(row.Elapsed.TotalMilliseconds);
    }
    return new Result(count, total.Elapsed.TotalSeconds, latencies);
}

static async Task<Result> PlainLoop(SandboxServer sandbox, int count)
{
    using var http = new HttpClient();
    var latencies = new List<double>();
    var total = Stopwatch.StartNew();
    for (var i = 1; i <= count; i++)
    {
        var row = Stopwatch.StartNew();
        await PlainPayout(http, sandbox, i);
        latencies.Add(row.Elapsed.TotalMilliseconds);
    }
    return new Result(count, total.Elapsed.TotalSeconds, latencies);
}

static async Task PlainPayout(HttpClient http, SandboxServer sandbox, int i)
{
    var body = $$"""{"currency":"USDTBEP20","address":"0x{{i.ToString("x40", CultureInfo.InvariantCulture)}}","amount":"1.{{i}}"}""";
    using var request = await Post(http, sandbox, "balance/withdraw/request", body);
    using var document = JsonDocument.Parse(await request.Content.ReadAsStringAsync());
    var identifier = document.RootElement.GetProperty("identifier").GetString();
    using var confirm = await Post(http, sandbox, "balance/withdraw/confirm", $$"""{"identifier":"{{identifier}}"}""");
    confirm.EnsureSuccessStatusCode();
}

static async Task<HttpResponseMessage> Post(HttpClient http, SandboxServer sandbox, string path, string json)
{
    using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.BaseUri, path)) { Content = new StringContent(json) };
    message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    message.Headers.Add("X-API-KEY", sandbox.ApiKey);
    return await http.SendAsync(message);
}

static async Task<double> SandboxCapacity(SandboxServer sandbox, int workers, int seconds)
{
    using var http = new HttpClient();
    var done = 0;
    var until = DateTime.UtcNow.AddSeconds(seconds);
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
    {
        for (var i = 0; DateTime.UtcNow < until; i++)
        {
            await PlainPayout(http, sandbox, 1_000_000 * (w + 1) + i);
            Interlocked.Increment(ref done);
        }
    }));
    return done / clock.Elapsed.TotalSeconds;
}

double ColdImport(Options o)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var arg in new[] { typeof(Options).Assembly.Location, "--import-child", "--module", o.ModuleDirectory }) start.ArgumentList.Add(arg);
    using var child = Process.Start(start)!;
    var text = child.StandardOutput.ReadToEnd();
    child.WaitForExit();
    return double.Parse(text.Trim(), CultureInfo.InvariantCulture);
}

// Imports the module into a new session and returns how long Import-Module took, in ms.
static double ImportOnce(string moduleDirectory, bool quiet = false)
{
    using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
    runspace.Open();
    using var ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript("Import-Module $args[0] -ErrorAction Stop").AddArgument(Path.Combine(moduleDirectory, "NordPay.psd1"));
    var clock = Stopwatch.StartNew();
    ps.Invoke();
    var ms = clock.Elapsed.TotalMilliseconds;
    if (!quiet) Console.WriteLine(ms.ToString("0.0", CultureInfo.InvariantCulture));
    return ms;
}

static (double PeakMegabytes, double Seconds) Peak(Action run)
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

internal sealed record Result(int Rows, double Seconds, List<double> Latencies)
{
    public double RowsPerSecond => Rows / Seconds;

    public double Percentile(int p)
    {
        if (Latencies.Count == 0) return 0;
        var sorted = Latencies.OrderBy(x => x).ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
    }
}

internal sealed class Options
{
    public int Rows { get; private set; } = 2000;
    public int ScalingRows { get; private set; } = 160;
    public int MemoryRows { get; private set; } = 100_000;
    public int BatchMemoryRows { get; private set; } = 20_000;
    public bool ImportChild { get; private set; }
    public string RepoRoot { get; } = FindRoot();
    public string ModuleDirectory { get; private set; } = Path.Combine(FindRoot(), "out", "NordPay");

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
                case "--import-child": o.ImportChild = true; break;
                case "--module": o.ModuleDirectory = args[++i]; break;
                default: throw new ArgumentException("Options: --rows N, --scaling-rows N, --memory-rows N, --batch-memory-rows N");
            }
        }
        return o;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NordPay.PowerShell.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
