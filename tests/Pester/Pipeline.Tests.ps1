<#
    The two-step pipeline with PowerShell's own Import-Csv and Export-Csv: a retry file, the same bodies in any
    culture, and what -WhatIf, $WhatIfPreference, -Confirm:$false and the confirm prompt do in a real pwsh.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $csvRows = @(Import-Csv $ExampleCsv)

    # A scratch folder holding payouts.csv, and a script there run by a child pwsh that reaches a fresh sandbox.
    function Invoke-PayoutScript([string] $Script, [string[]] $PwshArgument = @(), [string[]] $InputLine = @(), [hashtable] $Environment = @{}) {
        $folder = New-TestFolder
        Copy-Item -LiteralPath $ExampleCsv -Destination ([IO.Path]::Combine($folder, 'payouts.csv'))
        $file = [IO.Path]::Combine($folder, 'script.ps1')
        [IO.File]::WriteAllText($file, $Script)
        $variables = Get-SandboxEnvironment $script:sandbox
        foreach ($name in $Environment.Keys) { $variables[$name] = $Environment[$name] }
        Invoke-Pwsh -ArgumentList (@('-NoProfile') + $PwshArgument + @('-File', $file)) -WorkingDirectory $folder -Environment $variables -InputLine $InputLine
    }
}

AfterAll {
    Remove-TestFolder
}

Describe 'Paying a CSV' {
    BeforeEach {
        $script:sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
        Import-Module $ModuleManifest -Force
        Set-NordPayApiKey -ApiKey (ConvertTo-SecureKey $sandbox.ApiKey) -BaseUri $sandbox.BaseUri
    }

    AfterEach {
        Stop-NordPaySandbox $script:sandbox
    }

    It 'pays the rows that failed from the retry file $failed.TargetObject | Export-Csv wrote' {
        $folder = New-TestFolder
        Push-Location $folder
        try {
            Copy-Item -LiteralPath $ExampleCsv -Destination payouts.csv
            # Requests for one address fail (HTTP 503, not retried here), so its row lands in $failed.
            Add-SandboxFault $sandbox "path=withdraw/request,address=$EvmAddress,status=503"
            Import-Csv payouts.csv | New-NordPayWithdrawRequest -MaximumRetryCount 0 -ErrorVariable failed -ErrorAction SilentlyContinue | Confirm-NordPayWithdraw -Force
            $failed.TargetObject | Export-Csv retry.csv
            @($failed).Count | Should -Be 1
            @(Get-SandboxLedger $sandbox).Count | Should -Be ($csvRows.Count - 1)

            Clear-SandboxFault $sandbox
            $retry = @(Import-Csv retry.csv)
            $retry | Should -HaveCount 1
            $retry[0].Address | Should -Be $EvmAddress
            $retry[0].Amount | Should -Be '100' -Because 'the retry file holds the row as it was read'
            $retry | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force | Should -HaveCount 1
        }
        finally {
            Pop-Location
        }
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $csvRows) -Because 'every row is paid exactly once, amounts digit for digit'
    }

    It 'sends the same request bodies from the same CSV under de-DE and fr-FR' {
        $bodies = foreach ($culture in 'de-DE', 'fr-FR') {
            $before = @(Get-SandboxRequestBody $sandbox 'balance/withdraw/request').Count
            $run = Invoke-PayoutScript @"
[cultureinfo]::CurrentCulture = '$culture'
"culture `$((Get-Culture).Name) writes one and a half as `$((1.5).ToString())"
Import-Csv payouts.csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force | Out-Null
"@
            $run.Errors | Should -BeNullOrEmpty
            $run.Output | Should -BeLike "*culture $culture writes one and a half as 1,5*" -Because 'the culture must really be in force'
            , @(Get-SandboxRequestBody $sandbox 'balance/withdraw/request' | Select-Object -Skip $before)
        }
        $bodies[0].Count | Should -Be $csvRows.Count
        $bodies[1] | Should -Be $bodies[0]
        @($bodies[0] | ForEach-Object { ($_ | ConvertFrom-Json).amount }) | Should -Be @($csvRows.Amount) -Because 'each amount is sent as written in the CSV'
        @(Get-SandboxLedger $sandbox).Count | Should -Be (2 * $csvRows.Count)
    }
}

Describe '-WhatIf, $WhatIfPreference, -Confirm:$false and the confirm prompt' {
    BeforeEach {
        $script:sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    }

    AfterEach {
        Stop-NordPaySandbox $script:sandbox
    }

    It '-WhatIf says what each row would do and sends nothing' {
        $run = Invoke-PayoutScript 'Import-Csv payouts.csv | New-NordPayWithdrawRequest -WhatIf'
        $run.Errors | Should -BeNullOrEmpty
        $text = Join-Wrapped $run.Output
        foreach ($row in $csvRows) {
            $text | Should -BeLike "*What if: Performing the operation ""Create NordPay withdraw request"" on target ""$($row.Amount) $($row.Currency) to $($row.Address)"".*"
        }
        Get-SandboxRequestBody $sandbox 'balance/withdraw/request' | Should -BeNullOrEmpty
    }

    It '$WhatIfPreference wins over -Force: the confirm step says what it would do, with the fee, and confirms nothing' {
        $run = Invoke-PayoutScript @'
$requests = Import-Csv payouts.csv | New-NordPayWithdrawRequest
$WhatIfPreference = $true
$requests | Confirm-NordPayWithdraw -Force
'@
        $run.Errors | Should -BeNullOrEmpty
        $text = Join-Wrapped $run.Output
        $text | Should -BeLike '*What if: Performing the operation "Confirm NordPay withdrawal (queues the payout for admin approval)" on target "25.50 USDTTRC20 to TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye (request *): service fee 0.4335 USDTTRC20; the recipient receives 25.0665 USDTTRC20 per NordPay''s rule*'
        ([regex]::Matches($text, 'What if: Performing the operation "Confirm NordPay withdrawal')).Count | Should -Be $csvRows.Count
        Get-SandboxRequestBody $sandbox 'balance/withdraw/confirm' | Should -BeNullOrEmpty
        Get-SandboxLedger $sandbox | Should -BeNullOrEmpty
    }

    It '-Confirm:$false confirms without a prompt, in a session that cannot prompt' {
        $run = Invoke-PayoutScript 'Import-Csv payouts.csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Confirm:$false' -PwshArgument '-NonInteractive'
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        Format-Payout (Get-SandboxLedger $sandbox) | Should -Be (Format-Payout $csvRows)
    }

    It 'the confirm prompt shows the service fee and what the recipient receives, per NordPay''s rule; No to All sends nothing' {
        $run = Invoke-PayoutScript 'Import-Csv payouts.csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw' -InputLine 'L'
        $run.Errors | Should -BeNullOrEmpty
        $text = Join-Wrapped $run.Output
        $text | Should -BeLike '*Are you sure you want to perform this action? Performing the operation "Confirm NordPay withdrawal (queues the payout for admin approval)" on target "25.50 USDTTRC20 to TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye (request *): service fee 0.4335 USDTTRC20; the recipient receives 25.0665 USDTTRC20 per NordPay''s rule (amount sent to the wallet = amount - service fee)". `[Y`] Yes `[A`] Yes to All `[N`] No `[L`] No to All*'
        Get-SandboxRequestBody $sandbox 'balance/withdraw/confirm' | Should -BeNullOrEmpty
        Get-SandboxLedger $sandbox | Should -BeNullOrEmpty
    }
}
