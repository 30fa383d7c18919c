<#
    Habits of operators and their jobs in real pwsh: files as Excel writes them (semicolons, decimal commas, empty
    rows, two columns for one field) read in the invariant culture of a scheduled job, paths with brackets, request
    objects copied before they are confirmed, and the scheduled job's log and signals.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $sandbox = Start-SessionSandbox $Configuration

    # Runs a script block in a culture, as a scheduled job (invariant) or a desktop (de-DE) would.
    function Invoke-InCulture([string] $Culture, [scriptblock] $Script) {
        $saved = [cultureinfo]::CurrentCulture
        try {
            [cultureinfo]::CurrentCulture = [cultureinfo]::GetCultureInfo($Culture)
            & $Script
        }
        finally {
            [cultureinfo]::CurrentCulture = $saved
        }
    }

    # A file as a German Excel saves it: ';' between fields, decimal commas, '.' grouping thousands.
    function New-ExcelFile([string[]] $Lines) {
        $path = [IO.Path]::Combine((New-TestFolder), 'payouts.csv')
        [IO.File]::WriteAllLines($path, [string[]] (@('Name;Currency;Address;Amount') + $Lines))
        $path
    }

    # The example scheduled job, as a scheduler runs it, on the dated file of a folder.
    $scheduledJob = [IO.Path]::Combine($RepoRoot, 'examples', 'scheduled', 'Invoke-ScheduledPayout.ps1')
    $day = '2026-11-24'
    function New-DayFolder([string[]] $Lines) {
        $folder = New-TestFolder
        [IO.File]::WriteAllLines([IO.Path]::Combine($folder, "payouts-$day.csv"), $Lines)
        $folder
    }
    function Invoke-ScheduledJob([string] $Folder, [hashtable] $Environment = (Get-SandboxEnvironment $sandbox)) {
        Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $scheduledJob, '-Folder', $Folder, '-Date', $day -WorkingDirectory $Folder -Environment $Environment
    }
}

AfterAll {
    Stop-NordPaySandbox $sandbox
    Remove-TestFolder
}

Describe 'A request object copied before its confirm' {
    AfterEach {
        Remove-NordPayPolicy -Confirm:$false -ErrorAction SilentlyContinue
    }

    It 'is refused under a policy as PolicyNeedsRequest, saying it is a copy and what to do, after Select-Object and an Import-Clixml round trip' {
        Set-NordPayPolicy -Currency USDTBEP20 -MaxPerPayout 100 -MaxPerRun 200 -Confirm:$false
        $request = New-NordPayWithdrawRequest -Currency USDTBEP20 -Address $EvmAddress -Amount '5'
        $xml = [IO.Path]::Combine((New-TestFolder), 'requests.xml')
        $request | Export-Clixml -LiteralPath $xml
        $copies = @(($request | Select-Object *), (Import-Clixml -LiteralPath $xml))
        $confirmed = @($copies | Confirm-NordPayWithdraw -Force -ErrorVariable refused -ErrorAction SilentlyContinue)

        $confirmed | Should -BeNullOrEmpty
        Get-ErrorId $refused | Should -Be @('PolicyNeedsRequest', 'PolicyNeedsRequest')
        foreach ($record in $refused) {
            $record.ErrorDetails.Message | Should -BeLike "Row *, Identifier: Withdraw request $($request.Identifier) was not confirmed: *a copy of the request object*only the objects read from NordPay's answer, unaltered, are confirmed."
            $record.ErrorDetails.Message | Should -Not -BeLike '*blank*'
            $record.ErrorDetails.RecommendedAction | Should -BeLike '*New-NordPayWithdrawRequest*'
        }
        $request | Confirm-NordPayWithdraw -Force | ForEach-Object Identifier | Should -Be $request.Identifier -Because 'the object itself is still confirmed'
    }
}

