using System.Management.Automation;
using System.Reflection;
using NordPay.Commands;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>The module as users import it: manifest, exports, layout, cmdlet shape.</summary>
public class ModuleTests
{
    // Every cmdlet class in the assembly; the manifest and the imported module must name exactly these.
    private static readonly string[] Declared = typeof(NordPayCmdlet).Assembly.GetTypes()
        .Select(t => t.GetCustomAttribute<CmdletAttribute>()).OfType<CmdletAttribute>()
        .Select(c => c.VerbName + "-" + c.NounName).OrderBy(n => n).ToArray();

    [Fact]
    public void The_manifest_passes_Test_ModuleManifest()
    {
        using var ps = PowerShellSession.Interactive();
        var result = ps.Run("Test-ModuleManifest -Path $args[0]", ModuleLayout.ManifestPath);
        Assert.Empty(result.Errors);
        var module = Assert.IsType<PSModuleInfo>(Assert.Single(result.Output).BaseObject);
        Assert.Equal("NordPay", module.Name);
        Assert.Equal(new[] { "Core", "Desktop" }, module.CompatiblePSEditions.OrderBy(e => e));
        Assert.Equal(new Version(5, 1), module.PowerShellVersion);
        Assert.Equal(new Version(4, 7, 2), module.DotNetFrameworkVersion);
        var data = (System.Collections.Hashtable)((System.Collections.Hashtable)module.PrivateData)["PSData"]!;
        Assert.Contains("PSEdition_Desktop", (object[])data["Tags"]!);
        Assert.Contains("PSEdition_Core", (object[])data["Tags"]!);
        Assert.NotNull(data["ReleaseNotes"]);
        Assert.NotNull(module.ProjectUri);
        Assert.NotNull(module.LicenseUri);
        Assert.Equal(Declared, module.ExportedCmdlets.Keys.OrderBy(k => k));
    }

    [Fact]
    public void The_imported_module_exports_exactly_the_declared_commands()
    {
        using var ps = PowerShellSession.Interactive();
        var result = ps.Run("Get-Command -Module NordPay | ForEach-Object Name");
        Assert.Equal(Declared, result.Output.Select(o => (string)o.BaseObject).OrderBy(n => n));
    }

    [Fact]
    public void The_layout_holds_no_PowerShell_engine()
    {
        Assert.Empty(Directory.GetFiles(ModuleLayout.ModuleDirectory, "System.Management.Automation.dll", SearchOption.AllDirectories));
        Assert.False(File.Exists(Path.Combine(ModuleLayout.ModuleDirectory, "System.Management.Automation.dll")));
    }

