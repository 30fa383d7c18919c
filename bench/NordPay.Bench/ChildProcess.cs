using System.Diagnostics;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>New processes, as a scheduled job starts them: the pinned pwsh, python3, each timed from start to exit.</summary>
internal static class ChildProcess
{
    private static readonly Lazy<string> PwshDll = new(FindPinnedPwsh);

    /// <summary>
    /// The pinned pwsh (.config/dotnet-tools.json) started as `dotnet pwsh.dll`: `dotnet pwsh` first runs the SDK to
    /// find the local tool (about half a second on this machine, the same for every path), which is left out.
    /// </summary>
    public static (string Output, double Seconds) Pwsh(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Run("dotnet", new[] { PwshDll.Value, "-NoProfile", "-NonInteractive" }.Concat(arguments), environment);

    /// <summary>Starts the pinned pwsh without waiting for it, as a process to kill.</summary>
    public static Process StartPwsh(IReadOnlyDictionary<string, string>? environment, params string[] arguments) =>
        Process.Start(StartInfo("dotnet", new[] { PwshDll.Value, "-NoProfile", "-NonInteractive" }.Concat(arguments), environment))!;

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

    private static string FindPinnedPwsh()
    {
        var (output, _) = Run("dotnet", new[] { "pwsh", "-NoProfile", "-NonInteractive", "-c", "[Environment]::GetCommandLineArgs()[0]" }, null);
        return output.EndsWith("pwsh.dll", StringComparison.Ordinal) && File.Exists(output)
            ? output
            : throw new InvalidOperationException($"The pinned pwsh was not found (dotnet tool restore first): '{output}'.");
    }
}
