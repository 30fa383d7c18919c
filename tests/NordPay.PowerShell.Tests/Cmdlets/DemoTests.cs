using System.Globalization;
using System.Management.Automation.Language;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Cmdlets;

/// <summary>The README's demo, run as written: the example script, and build.ps1 -Task Demo starting a real sandbox process.</summary>
public class DemoTests
{
    private static readonly string Examples = Path.Combine(ModuleLayout.RepoRoot, "examples");

    private static IReadOnlyList<string[]> CsvRows() =>
        File.ReadAllLines(Path.Combine(Examples, "payouts.csv")).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToList();

    [Fact]
    public void The_demo_script_pays_out_every_row_of_the_example_csv_exactly()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.Interactive();
        ps.Run(CsvStandIn.Define);
        var result = ps.Run("& $args[0] -BaseUri $args[1] -SandboxApiKey $args[2]",
            Path.Combine(Examples, "Invoke-PayoutDemo.ps1"), sandbox.BaseUri, sandbox.ApiKey);

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var rows = CsvRows();
        Assert.Equal(rows.Count, result.Objects<NordPayWithdrawConfirmation>().Count());
        Assert.Equal(rows.Select(r => (r[0], r[1], r[2])),
            sandbox.State.Ledger.Select(w => (w.Currency, w.Address, w.Amount.ToString(CultureInfo.InvariantCulture))));
    }

    [Fact]
    public void Build_ps1_Demo_starts_the_sandbox_pays_the_csv_and_stops_it()
    {
        using var ps = PowerShellSession.Interactive();
        ps.Run(CsvStandIn.Define);
        var result = ps.Run("& $args[0] -Task Demo -NoBuild -Configuration $args[1]", Path.Combine(ModuleLayout.RepoRoot, "build.ps1"), ModuleLayout.Configuration);

        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var confirmations = result.Objects<NordPayWithdrawConfirmation>().ToList();
        Assert.Equal(CsvRows().Select(r => r[1]), confirmations.Select(c => c.Address));
        Assert.All(confirmations, c => Assert.Equal("pending", c.Status));
        Assert.Contains(ps.UI.Lines, l => l.StartsWith("==> Sandbox listening on http://127.0.0.1:", StringComparison.Ordinal));
        Assert.Contains("==> Sandbox stopped", ps.UI.Lines);
    }

    [Fact]
    public void Build_ps1_Package_makes_a_gallery_ready_nupkg_of_the_module()
    {
        using var ps = PowerShellSession.Interactive();
        var result = ps.Run("& $args[0] -Task Package -NoBuild -Configuration $args[1]", Path.Combine(ModuleLayout.RepoRoot, "build.ps1"), ModuleLayout.Configuration);
        Assert.Null(result.Terminating);
        var package = Path.Combine(ModuleLayout.RepoRoot, "out", "NordPay.0.1.0.nupkg");
        using var zip = System.IO.Compression.ZipFile.OpenRead(package);
        var names = zip.Entries.Select(e => e.FullName).ToList();
        foreach (var expected in new[] { "NordPay.nuspec", "[Content_Types].xml", "_rels/.rels", "NordPay.psd1", "NordPay.PowerShell.dll", "NordPay.Format.ps1xml",
                     "en-US/NordPay.PowerShell.dll-Help.xml", "en-US/about_NordPay.help.txt", "dependencies/System.Text.Json.dll" })
            Assert.Contains(expected, names);
        using var reader = new StreamReader(zip.GetEntry("NordPay.nuspec")!.Open());
        var nuspec = System.Xml.Linq.XDocument.Parse(reader.ReadToEnd());
        string Field(string name) => nuspec.Descendants().Single(e => e.Name.LocalName == name).Value;
        Assert.Equal(("NordPay", "0.1.0"), (Field("id"), Field("version")));
        var tags = Field("tags").Split(' ');
        foreach (var tag in new[] { "PSModule", "PSEdition_Core", "PSEdition_Desktop", "PSIncludes_Cmdlet", "PSCmdlet_Invoke-NordPayPayout", "PSCommand_Set-NordPayApiKey" })
            Assert.Contains(tag, tags);
        Assert.Contains("Invoke-NordPayPayout", Field("releaseNotes"));
    }

    [Fact]
    public void Every_shipped_script_parses()
    {
        var scripts = Directory.EnumerateFiles(ModuleLayout.RepoRoot, "*.ps*1", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !p.Contains($"{Path.DirectorySeparatorChar}out{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.Contains(scripts, p => p.EndsWith("build.ps1", StringComparison.Ordinal));
        foreach (var script in scripts)
        {
            Parser.ParseFile(script, out _, out var errors);
            Assert.True(errors.Length == 0, script + ": " + string.Join("; ", errors.Select(e => e.Message)));
        }
    }
}
