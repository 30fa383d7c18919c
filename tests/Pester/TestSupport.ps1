# Shared by tests/Pester/*.Tests.ps1 (dot-sourced): the repository's paths, the sandbox's admin endpoints, scratch
# folders and child pwsh processes. The suite needs a build (./build.ps1) and runs in PowerShell 7.4+.

$RepoRoot = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..'))
$ModuleManifest = [IO.Path]::Combine($RepoRoot, 'out', 'NordPay', 'NordPay.psd1')
$ExampleCsv = [IO.Path]::Combine($RepoRoot, 'examples', 'payouts.csv')

# The about_ topics the module ships, by name, sorted: one per docs/help/about_*.help.txt.
function Get-AboutTopicName {
    [IO.Directory]::GetFiles([IO.Path]::Combine($RepoRoot, 'docs', 'help'), 'about_*.help.txt') |
        ForEach-Object { [IO.Path]::GetFileName($_) -replace '\.help\.txt$' } | Sort-Object
}
. ([IO.Path]::Combine($RepoRoot, 'tools', 'Sandbox.ps1'))

# Addresses of each shape a reviewer must see whole: EVM (0x + 40 hex), TRC20 (T + 33 base58), BTC bech32 (42 and 62).
$EvmAddress = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'
$TronAddress = 'TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye'
$BtcAddress = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh'
$BtcLongAddress = 'bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3'

function ConvertTo-SecureKey([string] $Key) { [System.Net.NetworkCredential]::new('', $Key).SecurePassword }

# The exact decimal a CSV cell holds; PowerShell's own [decimal]'...' goes through double.
function ConvertTo-ExactDecimal([string] $Text) { [decimal]::Parse($Text, [cultureinfo]::InvariantCulture) }

# Scratch folders of one test file, all under one root that Remove-TestFolder deletes (in the file's AfterAll).
$TestRoot = [IO.Path]::Combine([IO.Path]::GetTempPath(), 'nordpay-pester', [guid]::NewGuid().ToString('N'))

# The persisted profiles and policies this process reads: a folder of the suite's own, never the developer's (every
# paying call reads the persisted policy of its profile). Child processes get their own (New-ChildEnvironment).
$env:NORDPAY_CONFIG_DIR = [IO.Path]::Combine($TestRoot, 'nordpay-config')

function New-TestFolder {
    $folder = [IO.Path]::Combine($TestRoot, [guid]::NewGuid().ToString('N'))
    $null = [IO.Directory]::CreateDirectory($folder)
    $folder
}

function Remove-TestFolder {
    if ([IO.Directory]::Exists($TestRoot)) { [IO.Directory]::Delete($TestRoot, $true) }
}

function Invoke-SandboxAdmin {
    param([Parameter(Mandatory)] $Sandbox, [Parameter(Mandatory)] [string] $Path, [string] $Method = 'Get')
    $answer = Invoke-RestMethod -Method $Method -Uri ([Uri]::new([Uri]$Sandbox.BaseUri, "_sandbox/$Path")) -NoProxy
    $answer # a JSON array's items one by one
}

# What the sandbox paid: its ledger of confirmed withdrawals, each Amount as the exact text of its JSON number
# (ConvertFrom-Json would read it as a double).
function Get-SandboxLedger($Sandbox) {
    $text = (Invoke-WebRequest -Uri ([Uri]::new([Uri]$Sandbox.BaseUri, '_sandbox/ledger')) -NoProxy).Content
    $document = [System.Text.Json.JsonDocument]::Parse($text)
    try {
        foreach ($entry in $document.RootElement.EnumerateArray()) {
            [pscustomobject]@{
                Id = $entry.GetProperty('Id').GetInt64()
                Currency = $entry.GetProperty('Currency').GetString()
                Address = $entry.GetProperty('Address').GetString()
                Amount = $entry.GetProperty('Amount').GetRawText()
                Status = $entry.GetProperty('Status').GetString()
            }
        }
    }
    finally {
        $document.Dispose()
    }
}

# Each payout as one comparable line: currency, address and the amount's exact text.
function Format-Payout([object[]] $Rows) { @($Rows | ForEach-Object { "$($_.Currency) $($_.Address) $($_.Amount)" } | Sort-Object) }

# The bodies the sandbox received for one API path (e.g. balance/withdraw/request), in order, as text.
function Get-SandboxRequestBody($Sandbox, [string] $Path) {
    @(Invoke-SandboxAdmin $Sandbox 'requests' | Where-Object { $_.Method -eq 'POST' -and $_.Path -eq "/$Path" } | ForEach-Object Body)
}

function Add-SandboxFault($Sandbox, [string] $Spec) { $null = Invoke-SandboxAdmin $Sandbox "faults?spec=$([Uri]::EscapeDataString($Spec))" -Method Post }

function Clear-SandboxFault($Sandbox) { $null = Invoke-SandboxAdmin $Sandbox 'faults' -Method Delete }

# What the merchant's admin does in NordPay's dashboard: approve every pending payout.
function Approve-SandboxPayout($Sandbox) {
    foreach ($withdrawal in @(Get-SandboxLedger $Sandbox) | Where-Object Status -EQ 'pending') {
        $null = Invoke-SandboxAdmin $Sandbox "withdrawals/$($withdrawal.Id)/status?value=processed" -Method Post
    }
}

