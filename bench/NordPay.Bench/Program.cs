using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using NordPay.Bench;

// The NordPay benchmark: starts the sandbox on loopback and measures, side by side, the module's pipeline,
// its batch mode and a plain HttpClient loop; parallel scaling under latency; Import-Module time; memory
// while streaming; and the sandbox's own capacity. Usage (from the repository root):
//   dotnet run -c Release --project bench/NordPay.Bench [-- --rows 10000 --only throughput]   (bench/README.md lists every option)
var options = Options.Parse(args);
ModuleAssembly.Directory = options.ModuleDirectory;
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
if (options.Runs("throughput"))
{
    using var sandbox = SandboxProcess.Start("--balance", "USDTBEP20=1000000000000");
    Line($"## Throughput: {options.Rows} rows per path, request + confirm each, sequential, in chunks of {options.Chunk} taken in turn (after {options.WarmUpRows} rows of warm-up each)");
    Line(string.Empty);
    Line("| Path | rows/s | p50 ms | p95 ms | p99 ms | vs plain HttpClient | range over fifths of the run | KB allocated per row | collections per 1,000 rows | GC pause ms per 1,000 rows |");
    Line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    using var ps = Session(sandbox);
    using var http = new HttpClient();
    var client = new NordPay.Api.NordPayClient(new NordPay.Api.NordPayConnection(sandbox.BaseUri, new NetworkCredential(string.Empty, sandbox.ApiKey).SecurePassword));
    using var pipeline = new StreamingPipeline(ps, p => p.AddCommand("New-NordPayWithdrawRequest").AddCommand("Confirm-NordPayWithdraw").AddParameter("Force"));
    var paths = new (string Name, Func<int, Task<Result>> Measure)[]
    {
        ("plain HttpClient loop (the floor)", chunk => PlainLoop(http, sandbox, chunk, options.Chunk)),
        ("the module's API client alone, called as the cmdlets call it (no PowerShell)", chunk => Task.FromResult(OnOwnThread(() => ClientLoop(client, chunk, options.Chunk)))),
        ("New-NordPayWithdrawRequest \\| Confirm-NordPayWithdraw", chunk => Task.FromResult(pipeline.Feed(Rows(chunk, options.Chunk)))),
    };
    // The engine's code is compiled in tiers while it runs, and PowerShell's per-row speed keeps rising for
    // thousands of rows (2.3 s, then 1.8, 1.0, 0.9, 0.6 s for the same 2,000 rows): measure after that.
    var chunk = 0;
    for (var warm = 0; warm < options.WarmUpRows / options.Chunk; warm++, chunk++)
        foreach (var path in paths) await path.Measure(chunk);
    // Then a chunk of each path in turn, the order rotating, so that every path meets the same moments of a
    // shared machine: noise there comes and goes over seconds, and one long run of each compares moments.
    var chunks = options.Rows / options.Chunk;
    var measured = paths.Select(_ => new Result[chunks]).ToArray();
    for (var c = 0; c < chunks; c++, chunk++)
        for (var k = 0; k < paths.Length; k++)
        {
            var path = (c + k) % paths.Length;
            var (allocated, collections, paused) = (GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.GetTotalPauseDuration());
            measured[path][c] = await paths[path].Measure(chunk) with
            {
                AllocatedBytes = GC.GetTotalAllocatedBytes() - allocated,
                Collections = GC.CollectionCount(0) - collections,
                GcPause = GC.GetTotalPauseDuration() - paused,
            };
        }
    var floor = Result.Sum(measured[0]).RowsPerSecond;
    for (var path = 0; path < paths.Length; path++)
    {
        var total = Result.Sum(measured[path]);
        var fifths = Enumerable.Range(0, 5).Select(f => Range(f)).Select(r =>
            100 * Result.Sum(measured[path][r]).RowsPerSecond / Result.Sum(measured[0][r]).RowsPerSecond).ToList();
        Line($"| {paths[path].Name} | {total.RowsPerSecond:0} | {total.Percentile(50):0.00} | {total.Percentile(95):0.00} | {total.Percentile(99):0.00} | {100 * total.RowsPerSecond / floor:0}% | {fifths.Min():0}-{fifths.Max():0}% | {total.AllocatedBytes / 1024.0 / total.Rows:0.0} | {1000.0 * total.Collections / total.Rows:0.0} | {1000.0 * total.GcPause.TotalMilliseconds / total.Rows:0.0} |");
    }
    Range Range(int fifth) => new(fifth * chunks / 5, (fifth + 1) * chunks / 5);

    // The batch mode pays a whole file per call (preflight, journal, then rows): whole runs, after one to warm up.
    using var batchSession = Session(sandbox);
    Result PayBatch() => Run(batchSession, "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", Rows(chunk++, options.BatchRows), Journal());
    PayBatch();
    var batch = Enumerable.Range(0, 3).Select(_ => PayBatch()).OrderBy(r => r.RowsPerSecond).ElementAt(1);
    Line($"| Invoke-NordPayPayout ({options.BatchRows} rows per call, median of 3; journal on disk, one fsync per row) | {batch.RowsPerSecond:0} | {batch.Percentile(50):0.00} | {batch.Percentile(95):0.00} | {batch.Percentile(99):0.00} | {100 * batch.RowsPerSecond / floor:0}% | | | | |");
    Line(string.Empty);

    // 5. The sandbox's own capacity: many plain clients at once.
    var capacity = await SandboxCapacity(sandbox, workers: 16, seconds: 3);
    Line($"## Sandbox capacity: {capacity:0} rows/s (request + confirm) with 16 concurrent plain HttpClient workers, vs {floor:0} rows/s from one sequential client");
    Line(string.Empty);
}