Describe 'A file from a German Excel: Import-Csv -Delimiter ";" with decimal commas' {
    It 'refuses 1.500 as ambiguous in every culture once any row writes a decimal comma, in the batch as on a de-DE desktop' {
        $file = New-ExcelFile @("Ann;USDTBEP20;$EvmAddress;1.500", "Ben;USDTBEP20;$EvmAddress;12,75", "Cem;USDTBEP20;$EvmAddress;2.250", "Dan;USDTBEP20;$EvmAddress;3.5")
        foreach ($culture in '', 'de-DE') {
            $journal = [IO.Path]::Combine((New-TestFolder), 'excel.journal')
            $results, $refused = Invoke-InCulture $culture {
                $out = Import-Csv -LiteralPath $file -Delimiter ';' | Invoke-NordPayPayout -JournalPath $journal -Force -ErrorVariable errors -ErrorAction SilentlyContinue
                , $out; , $errors
            }
            $ids = @($refused | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { "$($_.TargetObject.Name) $($_.FullyQualifiedErrorId.Split(',')[0])" } | Sort-Object)
            $ids | Should -Be @('Ann AmountAmbiguous', 'Ben InvalidAmountFormat', 'Cem AmountAmbiguous') -Because "in the culture '$culture' 1.500 may be fifteen hundred"
            $ambiguous = $refused | Where-Object { $_.TargetObject.Name -eq 'Ann' }
            if ($culture -eq '') {
                $ambiguous.ErrorDetails.Message | Should -BeLike "Row 1 *, Amount: '1.500' is read with '.' as the decimal point, but in this input, whose row 2 writes its decimals with a comma, '.' groups thousands and it reads as 1500; it is not used."
            }
            @($results | Where-Object { $_ -is [NordPay.Models.NordPayPayoutResult] } | ForEach-Object { $_.Amount.ToString([cultureinfo]::InvariantCulture) }) | Should -Be '3.5'
        }
        @(Get-SandboxLedger $sandbox | Where-Object { $_.Amount -in '1.5', '1.500', '2.25', '2.250' }) | Should -BeNullOrEmpty -Because 'nothing is paid 1.5 for fifteen hundred'
    }

    It 'refuses 1.500 in the two-step pipeline from the first decimal-comma row on' {
        $file = New-ExcelFile @("Ben;USDTBEP20;$EvmAddress;12,75", "Cem;USDTBEP20;$EvmAddress;2.250", "Dan;USDTBEP20;$EvmAddress;3.5")
        $requests, $refused = Invoke-InCulture '' {
            $out = Import-Csv -LiteralPath $file -Delimiter ';' | New-NordPayWithdrawRequest -ErrorVariable errors -ErrorAction SilentlyContinue
            , @($out); , $errors
        }
        Get-ErrorId $refused | Should -Be @('InvalidAmountFormat', 'AmountAmbiguous')
        $refused[1].ErrorDetails.Message | Should -BeLike "Row 2, Amount: '2.250' *whose row 1 writes its decimals with a comma*"
        @($requests | ForEach-Object { $_.Amount.ToString([cultureinfo]::InvariantCulture) }) | Should -Be '3.5'
    }
}

