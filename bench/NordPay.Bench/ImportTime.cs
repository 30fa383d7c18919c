using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>3. Import-Module, in a fresh process (cold) and in a new session of a process that imported it once (warm).</summary>
internal static class ImportTime
{
    public static void Run(Results results)
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