// 2. Parallel scaling under injected latency.
if (options.Runs("scaling"))
{
    using var sandbox = SandboxProcess.Start("--latency-ms", "50");
    Line($"## Parallel scaling: {options.ScalingRows} rows through Invoke-NordPayPayout, 50 ms added to every call");
    Line(string.Empty);
    Line("| ThrottleLimit | rows/s | speed-up |");
    Line("|---:|---:|---:|");
    using var ps = Session(sandbox);
    double? sequential = null;
    foreach (var throttle in new[] { 1, 4, 8, 16 })
    {
        var result = Run(ps, $"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit {throttle}", Rows(throttle, options.ScalingRows), Journal());
        sequential ??= result.RowsPerSecond;
        Line($"| {throttle} | {result.RowsPerSecond:0.0} | {result.RowsPerSecond / sequential.Value:0.0}x |");
    }
    Line(string.Empty);
}

// 3. Import-Module, in a fresh process (cold) and in a new session of a process that imported it once (warm).
if (options.Runs("import"))
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

// 4. Memory while streaming. The sandbox's ledger grows in its own process, not counted against the module.
if (options.Runs("memory"))
{
    using var sandbox = SandboxProcess.Start();
    Line("## Peak live managed memory while streaming rows (sampled after a full collection every 200 ms; sandbox in its own process)");
    Line(string.Empty);
    Line("| Path | rows | peak heap MB | time s |");
    Line("|---|---:|---:|---:|");
    foreach (var count in new[] { options.MemoryRows / 10, options.MemoryRows })
    {
        using var ps = Session(sandbox);
        var (peak, seconds) = Peak(() => Run(ps,
            "1..$args[0] | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x' + $_.ToString('x40'); Amount = '1.' + $_ } } | New-NordPayWithdrawRequest -WhatIf",
            count));
        Line($"| New-NordPayWithdrawRequest -WhatIf | {count} | {peak:0.0} | {seconds:0.0} |");
    }
    foreach (var count in new[] { options.BatchMemoryRows / 10, options.BatchMemoryRows })
    {
        using var ps = Session(sandbox);
        var (peak, seconds) = Peak(() => Run(ps,
            "1..$args[0] | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x' + ($_ + $args[2]).ToString('x40'); Amount = '1.' + $_ } } | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 8 -InformationAction Ignore | Out-Null",
            count, Journal(), count * 7));
        Line($"| Invoke-NordPayPayout (paying) | {count} | {peak:0.0} | {seconds:0.0} |");
    }
    Line(string.Empty);
}

