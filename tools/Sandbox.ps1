# Starts and stops the local NordPay sandbox as a child process, for build.ps1 -Task Demo and the Pester suite.
# Only .NET and PowerShell's core commands, so it runs in any PowerShell host.

function Start-NordPaySandbox {
    param(
        [Parameter(Mandatory = $true)] [string] $Root,
        [string] $Configuration = 'Release',
        # More of the sandbox's options, e.g. '--balance', 'USDTBEP20=1000000' (README: The sandbox).
        [string[]] $ArgumentList = @()
    )
    $dll = [IO.Path]::Combine($Root, 'src', 'NordPay.Sandbox', 'bin', $Configuration, 'net10.0', 'NordPay.Sandbox.dll')
    if (-not [IO.File]::Exists($dll)) { throw "The sandbox is not built: $dll is missing. Run ./build.ps1 -Configuration $Configuration first." }
    $start = [Diagnostics.ProcessStartInfo]::new('dotnet')
    foreach ($argument in @($dll, '--port', '0') + $ArgumentList) { $start.ArgumentList.Add($argument) }
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $process = [Diagnostics.Process]::Start($start)
    $sandbox = @{ Process = $process; BaseUri = $null; ApiKey = $null }
    while (-not $sandbox.BaseUri -or $null -eq $sandbox.ApiKey) {
        $line = $process.StandardOutput.ReadLine()
        if ($null -eq $line) { throw 'The sandbox stopped before it was ready.' }
        if ($line -match '^NordPay sandbox listening on (\S+)') { $sandbox.BaseUri = $Matches[1] }
        elseif ($line -match '^API key: (\S*)') { $sandbox.ApiKey = $Matches[1] }
    }
    $sandbox
}

function Stop-NordPaySandbox {
    param([Parameter(Mandatory = $true)] $Sandbox)
    if (-not $Sandbox.Process.HasExited) { $Sandbox.Process.Kill() }
    $Sandbox.Process.WaitForExit()
    $Sandbox.Process.Dispose()
}
