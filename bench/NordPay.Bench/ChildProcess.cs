using System.Diagnostics;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>New processes, as a scheduled job starts them: a pwsh, python3, each timed from start to exit.</summary>
internal static class ChildProcess
{
    public static (string Output, double Seconds) Pwsh(PwshHost pwsh, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Run(pwsh.FileName, PwshArguments(pwsh, arguments), environment);

    /// <summary>Starts a pwsh without waiting for it, as a process to kill.</summary>
    public static Process StartPwsh(PwshHost pwsh, IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Process.Start(StartInfo(pwsh.FileName, PwshArguments(pwsh, arguments), environment))!;

    private static IEnumerable<string> PwshArguments(PwshHost pwsh, string[] arguments) =>
        pwsh.LeadingArguments.Concat(new[] { "-NoProfile", "-NonInteractive" }).Concat(arguments);

    public static (string Output, double Seconds) Run(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var start = StartInfo(fileName, arguments, environment);
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(start)!;
        var error = child.StandardError.ReadToEndAsync();
        var output = child.StandardOutput.ReadToEnd();
        child.WaitForExit();
        var seconds = clock.Elapsed.TotalSeconds;
        if (child.ExitCode != 0) throw new InvalidOperationException($"{fileName} {string.Join(' ', start.ArgumentList)} failed ({child.ExitCode}): {error.Result}{output}");
        return (output.Trim(), seconds);
    }

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
