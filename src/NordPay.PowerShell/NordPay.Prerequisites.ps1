# PowerShell 7 needs no check here (ModuleLifecycle checks its runtime): it returns before the script block below runs,
# whose typed parameter and operators cost a cold PowerShell 7 about 35 ms of CPU (bench/README.md, issue 26).
# $PSEdition, which Windows PowerShell 5.1 has too (it has no $IsCoreCLR).
if ($PSEdition -eq 'Core') { return }

# Runs before the module's assembly loads (a nested module, which loads before the root module), all in a script block,
# so nothing is left behind. Windows PowerShell 5.1 enforces the manifest's DotNetFrameworkVersion only below 4.5,
# and on an older .NET Framework than 4.7.2 the assembly fails to load with an error about netstandard that names no fix.
& {
    param([string] $Edition, $Release)
    # 461808: the first release number of .NET Framework 4.7.2, as its registry key records it.
    if ($Edition -eq 'Desktop' -and -not ($Release -ge 461808)) {
        $installed = if ($Release) { "release $Release, older than 4.7.2" } else { 'no .NET Framework 4.5 or later' }
        throw "The NordPay module needs .NET Framework 4.7.2 or later on Windows PowerShell 5.1; this computer has $installed. Install .NET Framework 4.8 (https://dotnet.microsoft.com/download/dotnet-framework/net48) and restart, or use PowerShell 7.4 or later."
    }
} $PSVersionTable.PSEdition $(if ($PSVersionTable.PSEdition -eq 'Desktop') { (Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full' -ErrorAction SilentlyContinue).Release })
