<#
    Policies driven by ordinary PowerShell habits in real pwsh: a -Scope Process policy binds ForEach-Object -Parallel,
    Start-ThreadJob and a new runspace; a policy binds its key from NORDPAY_API_KEY and under another profile name in a
    scheduled job, whose log line names it or says there is none, however the batch ends; Set-NordPayPolicy without
    -MaxPerDay warns; and the repeat guard refuses the same file under a new name.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    Import-Module $ModuleManifest -Force
    $key = ConvertTo-SecureKey $sandbox.ApiKey
    Set-NordPayApiKey -ApiKey $key -BaseUri $sandbox.BaseUri

    function Get-PostCount { @(Invoke-SandboxAdmin $sandbox 'requests' | Where-Object Method -EQ 'POST').Count }

    # What another runspace of this process does: sets the key there, pays 62.1, and returns the ErrorIds of what was refused.
    $payInAnotherRunspace = {
        param($Manifest, $Key, $BaseUri, $Address)
        Import-Module $Manifest
        Set-NordPayApiKey -ApiKey $Key -BaseUri $BaseUri
        $null = New-NordPayWithdrawRequest USDTBEP20 $Address '62.1' -ErrorVariable refused -ErrorAction SilentlyContinue | Confirm-NordPayWithdraw -Force
        $refused | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }
    }
}

AfterAll {
    Stop-NordPaySandbox $sandbox
    Remove-TestFolder
}

Describe 'A policy of this process' {
    BeforeEach {
        Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 100 -Confirm:$false
        $posts = Get-PostCount
    }
    AfterEach {
        Remove-NordPayPolicy -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'binds every runspace of ForEach-Object -Parallel' {
        $script = $payInAnotherRunspace.ToString()
        $refused = 1..2 | ForEach-Object -Parallel {
            & ([scriptblock]::Create($using:script)) $using:ModuleManifest $using:key $using:sandbox.BaseUri $using:EvmAddress
        }
        $refused | Should -Be @('PolicyPayoutLimitExceeded', 'PolicyPayoutLimitExceeded')
        Get-PostCount | Should -Be $posts
    }

    It 'binds a thread job' {
        $refused = Start-ThreadJob -ScriptBlock $payInAnotherRunspace -ArgumentList $ModuleManifest, $key, $sandbox.BaseUri, $EvmAddress | Receive-Job -Wait -AutoRemoveJob
        $refused | Should -Be 'PolicyPayoutLimitExceeded'
        Get-PostCount | Should -Be $posts
    }

    It 'binds a new runspace' {
        $shell = [powershell]::Create()
        try {
            $refused = $shell.AddScript($payInAnotherRunspace).AddArgument($ModuleManifest).AddArgument($key).AddArgument($sandbox.BaseUri).AddArgument($EvmAddress).Invoke()
        }
        finally {
            $shell.Dispose()
        }
        $refused | Should -Be 'PolicyPayoutLimitExceeded'
        Get-PostCount | Should -Be $posts
    }

    It 'warns, set without -MaxPerDay, that a loop of pipelines is bounded only by a day limit' {
        Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -Confirm:$false -WarningVariable warned -WarningAction SilentlyContinue
        $warned | Should -HaveCount 1
        "$warned" | Should -BeLike '*is bounded only by a day limit*'
    }
}

Describe 'A policy bound to its key' {
    It 'binds a scheduled job that finds the key in NORDPAY_API_KEY, and the job''s log line names it' {
        $folder = New-TestFolder
        $environment = (Get-SandboxEnvironment $sandbox) + @{}
        $environment.NORDPAY_API_KEY = $null
        # The policy is set for profile "treasury", whose key is the sandbox's in that session.
        $set = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', (
            'Import-Module NordPay; Set-NordPayApiKey -Profile treasury -ApiKey (ConvertTo-SecureString $env:KEY -AsPlainText -Force) -BaseUri $env:NORDPAY_BASE_URI; ' +
            'Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 100 -MaxPerDay 100 -Profile treasury -Scope CurrentUser -Confirm:$false') `
            -WorkingDirectory $folder -Environment ($environment + @{ KEY = $sandbox.ApiKey })
        $set.ExitCode | Should -Be 0 -Because $set.Errors

        Write-Csv ([IO.Path]::Combine($folder, 'payouts-2026-11-24.csv')) @([pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '70' })
        $posts = Get-PostCount
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', ([IO.Path]::Combine($RepoRoot, 'examples', 'scheduled', 'Invoke-ScheduledPayout.ps1')),
            '-Folder', $folder, '-Date', '2026-11-24' -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox)
        $run.ExitCode | Should -Not -Be 0 -Because "$($run.Output) $($run.Errors)"
        Join-Wrapped $run.Output | Should -BeLike '*1 rows: 0 paid, 0 already paid, 1 failed, 0 in doubt; policy treasury (CurrentUser, *'
        Get-PostCount | Should -Be $posts
    }

    It 'binds a scheduled job run with -ProfileName under another name for the key, whose log line names it also when the batch stops' {
        $folder = New-TestFolder
        # The policy is persisted for the default profile; the same key is persisted under "treasury" too.
        $set = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', (
            'Import-Module NordPay; $key = ConvertTo-SecureString $env:KEY -AsPlainText -Force; ' +
            'Set-NordPayApiKey -ApiKey $key -BaseUri $env:BASE -Scope CurrentUser -AllowPlainTextFile -Confirm:$false -WarningAction SilentlyContinue; ' +
            'Set-NordPayApiKey -Profile treasury -ApiKey $key -BaseUri $env:BASE -Scope CurrentUser -AllowPlainTextFile -Confirm:$false -WarningAction SilentlyContinue; ' +
            'Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 20 -MaxPerDay 100 -Scope CurrentUser -Confirm:$false') `
            -WorkingDirectory $folder -Environment @{ KEY = $sandbox.ApiKey; BASE = $sandbox.BaseUri; PSModulePath = (Get-SandboxEnvironment $sandbox).PSModulePath }
        $set.ExitCode | Should -Be 0 -Because $set.Errors
        $environment = (Get-SandboxEnvironment $sandbox) + @{}
        $environment.NORDPAY_API_KEY = $null
        $job = [IO.Path]::Combine($RepoRoot, 'examples', 'scheduled', 'Invoke-ScheduledPayout.ps1')
        $posts = Get-PostCount

        # The issue's job: 70 against a limit of 10 under -ProfileName treasury.
        Write-Csv ([IO.Path]::Combine($folder, 'payouts-2026-11-24.csv')) @([pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '70' })
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $job, '-Folder', $folder, '-Date', '2026-11-24', '-ProfileName', 'treasury' `
            -WorkingDirectory $folder -Environment $environment
        $run.ExitCode | Should -Be 3 -Because "$($run.Output) $($run.Errors)"
        Join-Wrapped $run.Output | Should -BeLike '*1 rows: 0 paid, 0 already paid, 1 failed, 0 in doubt; policy default (CurrentUser, *'

        # Three rows of 9 pass a run's 20: the batch stops before anything is paid, with no summary.
        Write-Csv ([IO.Path]::Combine($folder, 'payouts-2026-11-25.csv')) @(1..3 | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '9' } })
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $job, '-Folder', $folder, '-Date', '2026-11-25', '-ProfileName', 'treasury' `
            -WorkingDirectory $folder -Environment $environment
        $run.ExitCode | Should -Be 3 -Because "$($run.Output) $($run.Errors)"
        Join-Wrapped $run.Output | Should -BeLike '*payouts-2026-11-25.csv: stopped (PreflightFailed); policy default (CurrentUser, *'
        Get-PostCount | Should -Be $posts
    }

    It 'says in the scheduled job''s log line that no policy applied when the batch stops' {
        $folder = New-TestFolder
        # One reference for two different payouts: the batch stops before anything is paid.
        Write-Csv ([IO.Path]::Combine($folder, 'payouts-2026-11-24.csv')) @('1', '2' | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = $_; Reference = 'r1' } })
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', ([IO.Path]::Combine($RepoRoot, 'examples', 'scheduled', 'Invoke-ScheduledPayout.ps1')),
            '-Folder', $folder, '-Date', '2026-11-24' -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox)
        $run.ExitCode | Should -Be 3 -Because "$($run.Output) $($run.Errors)"
        Join-Wrapped $run.Output | Should -BeLike '*payouts-2026-11-24.csv: stopped (PreflightFailed); no policy; nothing could be paid (exit 3)*'
    }
}

