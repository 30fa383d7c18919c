using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace NordPay.Tests.TestHost;

/// <summary>Where the repository and the built module are. The module assembly always loads from out/NordPay.</summary>
public static class ModuleLayout
{
    public static string RepoRoot { get; } = FindRepoRoot();
    public static string ModuleDirectory { get; } = Path.Combine(RepoRoot, "out", "NordPay");
    public static string ManifestPath { get; } = Path.Combine(ModuleDirectory, "NordPay.psd1");

    /// <summary>The build configuration of these tests, and so of the sandbox and runner built beside them.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    // The C# tests and Import-Module then share one copy of NordPay.PowerShell.dll: the one users import.
    // xunit lists public test types before this runs, so no public test type may derive from a module type.
    [ModuleInitializer]
    internal static void LoadModuleFromLayout()
    {
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name == "NordPay.PowerShell" ? context.LoadFromAssemblyPath(Path.Combine(ModuleDirectory, "NordPay.PowerShell.dll")) : null;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NordPay.PowerShell.sln"))) return dir.FullName;
        throw new InvalidOperationException("NordPay.PowerShell.sln not found above " + AppContext.BaseDirectory);
    }
}
