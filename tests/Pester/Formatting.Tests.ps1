<#
    What a reviewer reads: Format-Table and Format-List of every output type, rendered by Out-String at 80 and
    120 columns. Addresses and amounts are never cut short; at 120 columns a table shows addresses whole on one
    line (up to 62 characters in the request and confirmation tables, which are reviewed before money moves).
#>
param(
    [string] $Configuration = 'Release'
)

BeforeDiscovery {
    $types = @(
        @{ Type = 'NordPayWithdrawRequest'; WholeAt120 = 62 }
        @{ Type = 'NordPayWithdrawConfirmation'; WholeAt120 = 62 }
        @{ Type = 'NordPayPayoutResult'; WholeAt120 = 42 }
        @{ Type = 'NordPayAuditRecord'; WholeAt120 = 42 }
        @{ Type = 'NordPayWithdrawal'; WholeAt120 = 42 }
        @{ Type = 'NordPayJournalRow'; WholeAt120 = 42 }
        @{ Type = 'NordPayJournalDiscrepancy'; WholeAt120 = 42 }
        @{ Type = 'NordPayPayoutSummary'; WholeAt120 = 0 }
        @{ Type = 'NordPayCurrency'; WholeAt120 = 0 }
        @{ Type = 'NordPayBalance'; WholeAt120 = 0 }
        @{ Type = 'NordPayApiKeyInfo'; WholeAt120 = 0 }
        @{ Type = 'NordPayConfiguration'; WholeAt120 = 0 }
        @{ Type = 'NordPayAddressCheck'; WholeAt120 = 62 }
        @{ Type = 'NordPayPolicy'; WholeAt120 = 0 }
        @{ Type = 'NordPayCurrencyLimit'; WholeAt120 = 0 }
        @{ Type = 'NordPayAddressBookEntry'; WholeAt120 = 62 }
    )
}

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    Import-Module $ModuleManifest -Force
    Set-NordPayApiKey -ApiKey (ConvertTo-SecureKey $sandbox.ApiKey) -BaseUri $sandbox.BaseUri

    # One row per address shape, with the longest amount of the example file.
    $rows = @(
        [pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '12345.123456789012345678' }
        [pscustomobject]@{ Currency = 'USDTTRC20'; Address = $TronAddress; Amount = '25.50' }
        [pscustomobject]@{ Currency = 'BTC'; Address = $BtcAddress; Amount = '0.0015' }
        [pscustomobject]@{ Currency = 'BTC'; Address = $BtcLongAddress; Amount = '0.0021' }
    )
    $requests = @($rows | New-NordPayWithdrawRequest)
    $journal = [IO.Path]::Combine((New-TestFolder), 'batch.journal')
    $batch = @($rows | Invoke-NordPayPayout -JournalPath $journal -Force -InformationVariable audit -InformationAction SilentlyContinue)
    $objects = @{
        NordPayWithdrawRequest = $requests
        NordPayWithdrawConfirmation = @($requests | Confirm-NordPayWithdraw -Force)
        NordPayPayoutResult = @($batch | Where-Object { $_ -is [NordPay.Models.NordPayPayoutResult] })
        NordPayPayoutSummary = @($batch | Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] })
        NordPayAuditRecord = @($audit.MessageData)
        NordPayWithdrawal = @(Get-NordPayWithdrawal)
        NordPayCurrency = @(Get-NordPayCurrency)
        NordPayBalance = @(Get-NordPayBalance)
        NordPayApiKeyInfo = @(Get-NordPayApiKey)
        NordPayConfiguration = @(Get-NordPayConfiguration)
        NordPayAddressCheck = @($rows | Test-NordPayAddress)
        NordPayJournalRow = @(Get-NordPayJournal $journal -Refresh)
    }
    # The merchant's admin cancels the batch's payouts: each is a discrepancy of the journal.
    foreach ($paid in $objects.NordPayPayoutResult) { $null = Invoke-SandboxAdmin $sandbox "withdrawals/$($paid.WithdrawalId)/status?value=cancelled" -Method Post }
    $objects.NordPayJournalDiscrepancy = @(Compare-NordPayJournal $journal)

    # A policy with the longest limits and an address book of every address shape, set after the payouts above.
    $book = [IO.Path]::Combine((New-TestFolder), 'addresses.csv')
    $rows | Select-Object Currency, Address, @{ Name = 'Label'; Expression = { "payee of $($_.Currency) with a long label" } } | Export-Csv $book
    foreach ($currency in 'USDTBEP20', 'USDTTRC20', 'BTC') {
        Set-NordPayPolicy -Currency $currency -MaxPerPayout '12345.123456789012345678' -MaxPerRun '1234567890.123456789012345678' -MaxPerDay '9876543210.123456789012345678' -Confirm:$false
    }
    Set-NordPayPolicy -AddressBook $book -Confirm:$false
    $objects.NordPayPolicy = @(Get-NordPayPolicy)
    $objects.NordPayCurrencyLimit = @($objects.NordPayPolicy[0].Limits)
    $objects.NordPayAddressBookEntry = @($objects.NordPayPolicy[0].AddressBook)
    Remove-NordPayPolicy -Confirm:$false

    function Get-Rendered($Objects, [string] $Format, [int] $Width) {
        ($Objects | & $Format | Out-String -Width $Width) -split "`r?`n"
    }
}

