using System.Management.Automation.Language;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>
/// The repository's scripts parse. What they do (the demo, the package, the README's blocks) runs in real pwsh
/// under Pester: tests/Pester.
/// </summary>
public class ScriptTests
{
    [Fact]
    public void Every_shipped_script_parses()
    {
        var scripts = Directory.EnumerateFiles(ModuleLayout.RepoRoot, "*.ps*1", SearchOption.AllDirectories)
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}") && !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                        && !p.Contains($"{Path.DirectorySeparatorChar}out{Path.DirectorySeparatorChar}"))
            .ToList();
        Assert.Contains(scripts, p => p.EndsWith("build.ps1", StringComparison.Ordinal));
        Assert.Contains(scripts, p => p.EndsWith("Readme.Tests.ps1", StringComparison.Ordinal));
        foreach (var script in scripts)
        {
            Parser.ParseFile(script, out _, out var errors);
            Assert.True(errors.Length == 0, script + ": " + string.Join("; ", errors.Select(e => e.Message)));
        }
    }
}
