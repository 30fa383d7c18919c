using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using NordPay.Sandbox;
using Xunit;

namespace NordPay.Tests.TestHost;

/// <summary>
/// A batch run in a child process (NordPay.CrashRunner, the hosted engine) that kills itself the Nth time it
/// passes a named point: a crash as a killed process leaves it, with nothing after it written or sent.
/// </summary>
internal static class ChildBatch
{
    /// <summary>The named points in a batch run: around each journal write, before each request, around each confirm and its confirm-sent marker.</summary>
    public static readonly string[] Points =
    {
        "after-write:planned", "before-request", "after-request", "before-write:requested", "after-write:requested",
        "before-write:confirm-sending", "before-confirm", "after-write:confirm-sent", "after-confirm", "before-write:confirmed", "after-write:confirmed",
    };

    private static readonly string Runner = Path.Combine(ModuleLayout.RepoRoot, "tests", "NordPay.CrashRunner", "bin", ModuleLayout.Configuration, "net10.0", "NordPay.CrashRunner.dll");

    /// <summary>Runs the rows (all with the same columns), with a -ReportPath when <paramref name="report"/> is given; true when the child was killed at the point.</summary>
    public static bool Run(SandboxServer sandbox, IReadOnlyList<PSObject> rows, string journal, int throttle, bool multiple, string point, int occurrence,
        string? location = null, double timeoutSec = 30, string? report = null)
    {
        var rowsFile = Path.Combine(Journals.NewFolder(), "rows.csv");
        var columns = rows[0].Properties.Select(p => p.Name).ToArray();
        File.WriteAllLines(rowsFile, rows.Select(r => string.Join(",", columns.Select(n => (string)r.Properties[n].Value))).Prepend(string.Join(",", columns)));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     Runner, ModuleLayout.ModuleDirectory, sandbox.BaseUri.ToString(), sandbox.ApiKey, rowsFile, journal,
                     throttle.ToString(CultureInfo.InvariantCulture), multiple.ToString(), point, occurrence.ToString(CultureInfo.InvariantCulture),
                     location ?? Environment.CurrentDirectory, timeoutSec.ToString(CultureInfo.InvariantCulture),
                 })
            start.ArgumentList.Add(arg);
        if (report != null) start.ArgumentList.Add(report);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        Assert.True(child.WaitForExit(120_000), "The child did not finish within two minutes.");
        Assert.True(child.ExitCode is 0 or 137, $"Exit {child.ExitCode}: {output.Result} {errors.Result}");
        return child.ExitCode == 137;
    }
}
