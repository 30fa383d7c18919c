using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Cmdlets;

/// <summary>
/// Runs tests/NordPay.Tests.ps1, the Pester suite for users' machines, in the hosted engine with a small
/// stand-in for the Pester 5 commands it uses (Pester is not served here), so its scenarios are known to pass.
/// </summary>
public class PesterSuiteTests
{
    private const string PesterStandIn = """
        $global:PesterResults = [System.Collections.Generic.List[string]]::new()
        $global:PesterBefore = [System.Collections.Generic.List[scriptblock]]::new()
        $global:PesterAfter = [System.Collections.Generic.List[scriptblock]]::new()
        function global:BeforeAll([scriptblock] $Body) { $global:PesterBefore.Add($Body) }
        function global:AfterAll([scriptblock] $Body) { $global:PesterAfter.Add($Body) }
        function global:It([string] $Name, [scriptblock] $Body) {
            try { & $Body; $global:PesterResults.Add("passed: $($Name)") } catch { $global:PesterResults.Add("failed: $($Name): $_") }
        }
        function global:Describe([string] $Name, [scriptblock] $Body) {
            foreach ($before in $global:PesterBefore) { . $before }
            try { & $Body } finally { foreach ($after in $global:PesterAfter) { . $after } }
        }
        function global:Should {
            param([Parameter(ValueFromPipeline = $true)] $ActualValue, [switch] $Not, $Be, $BeLike, [switch] $BeNullOrEmpty, [switch] $BeTrue, $BeGreaterOrEqual)
            begin { $values = [System.Collections.Generic.List[object]]::new() }
            process { $values.Add($ActualValue) }
            end {
                $actual = if ($values.Count -eq 1) { $values[0] } elseif ($values.Count -eq 0) { $null } else { $values.ToArray() }
                $ok = if ($PSBoundParameters.ContainsKey('Be')) { $actual -eq $Be }
                      elseif ($PSBoundParameters.ContainsKey('BeLike')) { $actual -like $BeLike }
                      elseif ($BeNullOrEmpty) { $null -eq $actual -or "$actual" -eq '' }
                      elseif ($BeTrue) { $actual -eq $true }
                      elseif ($PSBoundParameters.ContainsKey('BeGreaterOrEqual')) { $actual -ge $BeGreaterOrEqual }
                      else { throw 'This stand-in does not know that assertion.' }
                if ($Not) { $ok = -not $ok }
                if (-not $ok) { throw "Should failed on '$actual'." }
            }
        }
        """;

    [Fact]
    public void The_Pester_suite_passes_against_a_sandbox()
    {
        using var ps = PowerShellSession.Interactive();
        ps.Run(CsvStandIn.Define);
        var standIn = ps.Run(PesterStandIn);
        Assert.Null(standIn.Terminating);
        var run = ps.Run("& $args[0] -Configuration $args[1]; $global:PesterResults", Path.Combine(ModuleLayout.RepoRoot, "tests", "NordPay.Tests.ps1"), ModuleLayout.Configuration);
        Assert.Null(run.Terminating);
        var results = run.Output.Select(o => (string)o.BaseObject).ToList();
        Assert.Equal(7, results.Count);
        Assert.True(results.All(r => r.StartsWith("passed: ", StringComparison.Ordinal)), string.Join("\n", results));
    }
}
