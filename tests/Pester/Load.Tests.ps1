<#
    Invoke-NordPayPayout at the size of a payroll day, in real pwsh processes against the sandbox with no fault: 5,000
    rows at every -ThrottleLimit, fed by Import-Csv and by an array, with script blocks downstream (they change session
    state on the pipeline thread while the workers pay) and a report, each run complete; the example scheduled job on
    3,000 rows twice in a row; a run of 3,000 rows killed mid-way and run again to the end. Before the workers stopped
    reading session state, each of these died or hung.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))

    # Distinct payouts to lowercase EVM addresses (no checksum to compute), one balance that covers them all.
    function New-LoadRows([int] $Count) {
        @(1..$Count | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x{0:x40}' -f (1000000 + $_); Amount = '1.{0:D6}' -f $_ } })
    }

    function Start-LoadSandbox { Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration -ArgumentList '--balance', 'USDTBEP20=100000000' }

    # The run: the rows piped as the case says, a Where-Object and a ForEach-Object downstream, the summary and the
    # count of errors and Paid results written last as JSON.
    $loadScript = @'
param([string] $Csv, [string] $Feed, [int] $Throttle)
$ErrorActionPreference = 'Continue'
$paid = 0
$summary = $null
$source = if ($Feed -eq 'Import-Csv') { { Import-Csv -LiteralPath $Csv } } else { $rows = @(Import-Csv -LiteralPath $Csv); { $rows } }
& $source |
    Invoke-NordPayPayout -JournalPath payouts.journal -ReportPath payouts.report.csv -ThrottleLimit $Throttle -Force -ErrorVariable +failures 3>$null |
    Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] -or $_.State -eq 'Paid' } |
    ForEach-Object { if ($_ -is [NordPay.Models.NordPayPayoutSummary]) { $summary = $_ } else { $paid++ } }
[pscustomobject]@{ Rows = $summary.Rows; Paid = $summary.Paid; Complete = $summary.Complete; Results = $paid; Errors = @($failures).Count; First = "$(@($failures)[0])" } | ConvertTo-Json -Compress
'@

    function Invoke-Load([string] $Folder, [string] $Feed, [int] $Throttle) {
        $script = [IO.Path]::Combine($Folder, 'load.ps1')
        [IO.File]::WriteAllText($script, $loadScript)
        Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $script, ([IO.Path]::Combine($Folder, 'payouts.csv')), $Feed, $Throttle `
            -WorkingDirectory $Folder -Environment (Get-SandboxEnvironment $script:sandbox) -TimeoutSec 300
    }

    $scheduledJob = [IO.Path]::Combine($RepoRoot, 'examples', 'scheduled', 'Invoke-ScheduledPayout.ps1')
    $day = '2026-11-24'

    function Invoke-ScheduledJob([string] $Folder, [int] $Throttle) {
        Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $scheduledJob, '-Folder', $Folder, '-Date', $day, '-ThrottleLimit', $Throttle `
            -WorkingDirectory $Folder -Environment (Get-SandboxEnvironment $script:sandbox) -TimeoutSec 300
    }

    # Each row of the file in the ledger exactly once, and nothing else.
    function Assert-PaidOnce([object[]] $Rows) {
        $ledger = Format-Payout (Get-SandboxLedger $script:sandbox)
        $ledger.Count | Should -Be $Rows.Count -Because 'each row is paid once and nothing else is paid'
        $ledger | Should -Be (Format-Payout $Rows)
    }
}

AfterAll {
    Remove-TestFolder
}

