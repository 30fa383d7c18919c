using System.Management.Automation;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>Get-Help -Full, -Examples and -Parameter for every exported cmdlet, and about_NordPay.</summary>
public class HelpTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    // A session that only reads help.
    private PowerShellSession Reader => runs.Of(nameof(Reader), () => runs.Keep(PowerShellSession.Interactive()));

    private List<CmdletInfo> Exported => runs.Of(nameof(Exported), () => Reader.Run("Get-Command -Module NordPay").Output.Select(o => (CmdletInfo)o.BaseObject).ToList());

    private static readonly string[] Common =
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
        "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm", "First", "Skip", "IncludeTotalCount",
    };

    private static string Text(object? value) => value switch
    {
        null => string.Empty,
        PSObject p when p.BaseObject is string s => s,
        PSObject p when p.Properties["Text"] != null => Text(p.Properties["Text"].Value),
        PSObject p when p.BaseObject is object[] items => string.Join(" ", items.Select(Text)),
        object[] items => string.Join(" ", items.Select(Text)),
        _ => value.ToString() ?? string.Empty,
    };

    [Fact]
    public void Every_exported_cmdlet_has_full_help()
    {
        Assert.Equal(17, Exported.Count);
        foreach (var command in Exported)
        {
            var help = Assert.Single(Reader.Run("Get-Help $args[0] -Full", command.Name).Output);
            var synopsis = Text(help.Properties["Synopsis"].Value).Trim();
            Assert.False(synopsis.Length == 0 || synopsis.StartsWith(command.Name, StringComparison.Ordinal), $"{command.Name} has no synopsis");
            Assert.True(Text(help.Properties["description"].Value).Length > 40, $"{command.Name} has no description");
            var examples = ((PSObject)help.Properties["examples"].Value).Properties["example"].Value;
            Assert.True(examples is object[] { Length: >= 2 }, $"{command.Name} has fewer than two examples");
            Assert.True(Text(((PSObject)help.Properties["returnValues"].Value).Properties["returnValue"].Value).Length > 0, $"{command.Name} has no output type");
        }
    }

    [Fact]
    public void Every_parameter_of_an_exported_cmdlet_has_help()
    {
        foreach (var command in Exported)
        {
            foreach (var parameter in command.Parameters.Values.Where(p => !Common.Contains(p.Name) && !p.Attributes.OfType<ParameterAttribute>().All(a => a.DontShow)))
            {
                var parameterHelp = Reader.Run("Get-Help $args[0] -Parameter $args[1]", command.Name, parameter.Name).Output.SingleOrDefault();
                Assert.True(parameterHelp != null && Text(parameterHelp.Properties["description"]?.Value).Length > 10, $"{command.Name} -{parameter.Name} has no help");
            }
        }
    }

    [Fact]
    public void The_build_fails_when_a_parameter_has_no_help()
    {
        var (exitCode, errors) = BuildHelp(docs =>
        {
            var page = Path.Combine(docs, "Get-NordPayBalance.md");
            File.WriteAllText(page, File.ReadAllText(page).Replace("### -IncludeZero", "### -Included"));
        });
        Assert.Equal(1, exitCode);
        Assert.Contains("Get-NordPayBalance: parameter -IncludeZero has no description", errors);
        Assert.Contains("Get-NordPayBalance: help describes -Included, which the cmdlet does not have", errors);
    }

    [Theory]
    [InlineData("about_NordPay.help.txt")]
    [InlineData("about_NordPay_Batches.help.txt")]
    [InlineData("about_NordPay_Policies.help.txt")]
    [InlineData("about_NordPay_Keys.help.txt")]
    [InlineData("about_NordPay_Scheduling.help.txt")]
    [InlineData("about_NordPay_Errors.help.txt")]
    [InlineData("about_NordPay_Sandbox.help.txt")]
    [InlineData("Confirm-NordPayWithdraw.md")]
    public void The_build_fails_when_an_about_topic_or_a_cmdlet_help_page_is_missing(string file)
    {
        var (exitCode, errors) = BuildHelp(docs => File.Delete(Path.Combine(docs, file)));
        Assert.Equal(1, exitCode);
        Assert.Contains($"{Path.GetFileNameWithoutExtension(file).Replace(".help", "")}: no ", errors);
    }

    [Fact]
    public void The_help_builds_from_the_pages_as_they_are()
    {
        var (exitCode, errors) = BuildHelp(_ => { });
        Assert.True(exitCode == 0, errors);
    }

    // Runs the help builder on a copy of docs/help that breakDocs has changed, writing into a scratch module folder.
    private static (int ExitCode, string Errors) BuildHelp(Action<string> breakDocs)
    {
        var docs = Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(docs);
        foreach (var file in Directory.GetFiles(Path.Combine(ModuleLayout.RepoRoot, "docs", "help"))) File.Copy(file, Path.Combine(docs, Path.GetFileName(file)));
        breakDocs(docs);
        var builder = Path.Combine(Path.GetDirectoryName(typeof(HelpTests).Assembly.Location)!.Replace(
            Path.Combine("tests", "NordPay.PowerShell.Tests"), Path.Combine("tools", "NordPay.HelpBuilder")), "NordPay.HelpBuilder.dll");
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in new[] { builder, Path.Combine(docs, "out"), docs }) start.ArgumentList.Add(arg);
        Directory.CreateDirectory(Path.Combine(docs, "out"));
        File.Copy(Path.Combine(ModuleLayout.ModuleDirectory, "NordPay.PowerShell.dll"), Path.Combine(docs, "out", "NordPay.PowerShell.dll"));
        try
        {
            using var process = System.Diagnostics.Process.Start(start)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, errors + output.Result);
        }
        finally
        {
            Directory.Delete(docs, recursive: true);
        }
    }

    [Fact]
    public void New_NordPayWithdrawRequests_examples_show_the_csv_pipeline()
    {
        var examples = Assert.Single(Reader.Run("Get-Help New-NordPayWithdrawRequest -Examples").Output);
        var code = Text(((PSObject)examples.Properties["examples"].Value).Properties["example"].Value is object[] items
            ? items.Select(i => ((PSObject)i).Properties["code"].Value).ToArray()
            : null);
        Assert.Contains("Import-Csv payouts.csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw", code);
    }

    [Fact]
    public void Confirm_NordPayWithdraws_examples_show_an_unattended_run()
    {
        var unattended = Assert.Single(Reader.Run("Get-Help Confirm-NordPayWithdraw -Examples").Output);
        Assert.Contains("NORDPAY_API_KEY", Text(((object[])((PSObject)unattended.Properties["examples"].Value).Properties["example"].Value!)
            .Select(i => ((PSObject)i).Properties["code"].Value).ToArray()));
    }

    [Fact]
    public void The_about_topic_is_there()
    {
        var about = Reader.Run("Get-Help about_NordPay").Output.Select(o => o.ToString()).ToList();
        Assert.Contains(about, t => t.Contains("An amount is never altered", StringComparison.Ordinal));
    }
}
