using System.Runtime.CompilerServices;
using NordPay.Hosting;

namespace NordPay.Bench;

internal static class ModuleAssembly
{
    // The C# paths and the cmdlets share one NordPay.PowerShell.dll, the copy Import-Module loads. Registered before Main,
    // so that no method naming a module type can be compiled first.
    [ModuleInitializer]
    internal static void LoadFromLayout() => ModuleLayout.LoadModuleAssemblyFromLayout();
}