Describe 'Batches the size of a payroll day, each against a sandbox of its own' {
    BeforeEach {
        $script:sandbox = Start-LoadSandbox
    }

    AfterEach {
        Stop-NordPaySandbox $script:sandbox
    }

    Context 'Invoke-NordPayPayout pays 5,000 rows at every -ThrottleLimit with script blocks downstream' {
        BeforeAll {
            $script:rows = New-LoadRows 5000
        }

        It 'pays every row once, fed by <Feed> at -ThrottleLimit <Throttle>, with a report line Paid for each' -TestCases @(
            foreach ($feed in 'Import-Csv', 'an array') { foreach ($throttle in 1, 4, 8, 16) { @{ Feed = $feed; Throttle = $throttle } } }
        ) {
            $folder = New-TestFolder
            Write-Csv ([IO.Path]::Combine($folder, 'payouts.csv')) $rows
            $run = Invoke-Load $folder $Feed $Throttle
            $run.Errors | Should -BeNullOrEmpty
            $run.ExitCode | Should -Be 0
            $outcome = $run.Output | ConvertFrom-Json
            $outcome.First | Should -BeNullOrEmpty
            ($outcome.Rows, $outcome.Paid, $outcome.Complete, $outcome.Results, $outcome.Errors) | Should -Be @(5000, 5000, $true, 5000, 0)
            Assert-PaidOnce $rows
            $report = @(Import-Csv ([IO.Path]::Combine($folder, 'payouts.report.csv')))
            $report.Count | Should -Be 5000
            @($report | Where-Object Outcome -NE 'Paid').Count | Should -Be 0
            ($report | ForEach-Object Amount) | Should -Be ($rows | ForEach-Object Amount) -Because 'the report keeps the input order'
        }
    }

    Context 'The example scheduled job on 3,000 rows' {
        BeforeAll {
            $script:rows = New-LoadRows 3000
        }

        It 'exits with 0 having paid the day, then with 0 again finding every row already paid' {
            $folder = New-TestFolder
            Write-Csv ([IO.Path]::Combine($folder, "payouts-$day.csv")) $rows
            $first = Invoke-ScheduledJob $folder 4
            $first.Errors | Should -BeNullOrEmpty
            $first.ExitCode | Should -Be 0
            $first.Output | Should -BeLike "*3000 rows: 3000 paid, 0 already paid, 0 failed, 0 in doubt*(exit 0)*"
            $again = Invoke-ScheduledJob $folder 4
            $again.ExitCode | Should -Be 0
            $again.Output | Should -BeLike "*3000 rows: 0 paid, 3000 already paid, 0 failed, 0 in doubt*(exit 0)*"
            Assert-PaidOnce $rows
        }

        It 'is killed mid-way, and its re-runs pay every row once: rows in doubt are settled and the day completes' {
            $folder = New-TestFolder
            Write-Csv ([IO.Path]::Combine($folder, "payouts-$day.csv")) $rows
            $child = Start-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $scheduledJob, '-Folder', $folder, '-Date', $day, '-ThrottleLimit', 8 `
                -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox)
            $deadline = [DateTime]::UtcNow.AddSeconds(120)
            while (@(Get-SandboxLedger $sandbox).Count -lt 1000 -and -not $child.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
                Start-Sleep -Milliseconds 100
            }
            $child.Process.HasExited | Should -BeFalse -Because 'the run is killed mid-way'
            $child.Process.Kill($true)
            $child.Process.WaitForExit()

            # The re-run ends (no hang) and pays what the killed run did not reach; rows whose confirm the kill left
            # unanswered are found in the withdraw history or left in doubt, never sent again.
            $again = Invoke-ScheduledJob $folder 8
            $again.ExitCode | Should -BeIn 0, 2
            $ledger = Format-Payout (Get-SandboxLedger $sandbox)
            $ledger | Should -Be @($ledger | Sort-Object -Unique) -Because 'no row is paid twice'
            $journalRead = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', "Get-NordPayJournal -Path payouts-$day.journal -State InDoubt, ConfirmSent | ForEach-Object Amount" `
                -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox)
            $inDoubt = @($journalRead.Output -split "`r?`n" | Where-Object { $_ })
            $ledger.Count + $inDoubt.Count | Should -Be $rows.Count -Because 'every row is paid or in doubt'

            # The operator finds the rows in doubt absent from the withdraw history and settles them as not paid.
            if ($inDoubt.Count -gt 0) {
                $settle = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command',
                    "Import-Csv payouts-$day.csv | Invoke-NordPayPayout -JournalPath payouts-$day.journal -SettleInDoubt NotPaid -ThrottleLimit 8 -Force | Out-Null" `
                    -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox) -TimeoutSec 300
                $settle.ExitCode | Should -Be 0
            }
            (Invoke-ScheduledJob $folder 8).ExitCode | Should -Be 0 -Because 'the day is complete'
            Assert-PaidOnce $rows
        }
    }
}
