using System.Runtime.CompilerServices;

namespace NordPay.Tests.TestHost;

internal static class ModuleAssembly
{
    // Before any test names a module type. xunit lists public test types before this runs, so no public test type may
    // derive from a module type.
    [ModuleInitializer]
    internal static void LoadFromLayout() => ModuleLayout.LoadModuleAssemblyFromLayout();
}