Describe 'Excel''s empty rows' {
    It 'skips a row whose every field is empty, with a verbose note, and keeps the row numbers of the others' {
        $file = New-ExcelFile @(';;;', "Ann;USDTBEP20;$EvmAddress;4", ';;;', 'Ben;USDTBEP20;0xnot-an-address;1', ';;;')
        $journal = [IO.Path]::Combine((New-TestFolder), 'empty.journal')
        $out = @(Import-Csv -LiteralPath $file -Delimiter ';' | Invoke-NordPayPayout -JournalPath $journal -Force -Verbose -ErrorVariable refused -ErrorAction SilentlyContinue 4>&1)
        Get-ErrorId $refused | Should -Be 'InvalidAddress'
        $refused[0].ErrorDetails.Message | Should -BeLike 'Row 2 *'
        $summary = $out | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }
        "$($summary.Rows) $($summary.Paid) $($summary.Failed)" | Should -Be '2 1 1'
        @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] -and $_.Message -like '*every field empty; it is skipped.' }).Count | Should -Be 3
        $null = Import-Csv -LiteralPath $file -Delimiter ';' | New-NordPayWithdrawRequest -ErrorVariable requestErrors -ErrorAction SilentlyContinue
        Get-ErrorId $requestErrors | Should -Be 'InvalidAddress'
    }

    It 'makes the scheduled job exit 0 for a paid file with empty rows, and 3 for a file of empty rows only' {
        $paid = Invoke-ScheduledJob (New-DayFolder @('Currency,Address,Amount', "USDTBEP20,$EvmAddress,6", ',,', ',,'))
        $paid.ExitCode | Should -Be 0 -Because "empty rows are no failed rows: $($paid.Output) $($paid.Errors)"
        $empty = Invoke-ScheduledJob (New-DayFolder @('Currency,Address,Amount', ',,', ',,'))
        $empty.ExitCode | Should -Be 3
        $empty.Output | Should -BeLike '*the file has no row (exit 3)*'
    }
}

Describe 'Two columns for one field' {
    It 'refuses a row whose Address and Wallet (or Amount and Value) differ, naming both, and takes one whose columns agree' {
        $rows = @(
            [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Wallet = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'; Amount = '1'; Value = '' }
            [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Wallet = $EvmAddress; Amount = '1'; Value = '100' }
            [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Wallet = $EvmAddress; Amount = '2'; Value = '2' }
        )
        $null = $rows | New-NordPayWithdrawRequest -WhatIf -ErrorVariable refused -ErrorAction SilentlyContinue
        Get-ErrorId $refused | Should -Be @('AmbiguousColumns', 'AmbiguousColumns')
        $refused[0].ErrorDetails.Message | Should -BeLike "Row 1, Address: *'Address' ($EvmAddress) and 'Wallet' (0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed)*"
        $refused[1].ErrorDetails.Message | Should -BeLike "Row 2, Amount: *'Amount' (1) and 'Value' (100)*"
        $journal = [IO.Path]::Combine((New-TestFolder), 'columns.journal')
        $paid = @($rows | Invoke-NordPayPayout -JournalPath $journal -Force -ErrorVariable batchRefused -ErrorAction SilentlyContinue | Where-Object { $_ -is [NordPay.Models.NordPayPayoutResult] })
        Get-ErrorId $batchRefused | Should -Be @('AmbiguousColumns', 'AmbiguousColumns')
        @($paid | ForEach-Object Row) | Should -Be 3
    }
}

Describe 'Journals whose names hold brackets' {
    It 'reads pay[1].journal with -LiteralPath (alias PSPath), from Get-ChildItem and from a run''s summary, in Get-NordPayJournal and Compare-NordPayJournal' {
        $folder = New-TestFolder
        $journal = [IO.Path]::Combine($folder, 'pay[1].journal')
        $summary = [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '7' } |
            Invoke-NordPayPayout -JournalPath $journal -Force | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }
        $summary.JournalPath | Should -Be $journal

        (Get-NordPayJournal -LiteralPath $journal).State | Should -Be 'Paid'
        (Get-NordPayJournal -PSPath $journal).State | Should -Be 'Paid'
        (Get-ChildItem -LiteralPath $folder -Filter *.journal | Get-NordPayJournal).State | Should -Be 'Paid'
        ($summary | Get-NordPayJournal).State | Should -Be 'Paid'
        # Withdrawals of the other tests are Unclaimed by this journal; its own row is no discrepancy.
        @(Compare-NordPayJournal -LiteralPath $journal -ErrorAction Stop | Where-Object Kind -NE Unclaimed) | Should -BeNullOrEmpty
        @(Get-ChildItem -LiteralPath $folder -Filter *.journal | Compare-NordPayJournal -ErrorAction Stop | Where-Object Kind -NE Unclaimed) | Should -BeNullOrEmpty
        (Get-NordPayJournal -Path ([IO.Path]::Combine($folder, '*.journal'))).State | Should -Be 'Paid' -Because '-Path still expands wildcards'
    }
}

