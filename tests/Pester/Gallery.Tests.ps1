<#
    The PowerShell Gallery round trip, offline: build.ps1 -Task Package makes the .nupkg with PSResourceGet, a
    local file repository serves it, Save-PSResource and Install-PSResource fetch it, and Import-Module NordPay
    by name pays against the sandbox. Each child pwsh has a home folder of its own, so the repository
    registration and the installed module stay out of the user's profile.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))

    # A home folder of its own for a child pwsh: PSResourceGet keeps its repositories and installs modules there.
    function Get-HomeEnvironment([string] $Folder) {
        @{ HOME = $Folder; USERPROFILE = $Folder; LOCALAPPDATA = [IO.Path]::Combine($Folder, 'AppData', 'Local') }
    }

    $version = (Import-PowerShellDataFile $ModuleManifest).ModuleVersion
    $package = [IO.Path]::Combine($RepoRoot, 'out', "NordPay.$version.nupkg")
    $packagingHome = New-TestFolder
    $packaging = Invoke-Pwsh -ArgumentList '-NoProfile', '-File', ([IO.Path]::Combine($RepoRoot, 'build.ps1')), '-Task', 'Package', '-NoBuild', '-Configuration', $Configuration `
        -WorkingDirectory $packagingHome -Environment (Get-HomeEnvironment $packagingHome)
    $repository = New-TestFolder
    if ([IO.File]::Exists($package)) { Copy-Item -LiteralPath $package -Destination $repository }
    $sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    $topics = @(Get-AboutTopicName)

    # A user's session with its own home: registers the folder as a repository, then runs $Script (which gets the
    # module by name) and pays the example CSV; prints where the module came from and the help topics Get-Help finds.
    function Invoke-AsGalleryUser([string] $Script) {
        $folder = New-TestFolder
        Copy-Item -LiteralPath $ExampleCsv -Destination ([IO.Path]::Combine($folder, 'payouts.csv'))
        $environment = Get-SandboxEnvironment $sandbox
        $environment.PSModulePath = $null
        $environment += Get-HomeEnvironment $folder
        $file = [IO.Path]::Combine($folder, 'user.ps1')
        [IO.File]::WriteAllText($file, @"
`$ErrorActionPreference = 'Stop'
Register-PSResourceRepository -Name NordPayLocal -Uri '$repository' -Trusted
$Script
Import-Module NordPay
'module: ' + (Get-Module NordPay).ModuleBase
'topics: ' + ((Get-Help about_NordPay* | ForEach-Object Name | Sort-Object) -join ',')
Import-Csv payouts.csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force | Out-Null
"@)
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $file -WorkingDirectory $folder -Environment $environment
        $run | Add-Member -NotePropertyName Home -NotePropertyValue $folder -PassThru
    }
}

AfterAll {
    Stop-NordPaySandbox $sandbox
    Remove-TestFolder
}

Describe 'build.ps1 -Task Package' {
    It 'makes out/NordPay.<version>.nupkg with PSResourceGet' {
        $packaging.Errors | Should -BeNullOrEmpty
        $packaging.ExitCode | Should -Be 0
        $packaging.Output | Should -Match "==> Packaged .*NordPay\.$([regex]::Escape($version))\.nupkg"
        $package | Should -Exist
    }

    It 'packs the module at the package root with a nuspec the Gallery reads' {
        Add-Type -AssemblyName System.IO.Compression.FileSystem
        $zip = [IO.Compression.ZipFile]::OpenRead($package)
        try {
            $names = @($zip.Entries.FullName)
            foreach ($file in @('NordPay.psd1', 'NordPay.PowerShell.dll', 'NordPay.Format.ps1xml', 'en-US/NordPay.PowerShell.dll-Help.xml', 'dependencies/System.Text.Json.dll') + @($topics | ForEach-Object { "en-US/$_.help.txt" })) {
                $names | Should -Contain $file
            }
            $reader = [IO.StreamReader]::new($zip.GetEntry('NordPay.nuspec').Open())
            try { $nuspec = [xml]$reader.ReadToEnd() } finally { $reader.Dispose() }
        }
        finally {
            $zip.Dispose()
        }
        $nuspec.package.metadata.id | Should -Be 'NordPay'
        $nuspec.package.metadata.version | Should -Be $version
        $nuspec.package.metadata.tags -split ' ' | Should -Contain 'PSModule'
        $nuspec.package.metadata.tags -split ' ' | Should -Contain 'PSEdition_Core'
        $nuspec.package.metadata.releaseNotes | Should -BeLike '*Invoke-NordPayPayout*'
    }
}

Describe 'From a local file repository' {
    It 'Save-PSResource, then Import-Module NordPay by name, pays against the sandbox' {
        $before = @(Get-SandboxLedger $sandbox).Count
        $run = Invoke-AsGalleryUser @'
$null = New-Item -ItemType Directory ./saved
Save-PSResource -Name NordPay -Repository NordPayLocal -Path ./saved -TrustRepository
$env:PSModulePath = (Resolve-Path ./saved).Path + [IO.Path]::PathSeparator + $env:PSModulePath
'@
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match "module: $([regex]::Escape([IO.Path]::Combine($run.Home, 'saved', 'NordPay', $version)))"
        $run.Output | Should -Match "topics: $($topics -join ',')\r?\n"
        @(Get-SandboxLedger $sandbox).Count - $before | Should -Be @(Import-Csv $ExampleCsv).Count
    }

    It 'Install-PSResource, then Import-Module NordPay by name, pays against the sandbox' {
        $before = @(Get-SandboxLedger $sandbox).Count
        $run = Invoke-AsGalleryUser 'Install-PSResource -Name NordPay -Repository NordPayLocal -TrustRepository -Scope CurrentUser'
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match "module: $([regex]::Escape($run.Home))\S*[/\\]NordPay[/\\]$([regex]::Escape($version))"
        $run.Output | Should -Match "topics: $($topics -join ',')\r?\n" -Because 'Get-Help finds every about_ topic of the installed module'
        @(Get-SandboxLedger $sandbox).Count - $before | Should -Be @(Import-Csv $ExampleCsv).Count
    }
}
