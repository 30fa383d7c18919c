<#
    Payout policies as a user and a scheduled job meet them in real pwsh: an address book resolved from the current
    location and built with Export-Csv, refusals that send nothing (the sandbox's request log), limits read exactly in
    any culture, and a policy persisted once that binds jobs run later in other processes, whose day several runs add
    up to, and which a job cannot change without -Confirm:$false.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    Import-Module $ModuleManifest -Force
    Set-NordPayApiKey -ApiKey (ConvertTo-SecureKey $sandbox.ApiKey) -BaseUri $sandbox.BaseUri

    function Get-PostCount { @(Invoke-SandboxAdmin $sandbox 'requests' | Where-Object Method -EQ 'POST').Count }

    # A scheduled job: pays a file with a journal of its own, and writes the ErrorIds of what it refused, or of what stopped it.
    $jobScript = @'
param([string] $File)
function Write-Refused { $refused | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { 'REFUSED ' + $_.FullyQualifiedErrorId.Split(',')[0] } }
try {
    $summary = Import-Csv $File | Invoke-NordPayPayout -JournalPath "$File.journal" -Force -ErrorVariable refused -ErrorAction SilentlyContinue |
        Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }
    Write-Refused
    'POLICY ' + $summary.Policy
    if (-not $summary.Complete) { exit 1 }
}
catch {
    $stopped = $_
    Write-Refused
    'STOPPED ' + $stopped.FullyQualifiedErrorId.Split(',')[0]
    exit 2
}
'@
}

AfterAll {
    Stop-NordPaySandbox $sandbox
    Remove-TestFolder
}

Describe 'A policy in this session' {
    AfterEach {
        Remove-NordPayPolicy -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'takes its address book from a path relative to the current location and refuses every other address, sending nothing for it' {
        $folder = New-TestFolder
        Push-Location $folder
        try {
            Import-Csv $ExampleCsv | Select-Object -First 2 | Select-Object Currency, Address, @{ Name = 'Label'; Expression = { 'reviewed' } } | Export-Csv addresses.csv
            Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout 100 -MaxPerRun 200 -Confirm:$false
            Set-NordPayPolicy -Currency USDTTRC20 -MaxPerPayout 100 -MaxPerRun 200 -Confirm:$false
            Set-NordPayPolicy -AddressBook ./addresses.csv -Confirm:$false
        }
        finally {
            Pop-Location
        }
        (Get-NordPayPolicy).AddressBookPath | Should -Be ([IO.Path]::Combine($folder, 'addresses.csv'))
        @((Get-NordPayPolicy).AddressBook | ForEach-Object Address) | Should -Be @($TronAddress, $EvmAddress)

        $csv = [IO.Path]::Combine($folder, 'payouts.csv')
        $notInBook = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
        Write-Csv $csv @(
            [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '5' }
            [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $notInBook; Amount = '5' }
            [pscustomobject]@{ Currency = 'USDTTRC20'; Address = $EvmAddress; Amount = '30' }
            [pscustomobject]@{ Currency = 'USDTTRC20'; Address = $TronAddress; Amount = '30' }
            [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress.ToLowerInvariant(); Amount = '6' }
        )
        $confirmed = @(Import-Csv $csv | New-NordPayWithdrawRequest -ErrorVariable refused -ErrorAction SilentlyContinue -WarningAction SilentlyContinue | Confirm-NordPayWithdraw -Force)

        Get-ErrorId $refused | Should -Be @('PolicyAddressNotInBook', 'AddressWrongNetwork')
        $refused[0].ErrorDetails.Message | Should -BeLike 'Row 2 *, Address: *is not in the address book of policy default (Process, *) for USDTBEP20*'
        $refused[0].TargetObject.Address | Should -BeExactly $notInBook
        @($confirmed | ForEach-Object Address) | Should -Be @($EvmAddress, $TronAddress, $EvmAddress.ToLowerInvariant()) -Because 'an EVM address in the book matches in any letter case'
        $requested = @(Get-SandboxRequestBody $sandbox 'balance/withdraw/request' | ConvertFrom-Json | ForEach-Object address)
        $requested -contains $notInBook | Should -BeFalse -Because 'nothing is sent for a refused row'
    }

    It 'reads limits exactly in any culture, and refuses an amount PowerShell read as a list or as a floating-point number' {
        $culture = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = 'de-DE'
            Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout '1.5' -MaxPerRun 2.5 -Confirm:$false -ErrorVariable floating -ErrorAction SilentlyContinue
            Get-ErrorId $floating | Should -Be 'AmountIsFloatingPoint'
            $floating[0].ErrorDetails.Message | Should -BeLike 'Row 1 (USDTBEP20), MaxPerRun: *'
            Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout '1.5' -MaxPerRun 2.5d -MaxPerDay '1000.000000000000000001' -Confirm:$false
            $limit = (Get-NordPayPolicy).Limits[0]
            $limit.MaxPerPayout | Should -Be (ConvertTo-ExactDecimal '1.5')
            $limit.MaxPerRun | Should -Be (ConvertTo-ExactDecimal '2.5')
            $limit.MaxPerDay.ToString([cultureinfo]::InvariantCulture) | Should -Be '1000.000000000000000001'
            Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout 1,5 -MaxPerRun 3 -Confirm:$false -ErrorVariable failed -ErrorAction SilentlyContinue
            Get-ErrorId $failed | Should -Be 'InvalidAmountFormat'
            $failed[0].ErrorDetails.Message | Should -BeLike 'Row 1 (USDTBEP20), MaxPerPayout: *'
            (Get-NordPayPolicy).Limits[0].MaxPerPayout | Should -Be (ConvertTo-ExactDecimal '1.5')
        }
        finally {
            [cultureinfo]::CurrentCulture = $culture
        }
    }

    It 'shows every refusal under -WhatIf and sends nothing, as -Force does not lift a limit' {
        Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout 50 -MaxPerRun 60 -Confirm:$false
        $posts = Get-PostCount
        Import-Csv $ExampleCsv | New-NordPayWithdrawRequest -WhatIf -ErrorVariable refused -ErrorAction SilentlyContinue
        Get-ErrorId $refused | Should -Be @('PolicyCurrencyNotAllowed', 'PolicyPayoutLimitExceeded', 'PolicyCurrencyNotAllowed', 'PolicyCurrencyNotAllowed', 'PolicyCurrencyNotAllowed')

        Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout 100 -MaxPerRun 100 -Confirm:$false
        $journal = [IO.Path]::Combine((New-TestFolder), 'bep20.journal')
        foreach ($whatIf in $true, $false) {
            $stopped = $null
            try {
                Import-Csv $ExampleCsv | Where-Object Currency -EQ USDTBEP20 | Invoke-NordPayPayout -JournalPath $journal -Force -WhatIf:$whatIf -ErrorVariable problems -ErrorAction SilentlyContinue
            }
            catch {
                $stopped = $_
            }
            $stopped.FullyQualifiedErrorId | Should -BeLike 'PreflightFailed,*'
            Get-ErrorId $problems | Should -Be 'PolicyRunLimitExceeded'
            $problems[0].ErrorDetails.Message | Should -BeLike 'The 2 rows to pay in USDTBEP20 total 101.123456789012345678, more than the 100 policy default (Process, *) allows per run.'
        }
        Get-PostCount | Should -Be $posts
    }
}