Describe 'NordPay down mid-batch: the example scheduled job' {
    It 'stops after a few rows that cannot reach NordPay (NordPayUnreachable), leaves the rows never sent NotPaid, exits 1 having paid and 3 having paid nothing, and the next run carries on' {
        $down = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed'
        $lines = @('Currency,Address,Amount', "USDTBEP20,$EvmAddress,1.25") + @(2..7 | ForEach-Object { "USDTBEP20,$down,1.0$_" })
        $folder = New-DayFolder $lines
        $onlyDown = New-DayFolder @('Currency,Address,Amount', "USDTBEP20,$down,1.11", "USDTBEP20,$down,1.12", "USDTBEP20,$down,1.13", "USDTBEP20,$down,1.14")
        try {
            # Every call for the second wallet loses its connection: NordPay is down for those rows.
            Add-SandboxFault $sandbox "path=withdraw/request,drop=before,address=$down"
            $run = Invoke-ScheduledJob $folder
            $run.ExitCode | Should -Be 1 -Because "a row was paid before NordPay went down: $($run.Output) $($run.Errors)"
            $run.Output | Should -BeLike "*NordPayUnreachable*" -Because $run.Errors
            $run.Output | Should -BeLike '*NordPay could not be reached, the rows not sent are not paid: the next run carries on (exit 1)*'
            $run.Errors | Should -BeLike '*NordPay could not be reached for 3 rows in a row*'
            @(Import-Csv ([IO.Path]::Combine($folder, "payouts-$day.report.csv")) | ForEach-Object { "$($_.Outcome) $($_.ErrorId)" }) | Should -Be @(
                'Paid ', 'Failed ConnectionFailed', 'Failed ConnectionFailed', 'Failed ConnectionFailed', 'NotPaid NordPayUnreachable', 'NotPaid NordPayUnreachable', 'NotPaid NordPayUnreachable')

            $nothing = Invoke-ScheduledJob $onlyDown
            $nothing.ExitCode | Should -Be 3 -Because "nothing was paid: $($nothing.Output)"
        }
        finally {
            Clear-SandboxFault $sandbox
        }
        $again = Invoke-ScheduledJob $folder
        $again.ExitCode | Should -Be 0 -Because "NordPay is back: $($again.Output) $($again.Errors)"
        @(Get-SandboxLedger $sandbox | Where-Object Address -EQ $down | ForEach-Object Amount | Sort-Object) | Should -Be @(2..7 | ForEach-Object { "1.0$_" })
    }
}

