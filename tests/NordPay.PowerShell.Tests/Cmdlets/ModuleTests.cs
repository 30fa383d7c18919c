using System.Management.Automation;
using System.Reflection;
using NordPay.Commands;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Cmdlets;

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
    public void The_layout_holds_the_module_and_no_PowerShell_engine()
    {
        Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDirectory, "NordPay.PowerShell.dll")));
        Assert.True(File.Exists(Path.Combine(ModuleLayout.ModuleDirectory, "NordPay.Format.ps1xml")));
        Assert.False(File.Exists(Path.Combine(ModuleLayout.ModuleDirectory, "System.Management.Automation.dll")));
        Assert.Equal(ModuleLayout.ModuleDirectory, Path.GetDirectoryName(typeof(NordPayCmdlet).Assembly.Location));
    }

    [Fact]
    public void Every_cmdlet_is_sealed_derives_from_the_base_and_declares_its_output()
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
            Assert.Equal(attribute.VerbName != VerbsCommon.Get, attribute.SupportsShouldProcess);
            Assert.NotEmpty(type.GetCustomAttributes<OutputTypeAttribute>());
        }
    }

    [Fact]
    public void Every_error_kind_is_a_PowerShell_error_category()
    {
        foreach (var kind in Enum.GetNames<NordPay.Api.ErrorKind>())
            Assert.True(Enum.TryParse<ErrorCategory>(kind, out _), kind);
    }
}