    [Fact]
    public void The_layout_holds_the_module_the_tests_load()
    {
        Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDirectory, "NordPay.PowerShell.dll")));
        Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDirectory, "NordPay.Format.ps1xml")));
        Assert.Equal(ModuleLayout.ModuleDirectory, Path.GetDirectoryName(typeof(NordPayCmdlet).Assembly.Location));
    }

    [Fact]
    public void Every_cmdlet_is_a_sealed_NordPayCmdlet_named_for_its_verb_noun_declaring_its_output()
    {
        var cmdlets = typeof(NordPayCmdlet).Assembly.GetTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() != null).ToList();
        Assert.Equal(Declared.Length, cmdlets.Count);
        foreach (var type in cmdlets)
        {
            var attribute = type.GetCustomAttribute<CmdletAttribute>()!;
            Assert.Equal(attribute.VerbName + attribute.NounName + "Command", type.Name);
            Assert.Equal("NordPay.Commands", type.Namespace);
            Assert.True(type.IsSealed && type.IsPublic, type.Name);
            Assert.True(type.IsSubclassOf(typeof(NordPayCmdlet)), type.Name);
            // Only what changes something asks first: Get, Test and Compare change nothing.
            Assert.Equal(attribute.VerbName is not (VerbsCommon.Get or VerbsDiagnostic.Test or VerbsData.Compare), attribute.SupportsShouldProcess);
            Assert.NotEmpty(type.GetCustomAttributes<OutputTypeAttribute>());
        }
    }

    [Fact]
    public void Windows_PowerShell_gets_System_Text_Json_with_its_closure_in_dependencies()
    {
        var shipped = Directory.GetFiles(Path.Combine(ModuleLayout.ModuleDirectory, "dependencies")).Select(Path.GetFileNameWithoutExtension).OrderBy(n => n);
        Assert.Equal(NordPay.Module.ModuleLifecycle.Dependencies.OrderBy(n => n), shipped);
        var dependencies = Path.Combine(ModuleLayout.ModuleDirectory, "dependencies");
        Assert.Equal(Path.Combine(dependencies, "System.Text.Json.dll"),
            NordPay.Module.ModuleLifecycle.DependencyPath("System.Text.Json, Version=8.0.0.5, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", dependencies));
        Assert.Equal(Path.Combine(dependencies, "System.Runtime.CompilerServices.Unsafe.dll"),
            NordPay.Module.ModuleLifecycle.DependencyPath("System.Runtime.CompilerServices.Unsafe, Version=4.0.4.1, Culture=neutral, PublicKeyToken=b03f5f7f11d50a3a", dependencies));
        Assert.Null(NordPay.Module.ModuleLifecycle.DependencyPath("Newtonsoft.Json, Version=13.0.0.0", dependencies));
        Assert.True(File.Exists(Path.Combine(ModuleLayout.RepoRoot, "src", "NordPay.PowerShell", "bin", ModuleLayout.Configuration, "net472", "NordPay.PowerShell.dll")), "The .NET Framework build is made, so a Desktop-only break fails the build.");
    }

    [Fact]
    public void Windows_PowerShell_resolves_a_dependency_only_up_to_the_version_shipped()
    {
        var dependencies = Path.Combine(ModuleLayout.ModuleDirectory, "dependencies");
        Assert.Null(NordPay.Module.ModuleLifecycle.DependencyPath("System.Text.Json, Version=9.0.0.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", dependencies));
        Assert.Null(NordPay.Module.ModuleLifecycle.DependencyPath("System.Memory, Version=4.0.5.0, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", dependencies));
        Assert.Equal(Path.Combine(dependencies, "System.Memory.dll"),
            NordPay.Module.ModuleLifecycle.DependencyPath("System.Memory, Version=4.0.1.1, Culture=neutral, PublicKeyToken=cc7b13ffcd2ddd51", dependencies));
        Assert.Equal(Path.Combine(dependencies, "System.Memory.dll"), NordPay.Module.ModuleLifecycle.DependencyPath("System.Memory", dependencies));
    }

    [Theory]
    [InlineData("Desktop", 394802, true)] // .NET Framework 4.6.2
    [InlineData("Desktop", 461310, true)] // 4.7.1
    [InlineData("Desktop", null, true)]
    [InlineData("Desktop", 461808, false)] // 4.7.2
    [InlineData("Desktop", 528040, false)] // 4.8
    [InlineData("Core", null, false)]
    public void Windows_PowerShell_on_a_NET_Framework_older_than_4_7_2_is_refused_before_the_assembly_loads(string edition, int? release, bool refused)
    {
        var path = Path.Combine(ModuleLayout.ModuleDirectory, "NordPay.Prerequisites.ps1");
        var manifest = File.ReadAllText(Path.Combine(ModuleLayout.ModuleDirectory, "NordPay.psd1"));
        Assert.Contains("NestedModules          = @('NordPay.Prerequisites.ps1')", manifest);
        var check = System.Management.Automation.Language.Parser.ParseFile(path, out _, out var errors)
            .Find(a => a is System.Management.Automation.Language.ScriptBlockExpressionAst, true)!;
        Assert.Empty(errors);
        using var ps = PowerShellSession.Interactive();
        var result = ps.Run("& ([scriptblock]::Create($args[0])) $args[1] $args[2]", check.Extent.Text.Trim('{', '}').Trim(), edition, release);
        Assert.Equal(refused, result.Terminating != null);
        if (refused) Assert.Contains("Install .NET Framework 4.8", result.Terminating!.Message);
        Assert.Empty(ps.Run("Get-Variable Edition, Release, installed -Scope Global -ErrorAction SilentlyContinue").Output);
    }

    [Theory]
    [InlineData(6, false)]
    [InlineData(7, false)]
    [InlineData(8, true)]
    [InlineData(10, true)]
    public void PowerShell_older_than_7_4_is_refused_with_a_clear_message(int runtimeMajor, bool runs)
    {
        var problem = NordPay.Module.ModuleLifecycle.RuntimeProblem(new Version(runtimeMajor, 0));
        Assert.Equal(runs, problem == null);
        if (!runs) Assert.Contains("PowerShell 7.4 or later", problem);
    }

    [Fact]
    public void Every_error_kind_is_a_PowerShell_error_category()
    {
        foreach (var kind in Enum.GetNames<NordPay.Core.ErrorKind>())
            Assert.True(Enum.TryParse<ErrorCategory>(kind, out _), kind);
    }
}
