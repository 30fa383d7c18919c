using System.Diagnostics;
using System.Runtime.InteropServices;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>New processes, as a scheduled job starts them: a pwsh, python3, each timed from start to exit.</summary>
internal static class ChildProcess
{
    public static (string Output, double Seconds, double CpuSeconds) Pwsh(PwshHost pwsh, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Run(pwsh.FileName, PwshArguments(pwsh, arguments), environment);

    /// <summary>Starts a pwsh without waiting for it, as a process to kill.</summary>
    public static Process StartPwsh(PwshHost pwsh, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Process.Start(StartInfo(pwsh.FileName, PwshArguments(pwsh, arguments), environment))!;

    private static IEnumerable<string> PwshArguments(PwshHost pwsh, string[] arguments) =>
        pwsh.LeadingArguments.Concat(new[] { "-NoProfile", "-NonInteractive" }).Concat(arguments);

    /// <summary>Runs a child to its exit: what it wrote, its seconds from start to exit, and the CPU seconds it used (NaN but on Linux).</summary>
    public static (string Output, double Seconds, double CpuSeconds) Run(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = StartInfo(fileName, arguments, environment);
        var cpu = ChildrenCpuSeconds();
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        if (child.ExitCode != 0) throw new InvalidOperationException($"{fileName} {string.Join(' ', start.ArgumentList)} failed ({child.ExitCode}): {error.Result}{output}");
        return (output.Trim(), seconds, ChildrenCpuSeconds() - cpu);
    }

    // CPU seconds (user and system) of every child this process has waited for: one child's is the difference across its run,
    // as children run one at a time. CPU time moves less than wall time when other processes share the cores.
    private static double ChildrenCpuSeconds()
    {
        if (!OperatingSystem.IsLinux()) return double.NaN;
        var usage = new long[18]; // struct rusage: user and system time (seconds, microseconds), then 14 counters
        return getrusage(RusageChildren, usage) == 0 ? usage[0] + usage[1] / 1e6 + usage[2] + usage[3] / 1e6 : double.NaN;
    }

    private const int RusageChildren = -1;

    [DllImport("libc", SetLastError = true)]
    private static extern int getrusage(int who, [Out] long[] usage);

    private static ProcessStartInfo StartInfo(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = ModuleLayout.RepoRoot,
        };
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) start.Environment[name] = value;
        return start;
    }
}
