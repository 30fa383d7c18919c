<#
    Invoke-NordPayPayout and unattended jobs in real pwsh processes: a batch killed mid-way and run again pays each
    row once; a scheduled job's exit code says whether its batch is complete; a confirm that would prompt fails
    closed under pwsh -NonInteractive.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))

    # The README's scheduled job (Batches that survive any crash): the summary's Complete decides the exit code.
    $jobScript = @'
param([string] $File)
$summary = Import-Csv $File | Invoke-NordPayPayout -JournalPath "$File.journal" -Force | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }
if (-not $summary.Complete) { exit 1 }
'@

    # A folder with the job script and a CSV of the given rows; returns the paths.
    function New-JobFolder([object[]] $Rows, [string] $Script = $jobScript) {
        $folder = New-TestFolder
        $csv = [IO.Path]::Combine($folder, 'payouts.csv')
        Write-Csv $csv $Rows
        $job = [IO.Path]::Combine($folder, 'job.ps1')
        [IO.File]::WriteAllText($job, $Script)
        [pscustomobject]@{ Folder = $folder; Csv = $csv; Job = $job }
    }

    function Invoke-Job($Paths) {
        Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $Paths.Job, $Paths.Csv -WorkingDirectory $Paths.Folder -Environment (Get-SandboxEnvironment $script:sandbox)
    }

    $rows = @(1..8 | ForEach-Object { [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x{0:x40}' -f $_; Amount = "1.00000000000000000$_" } })
}

AfterAll {
    Remove-TestFolder
}

Describe 'Invoke-NordPayPayout from Import-Csv' {
    BeforeEach {
        $script:sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    }

    AfterEach {
        Stop-NordPaySandbox $script:sandbox
    }

    It 'pays each row once when the pwsh running it is killed mid-batch, run again, and the row in doubt settled' {
        $paths = New-JobFolder $rows
        # The third confirm hangs until its caller dies, so the process is killed mid-batch with a confirm in flight.
        Add-SandboxFault $sandbox 'path=withdraw/confirm,latency-ms=60000,every=3,times=1'
        $child = Start-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $paths.Job, $paths.Csv -WorkingDirectory $paths.Folder -Environment (Get-SandboxEnvironment $sandbox)
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (@(Get-SandboxRequestBody $sandbox 'balance/withdraw/confirm').Count -lt 3 -and -not $child.Process.HasExited -and [DateTime]::UtcNow -lt $deadline) {
            Start-Sleep -Milliseconds 50
        }
        $child.Process.Kill($true)
        $child.Process.WaitForExit()
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $rows[0, 1]) -Because 'two rows were paid before the kill'

        # Run again: the rows whose confirms were announced (one forced journal write covers a window of rows) and
        # not answered are in doubt, the third's sent, the others' not sent before the kill: none is paid twice.
        $again = Invoke-Job $paths
        $again.ExitCode | Should -Be 1 -Because 'rows in doubt leave the batch incomplete'
        Join-Wrapped $again.Errors | Should -BeLike "*Row 3 ($($rows[2].Amount) USDTBEP20 to*was paid is unknown*It is not paid*-SettleInDoubt Paid or NotPaid*"
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $rows[0, 1])

        # The operator checked the withdraw history (the ledger has no such payouts) and settles them as not paid.
        $settle = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command',
            "Import-Csv payouts.csv | Invoke-NordPayPayout -JournalPath payouts.csv.journal -SettleInDoubt NotPaid -Force | Out-Null" `
            -WorkingDirectory $paths.Folder -Environment (Get-SandboxEnvironment $sandbox)
        $settle.Errors | Should -BeNullOrEmpty
        $settle.ExitCode | Should -Be 0
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $rows) -Because 'each row is paid exactly once, amounts digit for digit'
        (Invoke-Job $paths).ExitCode | Should -Be 0 -Because 'the batch is now complete'
        @(Get-SandboxLedger $sandbox).Count | Should -Be $rows.Count
    }
}

Describe 'A scheduled job: pwsh -NonInteractive -File job.ps1 with NORDPAY_API_KEY' {
    BeforeEach {
        $script:sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    }

    AfterEach {
        Stop-NordPaySandbox $script:sandbox
    }

    It 'exits with 0 when its batch is complete' {
        $run = Invoke-Job (New-JobFolder $rows)
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        @(Get-SandboxLedger $sandbox).Count | Should -Be $rows.Count
    }

    It 'exits with 1 when its batch is incomplete, having paid the good rows' {
        $bad = [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0xnot-an-address'; Amount = '1' }
        $run = Invoke-Job (New-JobFolder (@($rows[0], $bad, $rows[1])))
        $run.ExitCode | Should -Be 1
        $run.Errors | Should -BeLike '*Row 2*Address*' -Because 'the bad row is reported by its number and field'
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $rows[0], $rows[1])
    }

    It 'fails closed with ConfirmationNeedsInteractiveHost when a confirm without -Force would prompt' {
        # A job that logs the id of the error that stopped it.
        $paths = New-JobFolder $rows @'
param([string] $File)
$ErrorActionPreference = 'Stop'
trap { [Console]::Error.WriteLine("$($_.FullyQualifiedErrorId): $_ $($_.ErrorDetails.RecommendedAction)"); exit 1 }
Import-Csv $File | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw
'@
        $run = Invoke-Job $paths
        $run.ExitCode | Should -Be 1
        $run.Errors | Should -BeLike 'ConfirmationNeedsInteractiveHost,NordPay.Commands.ConfirmNordPayWithdrawCommand: *nothing was sent*-Force*'
        Get-SandboxRequestBody $sandbox 'balance/withdraw/confirm' | Should -BeNullOrEmpty
        Get-SandboxLedger $sandbox | Should -BeNullOrEmpty
    }
}