Describe 'A policy persisted for the user' {
    BeforeAll {
        $folder = New-TestFolder
        foreach ($name in 'monday.csv', 'monday-again.csv') {
            Write-Csv ([IO.Path]::Combine($folder, $name)) @(Import-Csv $ExampleCsv | Where-Object Currency -EQ USDTBEP20)
        }
        $job = [IO.Path]::Combine($folder, 'job.ps1')
        [IO.File]::WriteAllText($job, $jobScript)
        $environment = Get-SandboxEnvironment $sandbox
        function Invoke-Job([string] $File) {
            Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $job, $File -WorkingDirectory $folder -Environment $environment
        }
    }

    It 'is set once at a prompt, kept owner-only, and not changed by a job that cannot prompt' {
        $set = Invoke-Pwsh -ArgumentList '-NoProfile', '-Command', 'Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout 100 -MaxPerRun 110 -MaxPerDay 150 -Scope CurrentUser' `
            -WorkingDirectory $folder -Environment $environment -InputLine 'Y'
        $set.ExitCode | Should -Be 0 -Because $set.Errors
        $file = Get-Item ([IO.Path]::Combine($folder, '.nordpay-config', 'policies.json'))
        if (-not $IsWindows) { $file.UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite') }

        $loosen = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', 'Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout 1000 -MaxPerRun 1000 -Scope CurrentUser' `
            -WorkingDirectory $folder -Environment $environment
        $loosen.ExitCode | Should -Not -Be 0
        Join-Wrapped $loosen.Errors | Should -BeLike '*needs an answer at a prompt*'
        (Get-Content -Raw $file.FullName | ConvertFrom-Json).policies.default.limits[0].maxPerPayout | Should -Be '100'
    }

    It 'binds a scheduled job, and a second run the same day cannot add up past the day limit' {
        $posts = Get-PostCount
        $first = Invoke-Job ([IO.Path]::Combine($folder, 'monday.csv'))
        $first.ExitCode | Should -Be 0 -Because "$($first.Output)$($first.Errors)"
        $first.Output | Should -Match 'POLICY default \(CurrentUser, [0-9a-f]{12}\)'
        (Get-PostCount) - $posts | Should -Be 4 -Because 'two rows, each a request and a confirm'

        # Monday's file again under another name, with a journal of its own: 101.12 paid today, 101.12 more is past 150.
        $again = Invoke-Job ([IO.Path]::Combine($folder, 'monday-again.csv'))
        $again.ExitCode | Should -Be 2 -Because "$($again.Output)$($again.Errors)"
        $again.Output | Should -Match 'REFUSED PolicyDayLimitExceeded'
        $again.Output | Should -Match 'STOPPED PreflightFailed'
        (Get-PostCount) - $posts | Should -Be 4 -Because 'the second run sent nothing'
    }
}
