#Requires -Version 5.1
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the NordPay module.

.DESCRIPTION
    Build   dotnet build: lays out the importable module in out/NordPay and checks its manifest.
    Test    dotnet test: the xunit suite, which hosts PowerShell 7.6 and the local sandbox.
    Demo    Builds, starts the local sandbox on a free loopback port, pays out examples/payouts.csv
            through the module, and stops the sandbox.
    Package Zips out/NordPay into out/NordPay.<version>.zip.
    Clean   Removes out/ and every bin/ and obj/ folder.
    Needs the .NET 10 SDK on PATH. Runs in PowerShell 7.4+ and Windows PowerShell 5.1.

.EXAMPLE
    ./build.ps1 -Task Demo

.EXAMPLE
    ./build.ps1 -Task Clean, Build, Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Use what an earlier build made (Demo, Test and Package).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$root = $PSScriptRoot
$solution = [IO.Path]::Combine($root, 'NordPay.PowerShell.sln')
$moduleDirectory = [IO.Path]::Combine($root, 'out', 'NordPay')
$manifest = [IO.Path]::Combine($moduleDirectory, 'NordPay.psd1')

# Only .NET and PowerShell's core commands here, so the script runs in any PowerShell host.
function Write-Step([string] $Text) { $Host.UI.WriteLine("==> $Text") }

function Invoke-Dotnet([string[]] $Arguments) {
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Build-NordPayModule {
    Write-Step "Building ($Configuration)"
    Invoke-Dotnet @('build', $solution, '-c', $Configuration, '--nologo')
    $null = Test-ModuleManifest -Path $manifest
    Write-Step "Module laid out in $moduleDirectory"
}

function Start-Sandbox {
    $dll = [IO.Path]::Combine($root, 'src', 'NordPay.Sandbox', 'bin', $Configuration, 'net10.0', 'NordPay.Sandbox.dll')
    if (-not [IO.File]::Exists($dll)) { throw "The sandbox is not built: $dll is missing. Run ./build.ps1 -Configuration $Configuration first." }
    $start = [Diagnostics.ProcessStartInfo]::new('dotnet', "`"$dll`" --port 0")
    $start.UseShellExecute = $false
    $start.RedirectStandardOutput = $true
    $process = [Diagnostics.Process]::Start($start)
    $sandbox = @{ Process = $process; BaseUri = $null; ApiKey = $null }
    while (-not ($sandbox.BaseUri -and $sandbox.ApiKey)) {
        $line = $process.StandardOutput.ReadLine()
        if ($null -eq $line) { throw 'The sandbox stopped before it was ready.' }
        if ($line -match '^NordPay sandbox listening on (\S+)') { $sandbox.BaseUri = $Matches[1] }
        elseif ($line -match '^API key: (\S+)') { $sandbox.ApiKey = $Matches[1] }
    }
    Write-Step "Sandbox listening on $($sandbox.BaseUri)"
    $sandbox
}

function Stop-Sandbox($Sandbox) {
    if (-not $Sandbox.Process.HasExited) { $Sandbox.Process.Kill() }
    $Sandbox.Process.WaitForExit()
    $Sandbox.Process.Dispose()
    Write-Step 'Sandbox stopped'
}

function Invoke-PayoutDemo {
    $sandbox = Start-Sandbox
    try {
        Write-Step 'Paying out examples/payouts.csv: Import-Csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force'
        & ([IO.Path]::Combine($root, 'examples', 'Invoke-PayoutDemo.ps1')) -BaseUri $sandbox.BaseUri -SandboxApiKey $sandbox.ApiKey
    }
    finally {
        Stop-Sandbox $sandbox
    }
}

function New-ModulePackage {
    $version = (Test-ModuleManifest -Path $manifest).Version
    $zip = [IO.Path]::Combine($root, 'out', "NordPay.$version.zip")
    if ([IO.File]::Exists($zip)) { [IO.File]::Delete($zip) }
    if ($PSVersionTable.PSEdition -eq 'Desktop') { Add-Type -AssemblyName System.IO.Compression.FileSystem }
    [IO.Compression.ZipFile]::CreateFromDirectory($moduleDirectory, $zip, [IO.Compression.CompressionLevel]::Optimal, $true)
    Write-Step "Packaged $zip"
}

function Clear-BuildOutput {
    $folders = @([IO.Path]::Combine($root, 'out'))
    foreach ($project in [IO.Directory]::GetFiles($root, '*.csproj', [IO.SearchOption]::AllDirectories)) {
        $projectDirectory = [IO.Path]::GetDirectoryName($project)
        $folders += [IO.Path]::Combine($projectDirectory, 'bin'), [IO.Path]::Combine($projectDirectory, 'obj')
    }
    foreach ($folder in $folders) {
        if ([IO.Directory]::Exists($folder)) { [IO.Directory]::Delete($folder, $true) }
    }
    Write-Step 'Cleaned'
}

foreach ($name in $Task) {
    switch ($name) {
        'Clean' { Clear-BuildOutput }
        'Build' { Build-NordPayModule }
        'Test' {
            $arguments = @('test', $solution, '-c', $Configuration, '--nologo')
            if ($NoBuild) { $arguments += '--no-build' }
            Invoke-Dotnet $arguments
        }
        'Demo' {
            if (-not $NoBuild) { Build-NordPayModule }
            Invoke-PayoutDemo
        }
        'Package' {
            if (-not $NoBuild) { Build-NordPayModule }
            New-ModulePackage
        }
    }
}