# The environment of every child pwsh: no telemetry or update check, plain text, a NordPay config folder of its
# own, no NORDPAY_* inherited, and a dead proxy for anything but loopback, so nothing leaves the machine.
function New-ChildEnvironment([hashtable] $Environment, [string] $WorkingDirectory) {
    $variables = @{
        POWERSHELL_TELEMETRY_OPTOUT = '1'; POWERSHELL_UPDATECHECK = 'Off'; NO_COLOR = '1'
        HTTP_PROXY = 'http://127.0.0.1:9'; HTTPS_PROXY = 'http://127.0.0.1:9'; NO_PROXY = '127.0.0.1,localhost'
        NORDPAY_CONFIG_DIR = [IO.Path]::Combine($WorkingDirectory, '.nordpay-config')
        NORDPAY_API_KEY = $null; NORDPAY_BASE_URI = $null
    }
    foreach ($name in $Environment.Keys) { $variables[$name] = $Environment[$name] }
    $variables
}

# Starts a child pwsh: the same PowerShell that runs the suite (`dotnet pwsh` runs pwsh.dll through dotnet).
function Start-Pwsh {
    param(
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        [Parameter(Mandatory)] [string] $WorkingDirectory,
        [hashtable] $Environment = @{},
        # Lines typed at the child's prompts; standard input is closed after them.
        [string[]] $InputLine = @(),
        # The child handles SIGINT as a terminal's or a scheduler's job does, even when this process ignores it: a
        # non-interactive shell starts its background commands with SIGINT ignored, and .NET keeps an inherited
        # SIG_IGN for SIGINT, so a test run started that way (as CI may) would pass it on. Linux only (GNU env).
        [switch] $DefaultSigInt
    )
    $executable = [Environment]::ProcessPath
    $start = [Diagnostics.ProcessStartInfo]::new($executable)
    if ($DefaultSigInt) {
        $start.FileName = 'env'
        foreach ($argument in '--default-signal=INT', $executable) { $start.ArgumentList.Add($argument) }
    }
    if ([IO.Path]::GetFileNameWithoutExtension($executable) -eq 'dotnet') { $start.ArgumentList.Add([IO.Path]::Combine($PSHOME, 'pwsh.dll')) }
    foreach ($argument in $ArgumentList) { $start.ArgumentList.Add($argument) }
    $start.WorkingDirectory = $WorkingDirectory
    $start.UseShellExecute = $false
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $variables = New-ChildEnvironment $Environment $WorkingDirectory
    foreach ($name in $variables.Keys) {
        if ($null -eq $variables[$name]) { $null = $start.Environment.Remove($name) } else { $start.Environment[$name] = $variables[$name] }
    }
    $process = [Diagnostics.Process]::Start($start)
    $child = [pscustomobject]@{ Process = $process; Output = $process.StandardOutput.ReadToEndAsync(); Errors = $process.StandardError.ReadToEndAsync() }
    foreach ($line in $InputLine) { $process.StandardInput.WriteLine($line) }
    $process.StandardInput.Close()
    $child
}

# Waits for a child pwsh (killing it past the timeout) and returns its exit code and what it wrote.
function Wait-Pwsh {
    param(
        [Parameter(Mandatory)] $Child,
        [int] $TimeoutSec = 120,
        # Run every 200 ms while the child runs, e.g. { Approve-SandboxPayout $sandbox }.
        [scriptblock] $WhileRunning
    )
    $deadline = [DateTime]::UtcNow.AddSeconds($TimeoutSec)
    while (-not $Child.Process.WaitForExit(200)) {
        if ([DateTime]::UtcNow -gt $deadline) {
            $Child.Process.Kill($true)
            $Child.Process.WaitForExit()
            throw "pwsh did not finish within $TimeoutSec s. It wrote:`n$($Child.Output.Result)`n$($Child.Errors.Result)"
        }
        if ($WhileRunning) { & $WhileRunning }
    }
    $Child.Process.WaitForExit()
    [pscustomobject]@{ ExitCode = $Child.Process.ExitCode; Output = $Child.Output.Result; Errors = $Child.Errors.Result }
}

function Invoke-Pwsh {
    param(
        [Parameter(Mandatory)] [string[]] $ArgumentList,
        [Parameter(Mandatory)] [string] $WorkingDirectory,
        [hashtable] $Environment = @{},
        [string[]] $InputLine = @(),
        [int] $TimeoutSec = 120,
        [scriptblock] $WhileRunning
    )
    $child = Start-Pwsh -ArgumentList $ArgumentList -WorkingDirectory $WorkingDirectory -Environment $Environment -InputLine $InputLine
    Wait-Pwsh -Child $child -TimeoutSec $TimeoutSec -WhileRunning $WhileRunning
}

# The environment a job or a user session gets to reach the sandbox: the key in NORDPAY_API_KEY, and the built
# module found by name, as after Install-PSResource.
function Get-SandboxEnvironment($Sandbox) {
    @{
        NORDPAY_API_KEY = $Sandbox.ApiKey
        NORDPAY_BASE_URI = $Sandbox.BaseUri
        PSModulePath = [IO.Path]::Combine($RepoRoot, 'out') + [IO.Path]::PathSeparator + $env:PSModulePath
    }
}

# Host output with its line wrapping undone: a redirected pwsh wraps at 80 columns.
function Join-Wrapped([string] $Text) { ($Text -replace '\s+', ' ').Trim() }

# The ErrorIds of an -ErrorVariable's records (it also holds the exception of an error that stopped the command).
function Get-ErrorId($Records) { @($Records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) }

# A sandbox for a test file, with the built module imported and the sandbox's key set for this session.
function Start-SessionSandbox([string] $Configuration) {
    $started = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    Import-Module $ModuleManifest -Force -Global
    Set-NordPayApiKey -ApiKey (ConvertTo-SecureKey $started.ApiKey) -BaseUri $started.BaseUri
    $started
}

function Write-Csv([string] $Path, [object[]] $Rows) {
    $Rows | Export-Csv -LiteralPath $Path -NoTypeInformation -UseQuotes AsNeeded
}
