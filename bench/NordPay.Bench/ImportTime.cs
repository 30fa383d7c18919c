using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>
/// 3. Import-Module, in a fresh process (cold) and in a new session of a process that imported it once (warm); and in
/// pwsh as a user starts it, the pinned one and one as users install it: a new process importing the module and making
/// one call, against a bare one.
/// </summary>
internal static class ImportTime
{
    private const int PwshRuns = 7;

    public static void Run(Results results, string? baselineDirectory)
    {
        var cold = Enumerable.Range(0, 3).Select(_ => ColdImport()).OrderBy(x => x).ToList();
        var warm = new List<double>();
        Once();
        for (var i = 0; i < 10; i++) warm.Add(Once());
        warm.Sort();
        results.Heading("Import-Module NordPay");
        results.Line($"- cold (new process, first import): median {cold[1]:0} ms (of 3: {string.Join(", ", cold.Select(c => c.ToString("0", CultureInfo.InvariantCulture)))})");
        results.Line($"- warm (new session, module loaded before): median {warm[5]:0.0} ms (of 10)");
        results.Line(string.Empty);
        InPwsh(results, baselineDirectory);
    }

    // With a baseline (another build), its commands take turns with this build's, so that before and after meet the same moments.
    private static void InPwsh(Results results, string? baselineDirectory)
    {
        using var sandbox = SandboxProcess.Start();
        var environment = new Dictionary<string, string> { ["NORDPAY_API_KEY"] = sandbox.ApiKey, ["NORDPAY_BASE_URI"] = sandbox.BaseUri.ToString() };
        var call = $"New-NordPayWithdrawRequest USDTBEP20 {NordPay.Addresses.AddressValidator.Check("USDTBEP20", "BEP20", "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed").Checksummed} '1.5'";
        var modules = baselineDirectory == null
            ? new[] { (Name: string.Empty, Manifest: ModuleLayout.ManifestPath) }
            : new[] { (Name: ", this build", Manifest: ModuleLayout.ManifestPath), (Name: ", baseline", Manifest: Path.Combine(baselineDirectory, "NordPay.psd1")) };
        var commands = new[] { (Name: "`pwsh -NoProfile -c 1`", Command: "1") }.Concat(modules.SelectMany(module =>
        {
            var import = $"Import-Module '{module.Manifest}'";
            return new (string Name, string Command)[]
            {
                ($"`Import-Module`{module.Name}", import),
                ($"`Import-Module; New-NordPayWithdrawRequest ... \\| Out-Null`: the module's import and first call{module.Name}", $"{import}; {call} | Out-Null"),
                ($"`Import-Module; New-NordPayWithdrawRequest ...`: the request shown, as pwsh formats it{module.Name}", $"{import}; {call}"),
            };
        })).ToArray();
        // Every command in each pwsh, all taking turns, so that both pwsh meet the same moments of a busy machine.
        var runs = PwshHost.Both.SelectMany(pwsh => commands.Select(command => (Pwsh: pwsh, command.Name, command.Command))).ToList();
        var seconds = runs.Select(_ => new List<double>()).ToList();
        var cpuSeconds = runs.Select(_ => new List<double>()).ToList();
        for (var round = 0; round < PwshRuns; round++)
            for (var k = 0; k < runs.Count; k++)
            {
                var r = (round + k) % runs.Count;
                var run = ChildProcess.Pwsh(runs[r].Pwsh, environment, "-c", runs[r].Command);
                seconds[r].Add(run.Seconds);
                cpuSeconds[r].Add(run.CpuSeconds);
            }
        results.Heading($"A new pwsh process, start to exit (median of {PwshRuns}, interleaved)");
        results.Table(2, "pwsh", "Command", "median ms", "more than bare pwsh, ms", "range ms", "CPU ms", "CPU more than bare, ms");
        for (var r = 0; r < runs.Count; r++)
        {
            var bareRun = r - r % commands.Length;
            string OverBare(List<List<double>> times) => r == bareRun ? string.Empty
                : (1000 * (FreshProcesses.Median(times[r]) - FreshProcesses.Median(times[bareRun]))).ToString("0", CultureInfo.InvariantCulture);
            results.Line($"| {runs[r].Pwsh.Name} | {runs[r].Name} | {1000 * FreshProcesses.Median(seconds[r]):0} | {OverBare(seconds)} | " +
                         $"{1000 * seconds[r].Min():0}-{1000 * seconds[r].Max():0} | {1000 * FreshProcesses.Median(cpuSeconds[r]):0} | {OverBare(cpuSeconds)} |");
        }
        results.Line(string.Empty);
    }

    /// <summary>Imports the module into a new session and returns how long Import-Module took, in ms.</summary>
    public static double Once()
    {
        using var runspace = HostedEngine.OpenRunspace(host: null);
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript(HostedEngine.ImportModule).AddArgument(ModuleLayout.ManifestPath);
        var clock = Stopwatch.StartNew();
        ps.Invoke();
        return clock.Elapsed.TotalMilliseconds;
    }

    // This benchmark again, as a child process that imports once (Program's --import-child) and prints the time.
    private static double ColdImport()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in new[] { typeof(ImportTime).Assembly.Location, "--import-child", "--module", ModuleLayout.ModuleDirectory }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var text = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        return double.Parse(text.Trim(), CultureInfo.InvariantCulture);
    }
}