// Only a run of every part replaces the recorded results.
if (options.Only == null)
{
    var written = Path.Combine(options.RepoRoot, "bench", "results.md");
    File.WriteAllText(written, report.ToString());
    Console.WriteLine($"Written to {written}");
}
return 0;

PowerShell Session(SandboxProcess sandbox)
{
    var runspace = RunspaceFactory.CreateRunspace(new QuietHost(), InitialSessionState.CreateDefault2());
    runspace.Open();
    var ps = PowerShell.Create();
    ps.Runspace = runspace;
    ps.AddScript("Import-Module $args[0]; Set-NordPayApiKey -ApiKey $args[1] -BaseUri $args[2]")
        .AddArgument(Path.Combine(options.ModuleDirectory, "NordPay.psd1"))
        .AddArgument(new NetworkCredential(string.Empty, sandbox.ApiKey).SecurePassword)
        .AddArgument(sandbox.BaseUri).Invoke();
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
    OnOwnThread(() =>
    {
        ps.Invoke(null, output);
        return output.Count;
    });
    clock.Stop();
    if (Environment.GetEnvironmentVariable("NORDPAY_BENCH_TRACE") == "1")
        Console.WriteLine($"trace: {stamps.Count} outputs, first at {stamps.FirstOrDefault():0} ms, last at {stamps.LastOrDefault():0} ms, total {clock.ElapsedMilliseconds} ms");
    if (ps.Streams.Error.Count > 0) throw new InvalidOperationException("The run failed: " + ps.Streams.Error[0]);
    // Rows paid, as the module reports them; the first gap includes the run's start-up (preflight), so it is left out.
    var rows = output.Count(o => o?.BaseObject.GetType().Name is "NordPayWithdrawConfirmation" or "NordPayPayoutResult");
    var gaps = stamps.Zip(stamps.Skip(1), (a, b) => b - a).ToList();
    return new Result(rows, clock.Elapsed.TotalSeconds, gaps);
}

static PSObject[] Rows(int chunk, int count) => Enumerable.Range(1, count).Select(i =>
{
    var row = new PSObject();
    row.Properties.Add(new PSNoteProperty("Currency", "USDTBEP20"));
    row.Properties.Add(new PSNoteProperty("Address", Address(chunk, i)));
    row.Properties.Add(new PSNoteProperty("Amount", AmountText(i)));
    return row;
}).ToArray();

static string Journal() => Path.Combine(Path.GetTempPath(), "nordpay-bench", Guid.NewGuid().ToString("N") + ".journal");

// The floor: the same two calls per row with one HttpClient and no module.
// The module's client without PowerShell: what the cmdlets add on top of it is the pipeline's own cost.
static Result ClientLoop(NordPay.Api.NordPayClient client, int chunk, int count)
{
    var latencies = new List<double>(count);
    var total = Stopwatch.StartNew();
    for (var i = 1; i <= count; i++)
    {
        var row = Stopwatch.StartNew();
        var amount = decimal.Parse(AmountText(i), CultureInfo.InvariantCulture);
        var request = client.RequestWithdrawAsync("USDTBEP20", Address(chunk, i), amount, CancellationToken.None).GetAwaiter().GetResult();
        client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None).GetAwaiter().GetResult();
        latencies.Add(row.Elapsed.TotalMilliseconds);
    }
    return new Result(count, total.Elapsed.TotalSeconds, latencies);
}

// As the cmdlets run: blocking on a thread of its own, never a thread-pool thread (PowerShell's pipeline thread).
static T OnOwnThread<T>(Func<T> work)
{
    T result = default!;
    Exception? failure = null;
    var thread = new Thread(() =>
    {
        try
        {
            result = work();
        }
        catch (Exception ex)
        {
            failure = ex;
        }
    });
    thread.Start();
    thread.Join();
    return failure == null ? result : throw new InvalidOperationException("The run failed: " + failure.Message, failure);
}

