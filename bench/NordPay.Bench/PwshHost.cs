using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>
/// A pwsh the fresh-process parts start: the pinned one (.config/dotnet-tools.json), whose assemblies are IL only so
/// that every process compiles the engine, or pwsh as users install it, ReadyToRun, built here from NuGet alone.
/// </summary>
internal sealed class PwshHost
{
    private static readonly Lazy<PwshHost> PinnedPwsh = new(FindPinned);
    private static readonly Lazy<PwshHost> ReadyToRunPwsh = new(BuildReadyToRun);

    private PwshHost(string name, string fileName, params string[] leadingArguments)
    {
        Name = name;
        FileName = fileName;
        LeadingArguments = leadingArguments;
    }

    /// <summary>How a table names it.</summary>
    public string Name { get; }

    public string FileName { get; }

    /// <summary>What comes before the command's own arguments.</summary>
    public IReadOnlyList<string> LeadingArguments { get; }

    /// <summary>
    /// The pinned pwsh started as `dotnet pwsh.dll`: `dotnet pwsh` first runs the SDK to find the local tool (about half
    /// a second on this machine, the same for every path), which is left out.
    /// </summary>
    public static PwshHost Pinned => PinnedPwsh.Value;

    /// <summary>pwsh as users install it, built on first use and kept in out/bench.</summary>
    public static PwshHost ReadyToRun => ReadyToRunPwsh.Value;

    public static IReadOnlyList<PwshHost> Both => new[] { Pinned, ReadyToRun };

    private static PwshHost FindPinned()
    {
        var (output, _, _) = ChildProcess.Run("dotnet", new[] { "pwsh", "-NoProfile", "-NonInteractive", "-c", "[Environment]::GetCommandLineArgs()[0]" }, null);
        return output.EndsWith("pwsh.dll", StringComparison.Ordinal) && File.Exists(output)
            ? new PwshHost("pinned pwsh (IL)", "dotnet", output)
            : throw new InvalidOperationException($"The pinned pwsh was not found (dotnet tool restore first): '{output}'.");
    }

    // A console app whose Main is pwsh's own, on Microsoft.PowerShell.SDK of the pinned version, published ReadyToRun for
    // this machine, with the pinned tool package's Modules folder beside it as $PSHOME/Modules. A marker written last
    // keeps a build cut short from being used.
    private static PwshHost BuildReadyToRun()
    {
        var directory = Path.Combine(ModuleLayout.RepoRoot, "out", "bench", "pwsh-readytorun");
        var built = Path.Combine(directory, "built");
        if (!File.Exists(built))
        {
            Console.Error.WriteLine($"Building pwsh ReadyToRun from NuGet into {directory} (once) ...");
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            var project = Path.Combine(ModuleLayout.RepoRoot, "bench", "ReadyToRunPwsh", "ReadyToRunPwsh.csproj");
            ChildProcess.Run("dotnet", new[] { "publish", project, "-c", "Release", "-o", directory, "--nologo" }, null);
            CopyDirectory(Path.Combine(Path.GetDirectoryName(Pinned.LeadingArguments[0])!, "Modules"), Path.Combine(directory, "Modules"));
            File.WriteAllText(built, string.Empty);
        }
        return new PwshHost("pwsh as installed (ReadyToRun)", Path.Combine(directory, "pwsh"));
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
