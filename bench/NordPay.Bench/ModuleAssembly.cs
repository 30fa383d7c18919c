using System.Runtime.CompilerServices;
using System.Runtime.Loader;

namespace NordPay.Bench;

/// <summary>
/// Loads NordPay.PowerShell.dll from the built module folder, the copy Import-Module loads, so the C# paths and
/// the cmdlets share one assembly. Registered before Main, whose state machine already names the client type.
/// </summary>
internal static class ModuleAssembly
{
    public static string Directory { get; set; } = Path.Combine(Options.FindRoot(), "out", "NordPay");

    [ModuleInitializer]
    internal static void Register() =>
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            name.Name == "NordPay.PowerShell" ? context.LoadFromAssemblyPath(Path.Combine(Directory, "NordPay.PowerShell.dll")) : null;
}
