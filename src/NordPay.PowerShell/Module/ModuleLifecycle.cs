using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using NordPay.Api;

namespace NordPay.Module
{
    /// <summary>
    /// Runs when the module is imported and removed. On .NET Framework (Windows PowerShell 5.1) it resolves
    /// System.Text.Json and its dependencies by name only from dependencies/, as binding redirects would; on
    /// PowerShell 7 it refuses a runtime older than the System.Text.Json the module was built against.
    /// </summary>
    public sealed class ModuleLifecycle : IModuleAssemblyInitializer, IModuleAssemblyCleanup
    {
        /// <summary>The major version of System.Text.Json referenced: PowerShell 7.4 (.NET 8) and later bind their own copy.</summary>
        public const int RequiredRuntimeMajor = 8;

        internal static readonly string[] Dependencies =
        {
            "System.Text.Json", "System.Text.Encodings.Web", "System.Memory", "System.Buffers", "System.Numerics.Vectors",
            "System.Runtime.CompilerServices.Unsafe", "System.Threading.Tasks.Extensions", "Microsoft.Bcl.AsyncInterfaces", "System.ValueTuple",
        };

        private static readonly string DependencyDirectory =
            Path.Combine(Path.GetDirectoryName(typeof(ModuleLifecycle).Assembly.Location) ?? string.Empty, "dependencies");

        public void OnImport()
        {
            if (Tls.IsNetFramework)
            {
                AppDomain.CurrentDomain.AssemblyResolve += ResolveDependency;
                return;
            }
            if (RuntimeProblem(Environment.Version) is { } problem) throw new PlatformNotSupportedException(problem);
        }

        public void OnRemove(PSModuleInfo psModuleInfo)
        {
            if (Tls.IsNetFramework) AppDomain.CurrentDomain.AssemblyResolve -= ResolveDependency;
        }

        /// <summary>Null when this .NET runtime can run the module; otherwise why not.</summary>
        public static string? RuntimeProblem(Version runtime) =>
            runtime.Major >= RequiredRuntimeMajor ? null
                : $"The NordPay module needs PowerShell 7.4 or later (on .NET {RequiredRuntimeMajor}), or Windows PowerShell 5.1; this PowerShell runs on .NET {runtime}. Install PowerShell 7.4+.";

        /// <summary>The file to load for an assembly name, when it is one of the module's own dependencies and is there.</summary>
        public static string? DependencyPath(string assemblyName, string directory)
        {
            var name = new AssemblyName(assemblyName).Name;
            if (name == null || !Dependencies.Contains(name, StringComparer.OrdinalIgnoreCase)) return null;
            var path = Path.Combine(directory, name + ".dll");
            return File.Exists(path) ? path : null;
        }

        private static Assembly? ResolveDependency(object? sender, ResolveEventArgs args) =>
            DependencyPath(args.Name, DependencyDirectory) is { } path ? Assembly.LoadFrom(path) : null;
    }
}