Describe 'The example scheduled job''s log and signals' {
    It 'writes no colour codes when its output is a log, not a terminal, whatever NO_COLOR says' {
        $environment = Get-SandboxEnvironment $sandbox
        $environment.NO_COLOR = $null
        $environment.TERM = 'xterm-256color'
        $run = Invoke-ScheduledJob (New-DayFolder @('Currency,Address,Amount', "USDTBEP20,$EvmAddress,1.5", 'USDTBEP20,0xbad,1')) $environment
        $run.ExitCode | Should -Be 1
        $run.Errors | Should -BeLike '*Row 2*Address*'
        $run.Output + $run.Errors | Should -Not -Match ([regex]::Escape([string][char]27)) -Because 'a cron log holds text, not escape sequences'
    }

    It 'exits non-zero when stopped by SIGINT (Ctrl+C) or SIGTERM mid-batch, and the next run carries on' -Skip:$IsWindows {
        # SIGINT reaches a child only when it does not inherit SIGINT ignored (see Start-Pwsh -DefaultSigInt, GNU env).
        $signals = if ($IsLinux) { 'INT', 'TERM' } else { 'TERM' }
        foreach ($signal in $signals) {
            # Long enough (40 rows, 300 ms a call) that the signal lands mid-batch on a busy machine too.
            $folder = New-DayFolder (@('Currency,Address,Amount') + @(1..40 | ForEach-Object { "USDTBEP20,$EvmAddress,2.$_" }))
            Add-SandboxFault $sandbox 'latency-ms=300'
            try {
                $child = Start-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', $scheduledJob, '-Folder', $folder, '-Date', $day -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox) -DefaultSigInt:$IsLinux
                $journal = [IO.Path]::Combine($folder, "payouts-$day.journal")
                $deadline = [DateTime]::UtcNow.AddSeconds(60)
                while (-not ([IO.File]::Exists($journal) -and @(Get-NordPayJournal -LiteralPath $journal -State Paid -ErrorAction SilentlyContinue).Count) -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 100 }
                if ($IsLinux) {
                    $ignored = [Convert]::ToUInt64((Select-String -LiteralPath "/proc/$($child.Process.Id)/status" -Pattern '^SigIgn:\s*(\w+)').Matches[0].Groups[1].Value, 16)
                    $ignored -band 2 | Should -Be 0 -Because 'the job is started as a terminal or a scheduler starts it, with SIGINT not ignored'
                }
                & kill "-$signal" $child.Process.Id
                $stopped = Wait-Pwsh $child -TimeoutSec 60
            }
            finally {
                Clear-SandboxFault $sandbox
            }
            # The exit codes about_NordPay_Scheduling gives: 130 for SIGINT, 143 for SIGTERM.
            $stopped.ExitCode | Should -Be @{ INT = 130; TERM = 143 }[$signal] -Because "SIG$signal stops the job before its batch is done: $($stopped.Output)"
            @(Get-NordPayJournal -LiteralPath $journal -State Paid).Count | Should -BeLessThan 40 -Because "SIG$signal landed mid-batch"
            if ($signal -eq 'INT') { $stopped.Output | Should -BeLike '*stopped by a signal; the next run carries on from the journal (exit 130)*' }
            $again = Invoke-ScheduledJob $folder
            $again.ExitCode | Should -BeIn 0, 2 -Because "the next run carries on: $($again.Output)"
        }
    }
}

Describe 'The prompts of a batch paid by hand' {
    It 'give each currency''s amount, fees estimated at NordPay''s published percent and total at the batch prompt, each row''s estimated fee at its prompt, and count the rows declined in the summary' {
        $folder = New-TestFolder
        [IO.File]::WriteAllLines([IO.Path]::Combine($folder, 'payouts.csv'), [string[]] @('Currency,Address,Amount', "USDTBEP20,$EvmAddress,3.1", "USDTBEP20,$EvmAddress,3.2", "USDTBEP20,$EvmAddress,3.3"))
        [IO.File]::WriteAllText([IO.Path]::Combine($folder, 'pay.ps1'), '$s = Import-Csv payouts.csv | Invoke-NordPayPayout -JournalPath pay.journal | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }; "SUMMARY $s"; "DECLINED $($s.Declined)"')
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-File', 'pay.ps1' -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox) -InputLine 'Y', 'Y', 'N', 'Y'
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        $prompts = Join-Wrapped $run.Output
        $prompts | Should -BeLike '*3 payouts to 1 addresses: 9.6 USDTBEP20 (balance *): amount 9.6 + service fees about 0.1632 (estimated at the 1.7 % NordPay publishes) = total about 9.7632 USDTBEP20*each row''s exact service fee is set by NordPay at its request, after this confirmation*'
        ([regex]::Matches($prompts, "3\.[123] USDTBEP20 to $EvmAddress \(row \d, [^)]+\); service fee: about 0\.05(27|44|61) USDTBEP20 \(estimated at the 1\.7 % NordPay publishes\), the exact fee set by NordPay at the row's request, after this confirmation")).Count | Should -Be 3
        $run.Output | Should -Match 'SUMMARY 3 rows: 2 paid, 0 already paid, 0 failed, 0 in doubt, 1 declined'
        $run.Output | Should -Match 'DECLINED 1'
    }
}
