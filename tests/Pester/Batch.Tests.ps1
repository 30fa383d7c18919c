<#
    Invoke-NordPayPayout and unattended jobs in real pwsh processes: a batch killed mid-way and run again pays each
    row once; a scheduled job's exit code says whether its batch is complete; a confirm that would prompt fails
    closed under pwsh -NonInteractive; the example scheduled job (examples/scheduled) exits with each of its codes.
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

    # The example scheduled job, run as a scheduler runs it, on the dated file of a folder of its own.
    $scheduledJob = [IO.Path]::Combine($RepoRoot, 'examples', 'scheduled', 'Invoke-ScheduledPayout.ps1')
    $day = '2026-11-24'

    function New-PayoutFolder([object[]] $Rows) {
        $folder = New-TestFolder
        if ($Rows) { Write-Csv ([IO.Path]::Combine($folder, "payouts-$day.csv")) $Rows }
        $folder
    }

    function Invoke-ScheduledJob([string] $Folder, [hashtable] $Environment = (Get-SandboxEnvironment $script:sandbox)) {
        Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $scheduledJob, '-Folder', $Folder, '-Date', $day -WorkingDirectory $Folder -Environment $Environment
    }

    function Get-DayFile([string] $Folder, [string] $Suffix) { [IO.Path]::Combine($Folder, "payouts-$day$Suffix") }

    # What a command shows of the day's journal in a pwsh of its own: one line per object, as the script block formats it.
    function Invoke-JournalCommand([string] $Folder, [string] $Command, [string] $Format) {
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', "$Command payouts-$day.journal | ForEach-Object { $Format }" `
            -WorkingDirectory $Folder -Environment (Get-SandboxEnvironment $script:sandbox)
        $run.Errors | Should -BeNullOrEmpty
        @($run.Output -split "`\r?`\n" | Where-Object { $_ })
    }
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

        # Run again: the rows whose confirms were announced with the third's (one forced journal write covers a window
        # of rows) and not answered are in doubt and not sent again; rows the killed run had not yet taken into a
        # window (how many depends on how fast Import-Csv fed it) are paid now. None is paid twice.
        $again = Invoke-Job $paths
        $again.ExitCode | Should -Be 1 -Because 'rows in doubt leave the batch incomplete'
        Join-Wrapped $again.Errors | Should -BeLike "*Row 3 ($($rows[2].Amount) USDTBEP20 to*was paid is unknown*It is not paid*-SettleInDoubt Paid or NotPaid*"
        $paid = Format-Payout (Get-SandboxLedger $sandbox)
        $paid | Should -Not -Contain (Format-Payout $rows[2]) -Because 'the third confirm was cut off unanswered and a row in doubt is never sent again'
        $paid | Should -Be @($paid | Sort-Object -Unique) -Because 'no row is paid twice'
        Format-Payout $rows[0, 1] | ForEach-Object { $paid | Should -Contain $_ }

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