AfterAll {
    Stop-NordPaySandbox $sandbox
    Remove-TestFolder
}

Describe '<Type>' -ForEach $types {
    BeforeAll {
        $shown = $objects[$Type]
    }

    It 'is what the cmdlets output' {
        $shown | Should -Not -BeNullOrEmpty
        $shown | ForEach-Object { $_.GetType().FullName | Should -Be "NordPay.Models.$Type" }
    }

    It 'has a table that fits 80 and 120 columns and cuts no value short' {
        foreach ($width in 80, 120) {
            $lines = Get-Rendered $shown Format-Table $width
            $lines | Where-Object Length -GT $width | Should -BeNullOrEmpty -Because "the table fits $width columns"
            $lines -join "`n" | Should -Not -Match ([char]0x2026) -Because "a value cut short (with an ellipsis) at $width columns hides what it is"
            $view = (Get-FormatData "NordPay.Models.$Type" -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.TableControl] }
            $header = @($view.Control.Headers.Label)[0]
            $lines | Where-Object { $_ -match "^\s*$header\b" } | Should -Not -BeNullOrEmpty -Because 'the table view is used'
        }
    }

    if ($WholeAt120) {
        It 'shows addresses of up to <WholeAt120> characters whole on one line of a 120-column table' {
            $text = (Get-Rendered $shown Format-Table 120) -join "`n"
            $reviewed = @($shown | Where-Object { $_.Address.Length -le $WholeAt120 })
            $reviewed.Count | Should -BeGreaterThan 1
            foreach ($item in $reviewed) {
                $text | Should -Match ([regex]::Escape($item.Address)) -Because 'the address is what a reviewer checks'
            }
        }
    }

    It 'has a list with every property, at 80 and 120 columns' {
        foreach ($width in 80, 120) {
            $text = (Get-Rendered $shown Format-List $width) -join "`n"
            foreach ($property in $shown[0].PSObject.Properties.Name) {
                $text | Should -Match "(?m)^$property\s*:" -Because "Format-List shows $property"
            }
        }
    }
}

Describe 'Amounts and addresses in the tables' {
    It 'keeps every digit of the amounts at 80 and 120 columns' {
        foreach ($width in 80, 120) {
            foreach ($type in 'NordPayWithdrawRequest', 'NordPayWithdrawConfirmation', 'NordPayPayoutResult', 'NordPayJournalRow', 'NordPayJournalDiscrepancy') {
                $text = (Get-Rendered $objects[$type] Format-Table $width) -join "`n"
                foreach ($row in $rows) { $text | Should -Match "\b$([regex]::Escape($row.Amount))\b" }
            }
        }
    }

    It 'shows the 62-character bech32 address whole in the request and confirmation lists at 80 columns' {
        foreach ($type in 'NordPayWithdrawRequest', 'NordPayWithdrawConfirmation') {
            (Get-Rendered $objects[$type] Format-List 80) -match "^Address\s+: $BtcLongAddress$" | Should -Not -BeNullOrEmpty
        }
    }
}

Describe 'The property lists of the help and README examples' {
    BeforeDiscovery {
        # Every "Format-Table/Format-List <properties>" of an example, with where it is.
        $examples = foreach ($file in @(Get-ChildItem ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'docs', 'help')) -Filter *.md) + @(Get-Item ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'README.md')))) {
            foreach ($match in [regex]::Matches([IO.File]::ReadAllText($file.FullName), '(?m)\|\s*(?<format>Format-Table|Format-List|ft|fl)\s+(?<properties>[A-Za-z]+(\s*,\s*[A-Za-z]+)*)')) {
                @{ File = $file.Name; Format = $match.Groups['format'].Value; Properties = @($match.Groups['properties'].Value -split '\s*,\s*') }
            }
        }
    }

    It '<File>: <Format> <Properties> shows every amount, fee and address exactly at 80 and 120 columns' -ForEach $examples {
        $format = @{ ft = 'Format-Table'; fl = 'Format-List' }[$Format] ?? $Format
        # The output types that have every listed property (a report CSV's columns match none, and are text anyway).
        foreach ($type in $objects.Keys | Where-Object { $shown = $objects[$_]; $shown -and @($Properties | Where-Object { $shown[0].PSObject.Properties[$_] }).Count -eq $Properties.Count }) {
            foreach ($width in 80, 120) {
                $text = ($objects[$type] | & $format -Property $Properties | Out-String -Width $width) -replace '\s+', ' '
                foreach ($item in $objects[$type]) {
                    foreach ($property in $Properties) {
                        $value = $item.$property
                        if ($value -is [decimal]) { $text | Should -Match "(^|\s)$([regex]::Escape($value.ToString([cultureinfo]::InvariantCulture)))(\s|$)" -Because "$type.$property is shown exactly at $width columns" }
                        if ($property -eq 'Address') { ($objects[$type] | & $format -Property $Properties | Out-String -Width $width) | Should -Match ([regex]::Escape($value)) -Because 'an address is shown whole, on one line' }
                    }
                }
            }
        }
    }
}
