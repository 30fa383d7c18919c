#Requires -Version 7.4
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the NordPay module.

.DESCRIPTION
    Build   dotnet build: lays out the importable module in out/NordPay and checks its manifest. The build also
            restores Pester 5.9.1 from NuGet (a PackageDownload of the xunit project).
    Test    Builds, runs the xunit suite (dotnet test), then the Pester suite (tests/Pester/*.Tests.ps1) in this
            PowerShell with that Pester, imported by path; ends with one line counting both suites:
            "tests: N passed, N failed, N skipped". Fails when a test of either suite fails.
    Demo    Builds, starts the local sandbox on a free loopback port, pays out examples/payouts.csv
            through the module, and stops the sandbox.
    Package Builds, then packs out/NordPay into out/NordPay.<version>.nupkg with PSResourceGet's Compress-PSResource,
            ready for Publish-PSResource -NupkgPath or any NuGet feed.
    Clean   Removes out/ and every bin/ and obj/ folder.
    Needs the .NET 10 SDK on PATH and PowerShell 7.4+: the repository pins PowerShell 7.6.9 as a dotnet tool,
    so `dotnet tool restore` then `dotnet pwsh ./build.ps1 ...` works with nothing else installed.

.EXAMPLE
    dotnet tool restore && dotnet pwsh ./build.ps1 -Task Demo

.EXAMPLE
    ./build.ps1 -Task Clean, Build, Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Demo', 'Package', 'Clean')]
    [string[]] $Task = @('Build'),

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Use what an earlier build made (Test, Demo and Package).
    [switch] $NoBuild
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

$root = $PSScriptRoot
$solution = [IO.Path]::Combine($root, 'NordPay.PowerShell.sln')
$moduleDirectory = [IO.Path]::Combine($root, 'out', 'NordPay')
$manifest = [IO.Path]::Combine($moduleDirectory, 'NordPay.psd1')
$testResults = [IO.Path]::Combine($root, 'out', 'TestResults')

function Write-Step([string] $Text) { $Host.UI.WriteLine("==> $Text") }

function Invoke-Dotnet([string[]] $Arguments) {
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

$script:built = $false

function Build-NordPayModule {
    if ($script:built) { return }
    $script:built = $true
    Write-Step "Building ($Configuration)"
    Invoke-Dotnet @('build', $solution, '-c', $Configuration, '--nologo')
    $null = Test-ModuleManifest -Path $manifest
    Write-Step "Module laid out in $moduleDirectory"
}

. ([IO.Path]::Combine($root, 'tools', 'Sandbox.ps1'))

function Invoke-PayoutDemo {
    $sandbox = Start-NordPaySandbox -Root $root -Configuration $Configuration
    Write-Step "Sandbox listening on $($sandbox.BaseUri)"
    try {
        Write-Step 'Paying out examples/payouts.csv: Import-Csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force'
        & ([IO.Path]::Combine($root, 'examples', 'Invoke-PayoutDemo.ps1')) -BaseUri $sandbox.BaseUri -SandboxApiKey $sandbox.ApiKey
    }
    finally {
        Stop-NordPaySandbox $sandbox
        Write-Step 'Sandbox stopped'
    }
}

# PSResourceGet writes the nuspec from the manifest, as Publish-PSResource would for the Gallery.
function New-ModulePackage {
    $version = (Test-ModuleManifest -Path $manifest).Version
    $package = [IO.Path]::Combine($root, 'out', "NordPay.$version.nupkg")
    if ([IO.File]::Exists($package)) { [IO.File]::Delete($package) }
    Import-Module Microsoft.PowerShell.PSResourceGet -MinimumVersion 1.1.0
    Compress-PSResource -Path $moduleDirectory -DestinationPath ([IO.Path]::Combine($root, 'out'))
    if (-not [IO.File]::Exists($package)) { throw "Compress-PSResource did not write $package." }
    Write-Step "Packaged $package"
}

# The xunit suite's counts, from the TRX file dotnet test writes; a run that wrote none counts as one failure.
function Invoke-XunitSuite {
    $trx = [IO.Path]::Combine($testResults, 'xunit.trx')
    if ([IO.File]::Exists($trx)) { [IO.File]::Delete($trx) }
    & dotnet test $solution -c $Configuration --nologo --no-build --results-directory $testResults --logger 'trx;LogFileName=xunit.trx' | Out-Host
    $exitCode = $LASTEXITCODE
    if (-not [IO.File]::Exists($trx)) { return [pscustomobject]@{ Passed = 0; Failed = 1; Skipped = 0 } }
    $counters = ([xml][IO.File]::ReadAllText($trx)).TestRun.ResultSummary.Counters
    $failed = [int]$counters.failed + [int]$counters.error + [int]$counters.timeout + [int]$counters.aborted
    if ($exitCode -ne 0 -and $failed -eq 0) { $failed = 1 }
    [pscustomobject]@{ Passed = [int]$counters.passed; Failed = $failed; Skipped = [int]$counters.notExecuted }
}

# Pester as the build restored it (tests/NordPay.PowerShell.Tests: PackageDownload), found through NuGet's own
# record of that restore, so a moved package folder (NUGET_PACKAGES) is found too.
function Get-PesterManifest {
    $assetsFile = [IO.Path]::Combine($root, 'tests', 'NordPay.PowerShell.Tests', 'obj', 'project.assets.json')
    if (-not [IO.File]::Exists($assetsFile)) { throw "$assetsFile is missing: build first (./build.ps1)." }
    $assets = [IO.File]::ReadAllText($assetsFile) | ConvertFrom-Json
    $download = @($assets.project.frameworks.PSObject.Properties.Value.downloadDependencies | Where-Object name -EQ 'Pester')[0]
    $version = $download.version.Trim('[', ']').Split(',')[0].Trim()
    foreach ($folder in $assets.packageFolders.PSObject.Properties.Name) {
        $candidate = [IO.Path]::Combine($folder, 'pester', $version, 'tools', 'Pester.psd1')
        if ([IO.File]::Exists($candidate)) { return $candidate }
    }
    throw "Pester $version is not in the NuGet package folders; run dotnet restore."
}

function Invoke-PesterSuite {
    Import-Module (Get-PesterManifest) -Force
    $pester = New-PesterConfiguration
    $pester.Run.Container = New-PesterContainer -Path ([IO.Path]::Combine($root, 'tests', 'Pester')) -Data @{ Configuration = $Configuration }
    $pester.Run.PassThru = $true
    $pester.Output.Verbosity = 'Detailed'
    # Colour codes would split the summary line of a log.
    if ([Console]::IsOutputRedirected) { $pester.Output.RenderMode = 'Plaintext' }
    $pester.TestResult.Enabled = $true
    $pester.TestResult.OutputPath = [IO.Path]::Combine($testResults, 'pester.xml')
    $result = Invoke-Pester -Configuration $pester
    [pscustomobject]@{ Passed = $result.PassedCount; Failed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount; Skipped = $result.SkippedCount }
}

function Invoke-Tests {
    if (-not $NoBuild) { Build-NordPayModule }
    Write-Step 'xunit suite (dotnet test)'
    $xunit = Invoke-XunitSuite
    Write-Step "Pester suite (tests/Pester) in PowerShell $($PSVersionTable.PSVersion)"
    $pester = Invoke-PesterSuite
    $failed = $xunit.Failed + $pester.Failed
    Write-Step "xunit: $($xunit.Passed) passed, $($xunit.Failed) failed, $($xunit.Skipped) skipped; Pester: $($pester.Passed) passed, $($pester.Failed) failed, $($pester.Skipped) skipped"
    # The last line, for whoever reads the log.
    $Host.UI.WriteLine("tests: $($xunit.Passed + $pester.Passed) passed, $failed failed, $($xunit.Skipped + $pester.Skipped) skipped")
    if ($failed -gt 0) { exit 1 }
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
        'Test' { Invoke-Tests }
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
