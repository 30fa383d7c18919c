using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Threading;
using NordPay.Api;

namespace NordPay.Module
{
    /// <summary>
    /// Runs when the module is imported. On .NET Framework (Windows PowerShell 5.1) it resolves System.Text.Json and its
    /// dependencies by name from dependencies/, for versions up to the shipped files', as binding redirects would; on
    /// PowerShell 7 it refuses a runtime older than the System.Text.Json the module was built against. (The .NET Framework
    /// release is checked before this assembly loads, by the nested module NordPay.Prerequisites.ps1: an older one cannot load it at all.)
    /// </summary>
    public sealed class ModuleLifecycle : IModuleAssemblyInitializer
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

        private static int _resolving;

        public void OnImport()
        {
            if (Tls.IsNetFramework)
            {
                // Once per process (the AppDomain is the process's), and never taken back: a runspace that removes the
                // module leaves its types loaded in every other runspace that imported it, and they still need the dependencies.
                if (Interlocked.Exchange(ref _resolving, 1) == 0) AppDomain.CurrentDomain.AssemblyResolve += ResolveDependency;
                return;
            }
            if (RuntimeProblem(Environment.Version) is { } problem) throw new PlatformNotSupportedException(problem);
        }

        /// <summary>Null when this .NET runtime can run the module; otherwise why not.</summary>
        public static string? RuntimeProblem(Version runtime) =>
            runtime.Major >= RequiredRuntimeMajor ? null
                : $"The NordPay module needs PowerShell 7.4 or later (on .NET {RequiredRuntimeMajor}), or Windows PowerShell 5.1; this PowerShell runs on .NET {runtime}. Install PowerShell 7.4+.";

        /// <summary>
        /// The file to load for an assembly name, when it is one of the module's own dependencies, is there, and is the
        /// version asked for or newer: another module asking for a newer one than the module ships is left to find its own.
        /// </summary>
        public static string? DependencyPath(string assemblyName, string directory)
        {
            var requested = new AssemblyName(assemblyName);
            var name = requested.Name;
            if (name == null || !Dependencies.Contains(name, StringComparer.OrdinalIgnoreCase)) return null;
            var path = Path.Combine(directory, name + ".dll");
            if (!File.Exists(path)) return null;
            return requested.Version == null || requested.Version <= AssemblyName.GetAssemblyName(path).Version ? path : null;
        }

        private static Assembly? ResolveDependency(object? sender, ResolveEventArgs args) =>
            DependencyPath(args.Name, DependencyDirectory) is { } path ? Assembly.LoadFrom(path) : null;
    }
}