static async Task<Result> PlainLoop(HttpClient http, SandboxProcess sandbox, int chunk, int count)
{
    var latencies = new List<double>(count);
    var total = Stopwatch.StartNew();
    for (var i = 1; i <= count; i++)
    {
        var row = Stopwatch.StartNew();
        await PlainPayout(http, sandbox, Address(chunk, i), AmountText(i));
        latencies.Add(row.Elapsed.TotalMilliseconds);
    }
    return new Result(count, total.Elapsed.TotalSeconds, latencies);
}

static string Address(int chunk, int i) => "0x" + (10_000_000L * (chunk + 1) + i).ToString("x40", CultureInfo.InvariantCulture);

static string AmountText(int i) => "1." + i.ToString(CultureInfo.InvariantCulture);

static async Task PlainPayout(HttpClient http, SandboxProcess sandbox, string address, string amount)
{
    var body = $$"""{"currency":"USDTBEP20","address":"{{address}}","amount":"{{amount}}"}""";
    using var request = await Post(http, sandbox, "balance/withdraw/request", body);
    using var document = JsonDocument.Parse(await request.Content.ReadAsStringAsync());
    var identifier = document.RootElement.GetProperty("identifier").GetString();
    using var confirm = await Post(http, sandbox, "balance/withdraw/confirm", $$"""{"identifier":"{{identifier}}"}""");
    confirm.EnsureSuccessStatusCode();
}

static async Task<HttpResponseMessage> Post(HttpClient http, SandboxProcess sandbox, string path, string json)
{
    using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.BaseUri, path)) { Content = new StringContent(json) };
    message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
    message.Headers.Add("X-API-KEY", sandbox.ApiKey);
    return await http.SendAsync(message);
}

static async Task<double> SandboxCapacity(SandboxProcess sandbox, int workers, int seconds)
{
    using var http = new HttpClient();
    var done = 0;
    var until = DateTime.UtcNow.AddSeconds(seconds);
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, workers).Select(async w =>
    {
        for (var i = 0; DateTime.UtcNow < until; i++)
        {
            await PlainPayout(http, sandbox, Address(1_000 + w, i), AmountText(i));
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
    public static Result Sum(IEnumerable<Result> parts)
    {
        var list = parts.ToList();
        return new Result(list.Sum(r => r.Rows), list.Sum(r => r.Seconds), list.SelectMany(r => r.Latencies).ToList())
        {
            AllocatedBytes = list.Sum(r => r.AllocatedBytes),
            Collections = list.Sum(r => r.Collections),
            GcPause = TimeSpan.FromTicks(list.Sum(r => r.GcPause.Ticks)),
        };
    }

    /// <summary>Bytes allocated in the whole process while the rows ran (only one path runs at a time).</summary>
    public long AllocatedBytes { get; init; }
    /// <summary>Garbage collections (of generation 0 and up) while the rows ran.</summary>
    public int Collections { get; init; }
    /// <summary>Time the process stood still for garbage collection while the rows ran.</summary>
    public TimeSpan GcPause { get; init; }
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
    public int Rows { get; private set; } = 10_000;
    public int Chunk { get; private set; } = 250;
    public int WarmUpRows { get; private set; } = 10_000;
    public int BatchRows { get; private set; } = 2_000;
    public int ScalingRows { get; private set; } = 160;
    public int MemoryRows { get; private set; } = 100_000;
    public int BatchMemoryRows { get; private set; } = 20_000;
    public string? Only { get; private set; }
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
                case "--chunk": o.Chunk = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--warmup-rows": o.WarmUpRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--batch-rows": o.BatchRows = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--only": o.Only = args[++i]; break;
                case "--import-child": o.ImportChild = true; break;
                case "--module": o.ModuleDirectory = args[++i]; break;
                default: throw new ArgumentException("Options: --rows N, --chunk N, --warmup-rows N, --batch-rows N, --scaling-rows N, --memory-rows N, --batch-memory-rows N, --only throughput|scaling|import|memory");
            }
        }
        return o;
    }

    /// <summary>Whether a part runs: all of them unless --only names one.</summary>
    public bool Runs(string part) => Only == null || Only == part;

    public static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NordPay.PowerShell.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }
}
