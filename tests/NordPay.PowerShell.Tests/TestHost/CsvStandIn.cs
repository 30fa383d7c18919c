namespace NordPay.Tests.TestHost;

/// <summary>
/// The hosted engine has only PowerShell's core commands, so scripts that call Import-Csv get this
/// test-only stand-in: simple comma-separated files, every value a string, as Import-Csv gives them.
/// </summary>
public static class CsvStandIn
{
    public const string Define = """
        function global:Import-Csv {
            param([Parameter(Mandatory = $true)] [string] $Path)
            $lines = @([System.IO.File]::ReadAllLines($Path) | Where-Object { $_.Trim().Length -gt 0 })
            $headers = $lines[0].Split(',')
            for ($n = 1; $n -lt $lines.Count; $n++) {
                $cells = $lines[$n].Split(',')
                $row = [ordered]@{}
                for ($i = 0; $i -lt $headers.Count; $i++) { $row[$headers[$i]] = $cells[$i] }
                [pscustomobject]$row
            }
        }
        """;
}
