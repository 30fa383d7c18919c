#Requires -Version 5.1
<#
.SYNOPSIS
    Builds, tests, demonstrates and packages the NordPay module.

.DESCRIPTION
    Build   dotnet build: lays out the importable module in out/NordPay and checks its manifest.
    Test    dotnet test: the xunit suite, which hosts PowerShell 7.6 and the local sandbox; then, when
            Pester 5 is installed, tests/NordPay.Tests.ps1 against a sandbox.
    Demo    Builds, starts the local sandbox on a free loopback port, pays out examples/payouts.csv
            through the module, and stops the sandbox.
    Package Builds a Gallery-ready out/NordPay.<version>.nupkg from out/NordPay.
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

# A Gallery-ready package: a .nupkg with the module at its root and the metadata PowerShellGet writes
# (tags PSModule, PSCmdlet_*, PSCommand_*, PSIncludes_Cmdlet), for Publish-PSResource -NupkgPath or nuget push.
function New-ModulePackage {
    $module = Test-ModuleManifest -Path $manifest
    $data = $module.PrivateData.PSData
    $version = $module.Version.ToString()
    [string[]] $cmdlets = @($module.ExportedCmdlets.Keys)
    [Array]::Sort($cmdlets, [StringComparer]::Ordinal)
    $tags = @('PSModule') + @($data.Tags) + @($cmdlets | ForEach-Object { "PSCmdlet_$_"; "PSCommand_$_" }) + @('PSIncludes_Cmdlet')
    $x = { param($text) [Security.SecurityElement]::Escape([string]$text) }
    $nuspec = @"
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2011/08/nuspec.xsd">
  <metadata>
    <id>$(& $x $module.Name)</id>
    <version>$version</version>
    <authors>$(& $x $module.Author)</authors>
    <owners>$(& $x $module.CompanyName)</owners>
    <description>$(& $x $module.Description)</description>
    <releaseNotes>$(& $x $data.ReleaseNotes)</releaseNotes>
    <copyright>$(& $x $module.Copyright)</copyright>
    <tags>$(& $x ($tags -join ' '))</tags>
    <projectUrl>$(& $x $data.ProjectUri)</projectUrl>
    <licenseUrl>$(& $x $data.LicenseUri)</licenseUrl>
    <requireLicenseAcceptance>false</requireLicenseAcceptance>
  </metadata>
</package>
"@
    $contentTypes = '<?xml version="1.0" encoding="utf-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" />' +
        '<Default Extension="dll" ContentType="application/octet" /><Default Extension="psd1" ContentType="application/octet" /><Default Extension="ps1xml" ContentType="application/octet" />' +
        '<Default Extension="xml" ContentType="application/octet" /><Default Extension="txt" ContentType="application/octet" /></Types>'
    $rels = '<?xml version="1.0" encoding="utf-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
        '<Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/NordPay.nuspec" Id="R1" /></Relationships>'

    if ($PSVersionTable.PSEdition -eq 'Desktop') { Add-Type -AssemblyName System.IO.Compression, System.IO.Compression.FileSystem }
    $package = [IO.Path]::Combine($root, 'out', "NordPay.$version.nupkg")
    if ([IO.File]::Exists($package)) { [IO.File]::Delete($package) }
    $zip = [IO.Compression.ZipFile]::Open($package, [IO.Compression.ZipArchiveMode]::Create)
    try {
        foreach ($entry in @(@('NordPay.nuspec', $nuspec), @('[Content_Types].xml', $contentTypes), @('_rels/.rels', $rels))) {
            $writer = [IO.StreamWriter]::new($zip.CreateEntry($entry[0]).Open(), [Text.UTF8Encoding]::new($false))
            try { $writer.Write($entry[1]) } finally { $writer.Dispose() }
        }
        foreach ($file in [IO.Directory]::GetFiles($moduleDirectory, '*', [IO.SearchOption]::AllDirectories)) {
            $name = $file.Substring($moduleDirectory.Length + 1).Replace('\', '/')
            $null = [IO.Compression.ZipFileExtensions]::CreateEntryFromFile($zip, $file, $name)
        }
    }
    finally {
        $zip.Dispose()
    }
    Write-Step "Packaged $package"
}

function Invoke-Tests {
    $arguments = @('test', $solution, '-c', $Configuration, '--nologo')
    if ($NoBuild) { $arguments += '--no-build' }
    Invoke-Dotnet $arguments
    $pester = @(Get-Module -ListAvailable -Name Pester | Where-Object { $_.Version.Major -ge 5 })
    if ($pester.Count -eq 0) {
        Write-Step 'Pester 5 is not installed: skipped tests/NordPay.Tests.ps1 (Install-Module Pester -MinimumVersion 5.0)'
        return
    }
    Import-Module $pester[0]
    $container = New-PesterContainer -Path ([IO.Path]::Combine($root, 'tests', 'NordPay.Tests.ps1')) -Data @{ Configuration = $Configuration }
    $result = Invoke-Pester -Container $container -Output Detailed -PassThru
    if ($result.FailedCount -gt 0) { throw "$($result.FailedCount) Pester test(s) failed." }
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