Describe 'The repeat guard' {
    AfterEach {
        Remove-NordPayPolicy -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'refuses yesterday''s file saved under a new name, row by row, lists the repeats under -WhatIf, and -Force does not override it' {
        Set-NordPayPolicy USDTBEP20 -MaxPerPayout 10 -MaxPerRun 100 -MaxPerDay 1000 -Confirm:$false
        Set-NordPayPolicy -RepeatWindow 24 -Confirm:$false
        $folder = New-TestFolder
        $rows = @([pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '7.5'; Reference = 'r1' })
        $first = $rows | Invoke-NordPayPayout -JournalPath ([IO.Path]::Combine($folder, 'monday.journal')) -Force | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }
        $first.Paid | Should -Be 1
        $posts = Get-PostCount

        $null = $rows | Invoke-NordPayPayout -JournalPath ([IO.Path]::Combine($folder, 'monday-copy.journal')) -WhatIf -ErrorVariable listed -ErrorAction SilentlyContinue
        Get-ErrorId $listed | Should -Be 'PolicyRepeatPayout'
        $again = $rows | Invoke-NordPayPayout -JournalPath ([IO.Path]::Combine($folder, 'monday-copy.journal')) -Force -ErrorVariable refused -ErrorAction SilentlyContinue |
            Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }
        Get-ErrorId $refused | Should -Be 'PolicyRepeatPayout'
        "$($refused[0])" | Should -BeLike '*repeats withdrawal * made at * UTC*'
        $again.Paid | Should -Be 0
        Get-PostCount | Should -Be $posts
    }
}
