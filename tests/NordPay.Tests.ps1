<#
    The module's behaviour as a user with PowerShell 7.4+ and Pester 5 sees it, against the local sandbox.
    A thin layer over scenarios the xunit suite also runs (tests/NordPay.PowerShell.Tests).
    Needs Pester 5. Run: ./build.ps1 -Task Test   (or: Invoke-Pester tests/NordPay.Tests.ps1 after ./build.ps1)
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    $root = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..'))
    . ([IO.Path]::Combine($root, 'tools', 'Sandbox.ps1'))
    $script:sandbox = Start-NordPaySandbox -Root $root -Configuration $Configuration
    Import-Module ([IO.Path]::Combine($root, 'out', 'NordPay', 'NordPay.psd1')) -Force
    Set-NordPayApiKey -ApiKey ([System.Net.NetworkCredential]::new('', $script:sandbox.ApiKey).SecurePassword) -BaseUri $script:sandbox.BaseUri
    Set-NordPayConfiguration -RetryIntervalSec 0.01
    $script:csv = [IO.Path]::Combine($root, 'examples', 'payouts.csv')
    $script:journal = [IO.Path]::Combine([IO.Path]::GetTempPath(), "nordpay-pester-$([guid]::NewGuid().ToString('N')).journal")
}

AfterAll {
    if ($script:sandbox) { Stop-NordPaySandbox $script:sandbox }
    if ($script:journal -and [IO.File]::Exists($script:journal)) { [IO.File]::Delete($script:journal) }
}

Describe 'NordPay module' {
    It 'exports exactly the commands its manifest declares' {
        $declared = (Test-ModuleManifest ([IO.Path]::Combine($PSScriptRoot, '..', 'out', 'NordPay', 'NordPay.psd1'))).ExportedCmdlets.Keys
        @(Get-Command -Module NordPay).Count | Should -Be @($declared).Count
    }

    It 'pays the example CSV through the two-step cmdlets' {
        $confirmed = @(Import-Csv $script:csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force)
        $confirmed.Count | Should -Be @(Import-Csv $script:csv).Count
        @($confirmed | Where-Object Status -NE 'pending').Count | Should -Be 0
        # [decimal]'1.123456789012345678' would go through double in PowerShell; Parse is exact.
        $exact = [decimal]::Parse('1.123456789012345678', [cultureinfo]::InvariantCulture)
        @($confirmed | Where-Object Amount -EQ $exact).Count | Should -Be 1
    }

    It 'sends nothing with -WhatIf' {
        $before = (Get-NordPayWithdrawal).Count
        $result = Import-Csv $script:csv | New-NordPayWithdrawRequest -WhatIf
        $result | Should -BeNullOrEmpty
        (Get-NordPayWithdrawal).Count | Should -Be $before
    }

    It 'refuses an ambiguous amount with an error naming the row and the field' {
        $row = [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359'; Amount = '1,5' }
        $row | New-NordPayWithdrawRequest -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAmountFormat,*'
        $failed[0].ErrorDetails.Message | Should -BeLike 'Row 1, Amount:*'
        $failed[0].TargetObject.Amount | Should -Be '1,5'
    }

    It 'checks addresses for their network and checksum, and refuses a wrong one before sending' {
        $checks = @(Import-Csv $script:csv | Test-NordPayAddress)
        @($checks | Where-Object ChecksumVerified).Count | Should -Be @(Import-Csv $script:csv).Count
        $wrong = Test-NordPayAddress -Currency USDTBEP20 -Address TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t
        $wrong.Valid | Should -Be $false
        $wrong.Problem | Should -Be 'This is a TRC20 address; USDTBEP20 pays on BEP20.'
        $row = [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'; Amount = '1' }
        $row | New-NordPayWithdrawRequest -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AddressChecksumInvalid,*'
    }

    It 'pays a batch once and skips it on a re-run' {
        $first = @(Import-Csv $script:csv | Invoke-NordPayPayout -JournalPath $script:journal -Force)
        ($first | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }).Complete | Should -BeTrue
        $again = @(Import-Csv $script:csv | Invoke-NordPayPayout -JournalPath $script:journal -Force)
        $summary = $again | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] }
        $summary.AlreadyPaid | Should -Be @(Import-Csv $script:csv).Count
        $summary.Paid | Should -Be 0
    }

    It 'has help for every command' {
        foreach ($command in Get-Command -Module NordPay) {
            (Get-Help $command.Name).Synopsis | Should -Not -BeLike "$($command.Name)*"
            @((Get-Help $command.Name).Examples.Example).Count | Should -BeGreaterOrEqual 2
        }
    }
}
