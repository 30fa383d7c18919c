using System.Globalization;
using System.Security.Cryptography;
using NordPay.Addresses;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>
/// 6. Paying a CSV as a scheduled job does: each path a new process over its own file of rows, paths interleaved over
/// rounds against the plain HttpClient loop of the same round: the two module paths and an Invoke-RestMethod loop in
/// the pinned pwsh and in pwsh as users install it, and the withdraw page's Python `requests` snippet when python3 has requests.
/// </summary>
internal static class FreshProcesses
{
    private sealed record Path(string Name, Func<string, (int Rows, double ImportMs, double RowsMs)> Pay, bool ImportsModule = false);

    public static async Task Run(Options options, Results results)
    {
        using var sandbox = SandboxProcess.Start("--balance", "USDTBEP20=1000000000000");
        var environment = new Dictionary<string, string> { ["NORDPAY_API_KEY"] = sandbox.ApiKey, ["NORDPAY_BASE_URI"] = sandbox.BaseUri.ToString() };
        var script = System.IO.Path.Combine(ModuleLayout.RepoRoot, "bench", "NordPay.Bench", "Scripts", "Fresh.ps1");
        (int, double, double) Pwsh(PwshHost pwsh, string csv, params string[] arguments) =>
            Parse(ChildProcess.Pwsh(pwsh, environment, new[] { "-File", script, "-Csv", csv }.Concat(arguments).ToArray()).Output);

        using var http = new HttpClient();
        var paths = new List<Path> { new("plain HttpClient loop, in the benchmark's process (the floor)", csv => PlainLoop(http, sandbox, csv).GetAwaiter().GetResult()) };
        foreach (var pwsh in PwshHost.Both)
        {
            paths.Add(new($"`Import-Csv \\| New-NordPayWithdrawRequest \\| Confirm-NordPayWithdraw -Force`, fresh {pwsh.Name}", csv => Pwsh(pwsh, csv, "-Path", "Pipeline", "-Module", ModuleLayout.ManifestPath), ImportsModule: true));
            paths.Add(new($"`Import-Csv \\| Invoke-NordPayPayout -Force`, fresh {pwsh.Name}", csv => Pwsh(pwsh, csv, "-Path", "Batch", "-Module", ModuleLayout.ManifestPath, "-Journal", Payouts.Journal()), ImportsModule: true));
            paths.Add(new($"`Invoke-RestMethod` in a foreach, fresh {pwsh.Name}", csv => Pwsh(pwsh, csv, "-Path", "InvokeRestMethod")));
        }
        var python = PythonWithRequests();
        if (python == null)
            paths.Add(new("the withdraw page's Python `requests` snippet in a loop", csv =>
                Parse(ChildProcess.Run("python3", new[] { System.IO.Path.Combine(ModuleLayout.RepoRoot, "bench", "NordPay.Bench", "Scripts", "requests_loop.py"), csv }, environment).Output)));

        // The floor's code warmed up first, as a long-running process has it.
        await PlainLoop(http, sandbox, Csv(99, 200));
        var measured = paths.Select(_ => new List<(double RowsPerSecond, double ProcessSeconds, double ImportMs)>()).ToList();
        for (var round = 0; round < options.Rounds; round++)
            for (var k = 0; k < paths.Count; k++)
            {
                var p = (round + k) % paths.Count;
                var csv = Csv(100 + round * 10 + p, options.FreshRows);
                var before = sandbox.Ledger().Count;
                var clock = System.Diagnostics.Stopwatch.StartNew();
                var (rows, importMs, rowsMs) = paths[p].Pay(csv);
                var processSeconds = clock.Elapsed.TotalSeconds;
                File.Delete(csv);
                var check = Completion.Check(sandbox, before, options.FreshRows, new Measurement(rows, rowsMs / 1000, new List<double>()));
                if (!check.StartsWith("complete", StringComparison.Ordinal)) throw new InvalidOperationException($"{paths[p].Name}: {check}.");
                measured[p].Add((rows / (rowsMs / 1000), processSeconds, importMs));
            }

        results.Heading($"Fresh processes: {options.FreshRows} CSV rows per path, request + confirm each, {options.Rounds} rounds with the paths interleaved (medians)");
        results.Line("rows/s: from Import-Csv to the last row, timed inside the process (Import-Module before it, timed apart); process: start to exit, pwsh's own start-up included.");
        results.Line(string.Empty);
        results.Table(1, "Path", "rows/s", "vs plain HttpClient loop", "range over rounds", "process s", "Import-Module ms");
        var floor = measured[0];
        for (var p = 0; p < paths.Count; p++)
        {
            var ratios = measured[p].Select((m, round) => 100 * m.RowsPerSecond / floor[round].RowsPerSecond).ToList();
            var rate = Median(measured[p].Select(m => m.RowsPerSecond));
            var process = p == 0 ? string.Empty : Median(measured[p].Select(m => m.ProcessSeconds)).ToString("0.00", CultureInfo.InvariantCulture);
            var import = paths[p].ImportsModule ? Median(measured[p].Select(m => m.ImportMs)).ToString("0", CultureInfo.InvariantCulture) : string.Empty;
            results.Line($"| {paths[p].Name} | {rate:0} | {100 * rate / Median(floor.Select(m => m.RowsPerSecond)):0}% | {ratios.Min():0}-{ratios.Max():0}% | {process} | {import} |");
        }
        results.Line($"\nEvery measured run paid each of its {options.FreshRows} rows once, as its output and the sandbox's ledger show (a run that did not stops the benchmark).");
        if (python != null) results.Line($"\nThe Python `requests` row is left out: {python}.");
        results.Line(string.Empty);
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    // The floor: the same two calls per row of the same kind of file, read as a script would read it.
    private static async Task<(int, double, double)> PlainLoop(HttpClient http, SandboxProcess sandbox, string csv)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var rows = 0;
        foreach (var line in File.ReadLines(csv).Skip(1))
        {
            var cells = line.Split(',');
            await PlainHttp.Payout(http, sandbox, cells[1], cells[2]);
            rows++;
        }
        return (rows, 0, clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>A CSV of payout rows as a user's file has them: EIP-55 checksummed addresses, distinct per file and row.</summary>
    private static string Csv(int file, int rows)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "nordpay-bench", $"fresh-{Guid.NewGuid():N}.csv");
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var lines = new List<string> { "Currency,Address,Amount" };
        for (var i = 1; i <= rows; i++)
        {
            var body = Convert.ToHexString(SHA256.HashData(BitConverter.GetBytes(file * 1_000_000L + i)), 0, 20).ToLowerInvariant();
            lines.Add($"USDTBEP20,{AddressValidator.Check("USDTBEP20", "BEP20", "0x" + body).Checksummed},{Payouts.Amount(i)}");
        }
        File.WriteAllLines(path, lines);
        return path;
    }

    private static (int, double, double) Parse(string output)
    {
        var parts = output.Split('\n').Last().Trim().Split(' ');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), double.Parse(parts[1], CultureInfo.InvariantCulture), double.Parse(parts[2], CultureInfo.InvariantCulture));
    }

    // Null when python3 can run the snippet; otherwise why not.
    private static string? PythonWithRequests()
    {
        try
        {
            ChildProcess.Run("python3", new[] { "-c", "import requests" }, null);
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return "python3 with the requests package is not installed here (" + ex.Message.Split('\n')[0] + ")";
        }
    }
}