Describe 'Invoke-NordPayPayout -ReportPath in a real pwsh' {
    BeforeEach {
        $script:sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    }

    AfterEach {
        Stop-NordPaySandbox $script:sandbox
    }

    It 'writes the report where the current location says, not the process folder' {
        $paths = New-JobFolder $rows
        $null = [IO.Directory]::CreateDirectory([IO.Path]::Combine($paths.Folder, 'reports'))
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command',
            'Set-Location reports; (Import-Csv ../payouts.csv | Invoke-NordPayPayout -JournalPath batch.journal -ReportPath report.csv -Force | Select-Object -Last 1).ReportPath' `
            -WorkingDirectory $paths.Folder -Environment (Get-SandboxEnvironment $sandbox)
        $run.Errors | Should -BeNullOrEmpty
        $report = [IO.Path]::Combine($paths.Folder, 'reports', 'report.csv')
        @($run.Output -split '\r?\n' | Where-Object { $_ })[-1] | Should -Be $report
        @(Import-Csv $report | ForEach-Object Outcome) | Should -Be (@('Paid') * $rows.Count)
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

    It 'fails closed with ConfirmationNeedsInteractiveHost when a confirm without -Force would prompt (<Started>)' -ForEach @(
        @{ Started = 'pwsh -NonInteractive'; Flags = @('-NonInteractive') }
        @{ Started = 'pwsh with its input closed, as cron and systemd start it'; Flags = @() }
    ) {
        # A job that logs the id of the error that stopped it.
        $paths = New-JobFolder $rows @'
param([string] $File)
$ErrorActionPreference = 'Stop'
trap { [Console]::Error.WriteLine("$($_.FullyQualifiedErrorId): $_ $($_.ErrorDetails.RecommendedAction)"); exit 1 }
Import-Csv $File | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw
'@
        $run = Invoke-Pwsh -ArgumentList (@('-NoProfile') + $Flags + @('-File', $paths.Job, $paths.Csv)) -WorkingDirectory $paths.Folder -Environment (Get-SandboxEnvironment $script:sandbox)
        $run.ExitCode | Should -Be 1
        $run.Errors | Should -BeLike 'ConfirmationNeedsInteractiveHost,NordPay.Commands.ConfirmNordPayWithdrawCommand: *nothing was sent*-Force*'
        Get-SandboxRequestBody $sandbox 'balance/withdraw/confirm' | Should -BeNullOrEmpty
        Get-SandboxLedger $sandbox | Should -BeNullOrEmpty
    }
}

Describe 'The example scheduled job: pwsh -NonInteractive -File examples/scheduled/Invoke-ScheduledPayout.ps1' {
    BeforeEach {
        $script:sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    }

    AfterEach {
        Stop-NordPaySandbox $script:sandbox
    }

    It 'exits with 0 when the day''s file is paid, with its journal and its report beside it' {
        $folder = New-PayoutFolder $rows
        $run = Invoke-ScheduledJob $folder
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.Output | Should -BeLike "*payouts-$day.csv: 8 rows: 8 paid*report*(exit 0)*"
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $rows)
        @(Import-Csv (Get-DayFile $folder '.report.csv') | ForEach-Object Outcome) | Should -Be (@('Paid') * 8)
        Invoke-JournalCommand $folder Get-NordPayJournal '$_.State' | Should -Be (@('Paid') * 8)
        (Invoke-ScheduledJob $folder).ExitCode | Should -Be 0 -Because 'a re-run finds every row already paid'
        @(Get-SandboxLedger $sandbox).Count | Should -Be 8
    }

    It 'exits with 1 when rows failed, with a report line for every input line, and again until the file is fixed' {
        $bad = [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0xnot-an-address'; Amount = '1' }
        $folder = New-PayoutFolder @($rows[0], $bad, $rows[1], $rows[2])
        $run = Invoke-ScheduledJob $folder
        $run.ExitCode | Should -Be 1
        $run.Output | Should -BeLike '*3 paid*1 failed*a re-run tries the failed rows again (exit 1)*'
        $run.Errors | Should -BeLike '*Row 2*Address*'
        $input, $report = (Get-DayFile $folder '.csv'), (Get-DayFile $folder '.report.csv')
        @(Get-Content $report).Count | Should -Be @(Get-Content $input).Count -Because 'the report has a line per input line'
        @(Import-Csv $report | ForEach-Object { "$($_.Address) $($_.Outcome) $($_.ErrorId)" }) | Should -Be @(
            "$($rows[0].Address) Paid ", '0xnot-an-address Failed InvalidAddress', "$($rows[1].Address) Paid ", "$($rows[2].Address) Paid ")
        (Invoke-ScheduledJob $folder).ExitCode | Should -Be 1
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $rows[0..2])
    }

    It 'exits with 2 when a row is in doubt, until a person settles it' {
        Add-SandboxFault $sandbox 'path=withdraw/confirm,status=502,every=2,times=1'
        $folder = New-PayoutFolder $rows[0..2]
        $run = Invoke-ScheduledJob $folder
        $run.ExitCode | Should -Be 2
        $run.Output | Should -BeLike '*1 in doubt or failed at NordPay (auto-*): check Compare-NordPayJournal, then settle with -SettleInDoubt (exit 2)*'
        (Import-Csv (Get-DayFile $folder '.report.csv'))[1].Outcome | Should -Be 'InDoubt'
        (Invoke-ScheduledJob $folder).ExitCode | Should -Be 2 -Because 'a row in doubt is never paid again automatically'

        # The history has no such payout: the operator settles it as not paid, and the next run completes.
        Invoke-JournalCommand $folder Compare-NordPayJournal '"$($_.Kind) $($_.Row) $($_.Candidates.Count)"' | Should -Be 'InDoubt 2 0'
        $settle = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command',
            "Import-Csv payouts-$day.csv | Invoke-NordPayPayout -JournalPath payouts-$day.journal -SettleInDoubt NotPaid -Force | Out-Null" `
            -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox)
        $settle.ExitCode | Should -Be 0
        (Invoke-ScheduledJob $folder).ExitCode | Should -Be 0
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $rows[0..2])
    }

    It 'exits with 3 when there is no key, and sends nothing' {
        $folder = New-PayoutFolder $rows
        $environment = Get-SandboxEnvironment $sandbox
        $environment.NORDPAY_API_KEY = $null
        $run = Invoke-ScheduledJob $folder $environment
        $run.ExitCode | Should -Be 3
        $run.Output | Should -BeLike '*no NordPay key*(exit 3)*'
        [IO.File]::Exists((Get-DayFile $folder '.journal')) | Should -BeFalse
        @(Invoke-SandboxAdmin $sandbox 'requests' | Where-Object Path -NotLike '/_sandbox/*') | Should -BeNullOrEmpty
    }

    It 'exits with 3 for a missing file, and for a file with no row that can be paid' {
        $run = Invoke-ScheduledJob (New-PayoutFolder @())
        $run.ExitCode | Should -Be 3
        $run.Output | Should -BeLike '*there is no file*(exit 3)*'

        # A file with its header only, or nothing at all (an export that failed), is no day paid.
        foreach ($content in 'Currency,Address,Amount', '') {
            $folder = New-PayoutFolder @()
            [IO.File]::WriteAllText((Get-DayFile $folder '.csv'), $content)
            $run = Invoke-ScheduledJob $folder
            $run.ExitCode | Should -Be 3 -Because "the file holds '$content'"
            $run.Output | Should -BeLike '*0 rows*the file has no row (exit 3)*'
        }

        # Exported with ';' by a spreadsheet: read with ',' no row has its columns.
        $folder = New-PayoutFolder @()
        $rows | Export-Csv -LiteralPath (Get-DayFile $folder '.csv') -Delimiter ';' -NoTypeInformation
        $run = Invoke-ScheduledJob $folder
        $run.ExitCode | Should -Be 3
        $run.Errors | Should -BeLike '*Row 8, Currency: The row has no Currency, Address, Amount column*'
        @(Import-Csv (Get-DayFile $folder '.report.csv') | ForEach-Object ErrorId | Sort-Object -Unique) | Should -Be 'PayoutFieldsMissing'
        Get-SandboxRequestBody $sandbox 'balance/withdraw/request' | Should -BeNullOrEmpty
    }

    It 'exits with 3 while another run holds the journal, which it reads without disturbing' {
        $folder = New-PayoutFolder $rows
        (Invoke-ScheduledJob $folder).ExitCode | Should -Be 0
        $report = [IO.File]::ReadAllText((Get-DayFile $folder '.report.csv'))
        Import-Module $ModuleManifest
        # Held as a run holds it: shared for reading on Windows; an exclusive lock (flock) elsewhere.
        $held = [IO.File]::Open((Get-DayFile $folder '.journal'), 'Open', 'ReadWrite', $(if ($IsWindows) { 'Read' } else { 'None' }))
        try {
            Invoke-JournalCommand $folder Get-NordPayJournal '$_.State' | Should -Be (@('Paid') * 8) -Because 'another process reads a journal a run holds'
            $run = Invoke-ScheduledJob $folder
        }
        finally {
            $held.Dispose()
        }
        $run.ExitCode | Should -Be 3
        $run.Output | Should -BeLike '*another run holds*(exit 3)*'
        $run.Errors | Should -BeLike '*is in use by another run*'
        [IO.File]::ReadAllText((Get-DayFile $folder '.report.csv')) | Should -Be $report -Because 'the report belongs to the run that holds the journal'
        (Invoke-ScheduledJob $folder).ExitCode | Should -Be 0 -Because 'once the other run is done, the job runs'
        @(Get-SandboxLedger $sandbox).Count | Should -Be 8
    }
}
