using System.Runtime.Loader;

namespace NordPay.Hosting;

/// <summary>Where the repository and the built module are. The module assembly always loads from the built module folder.</summary>
public static class ModuleLayout
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>out/NordPay, what users import; a host may point it at another built module folder before the module loads.</summary>
    public static string ModuleDirectory { get; set; } = Path.Combine(RepoRoot, "out", "NordPay");

    public static string ManifestPath => Path.Combine(ModuleDirectory, "NordPay.psd1");

    /// <summary>The build configuration of the hosts, and so of the sandbox and runner built beside them.</summary>
#if DEBUG
    public const string Configuration = "Debug";
#else
    public const string Configuration = "Release";
#endif

    /// <summary>
    /// Makes the host's C# code and Import-Module share one copy of NordPay.PowerShell.dll: the one in
    /// <see cref="ModuleDirectory"/>, which users import. Call it from a [ModuleInitializer] of the host's own assembly,
    /// before any of its methods that name a module type is compiled.
    /// </summary>
    public static void LoadModuleAssemblyFromLayout() =>
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name == "NordPay.PowerShell" ? context.LoadFromAssemblyPath(Path.Combine(ModuleDirectory, "NordPay.PowerShell.dll")) : null;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NordPay.PowerShell.sln"))) return dir.FullName;
        throw new InvalidOperationException("NordPay.PowerShell.sln not found above " + AppContext.BaseDirectory);
    }
}
