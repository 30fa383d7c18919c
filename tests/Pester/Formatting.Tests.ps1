<#
    What a reviewer reads: the default view, Format-Table and Format-List of every output type, rendered by
    Out-String at 80 and 120 columns, with long values (an 18-decimal amount, a 42-character EVM address, a
    62-character bech32 address). Every amount, fee and address a view shows appears exactly and whole on one line.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeDiscovery {
    $types = @(
        'NordPayWithdrawRequest', 'NordPayWithdrawConfirmation', 'NordPayMultipleWithdrawRequest', 'NordPayPayoutResult', 'NordPayAuditRecord',
        'NordPayWithdrawal', 'NordPayJournalRow', 'NordPayJournalDiscrepancy', 'NordPayPayoutSummary', 'NordPayCurrency', 'NordPayBalance',
        'NordPayApiKeyInfo', 'NordPayConfiguration', 'NordPayAddressCheck', 'NordPayPolicy', 'NordPayCurrencyLimit', 'NordPayAddressBookEntry'
    ) | ForEach-Object { @{ Type = $_ } }
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
        # No cmdlet writes one (the batch reads it from NordPay's answer): built with the longest totals.
        NordPayMultipleWithdrawRequest = @([NordPay.Models.NordPayMultipleWithdrawRequest]::new([guid]::NewGuid(), 'USDTBEP20',
            (ConvertTo-ExactDecimal '1234567890.123456789012345678'), (ConvertTo-ExactDecimal '209.867098765413209876'), 100, [DateTimeOffset]::UtcNow))
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

    # The properties a view shows (by name, or read by its script blocks), from the format data.
    function Get-ViewProperty([string] $Type, [type] $Control) {
        $view = (Get-FormatData "NordPay.Models.$Type" -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition | Where-Object { $_.Control -is $Control }
        $entries = if ($Control -eq [System.Management.Automation.TableControl]) { $view.Control.Rows[0].Columns.DisplayEntry } else { $view.Control.Entries[0].Items.DisplayEntry }
        @($entries | ForEach-Object { if ($_.ValueType -eq 'Property') { $_.Value } else { [regex]::Matches($_.Value, '\$_\.(\w+)') | ForEach-Object { $_.Groups[1].Value } } }) | Select-Object -Unique
    }

    # Each amount, fee or address of the objects that the rendered text must show exactly, whole, on one line.
    function Get-ExactValue($Objects, [string[]] $Properties) {
        foreach ($item in $Objects) {
            # A script block's $_ may be an item of a property (a candidate, a dictionary entry): only the object's own count.
            foreach ($property in $Properties | Where-Object { $item.PSObject.Properties[$_] }) {
                $value = $item.$property
                if ($value -is [decimal]) { $value.ToString([cultureinfo]::InvariantCulture) }
                elseif ($value -is [System.Collections.IDictionary]) { $value.Values | Where-Object { $_ -is [decimal] } | ForEach-Object { $_.ToString([cultureinfo]::InvariantCulture) } }
                elseif ($property -in 'Address', 'Checksummed' -and $value) { $value }
                elseif ($property -eq 'Limits') { Get-ExactValue $value 'MaxPerPayout', 'MaxPerRun', 'MaxPerDay' }
            }
        }
    }

    function Assert-Exact([string[]] $Lines, [string[]] $Values, [string] $Because) {
        foreach ($value in $Values) {
            @($Lines | Where-Object { $_ -match "(^|[^\w.])$([regex]::Escape($value))([^\w.]|$)" }) | Should -Not -BeNullOrEmpty -Because "$value is shown exactly and whole on one line ($Because)"
        }
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

    It 'shows every amount, fee and address of its default view, table and list exactly, on one line, at 80 and 120 columns' {
        $tableValues = @(Get-ExactValue $shown (Get-ViewProperty $Type ([System.Management.Automation.TableControl])))
        $listValues = @(Get-ExactValue $shown (Get-ViewProperty $Type ([System.Management.Automation.ListControl])))
        foreach ($width in 80, 120) {
            Assert-Exact (($shown | Out-String -Width $width) -split "`r?`n") $tableValues "the default view at $width columns"
            Assert-Exact (Get-Rendered $shown Format-Table $width) $tableValues "Format-Table at $width columns"
            Assert-Exact (Get-Rendered $shown Format-List $width) $listValues "Format-List at $width columns"
        }
    }

    It 'has a list with every property, at 80 and 120 columns' {
        $view = (Get-FormatData "NordPay.Models.$Type" -PowerShellVersion $PSVersionTable.PSVersion).FormatViewDefinition | Where-Object { $_.Control -is [System.Management.Automation.ListControl] }
        $shownProperties = Get-ViewProperty $Type ([System.Management.Automation.ListControl])
        foreach ($width in 80, 120) {
            $text = (Get-Rendered $shown Format-List $width) -join "`n"
            foreach ($property in $shown[0].PSObject.Properties.Name) {
                $property | Should -BeIn $shownProperties -Because "Format-List shows $property"
                $labelled = $view.Control.Entries[0].Items | Where-Object { $_.DisplayEntry.Value -eq $property -and $_.Label } | Select-Object -First 1
                $label = if ($labelled) { $labelled.Label } else { $property }
                $text | Should -Match "(?m)^$label\s*:" -Because "Format-List shows $property"
            }
        }
    }
}

Describe 'A batch as the console shows it' {
    It 'shows the summary after the rows with every currency total exactly, on one line, at 80 and 120 columns' {
        $totals = @($objects.NordPayPayoutSummary[0].PaidByCurrency.GetEnumerator() | ForEach-Object { "$($_.Value) $($_.Key)" })
        $totals | Should -Not -BeNullOrEmpty
        foreach ($width in 80, 120) {
            $lines = ($batch | Out-String -Width $width) -split "`r?`n"
            ($lines -join "`n") | Should -Not -Match ([char]0x2026) -Because 'no value is cut short'
            foreach ($total in $totals) {
                $lines | Where-Object { $_ -match "(^|\s)$([regex]::Escape($total))$" } | Should -Not -BeNullOrEmpty -Because "$total is shown whole at $width columns"
            }
        }
    }
}

Describe 'The property lists of the help and README examples' {
    BeforeDiscovery {
        # Every "Format-Table/Format-List <properties>" of an example (its list may go on over lines), with where it is.
        $help = [IO.Path]::Combine($PSScriptRoot, '..', '..', 'docs', 'help')
        $examples = foreach ($file in @(Get-ChildItem $help -Filter *.md) + @(Get-ChildItem $help -Filter about_*.help.txt) + @(Get-Item ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'README.md')))) {
            foreach ($match in [regex]::Matches([IO.File]::ReadAllText($file.FullName), '(?m)\|\s*(?<format>Format-Table|Format-List|ft|fl)\s+(?<properties>[A-Za-z]+(\s*,\s*[A-Za-z]+)*)')) {
                @{ File = $file.Name; Format = $match.Groups['format'].Value; Properties = @($match.Groups['properties'].Value -split '\s*,\s*') }
            }
        }
    }

    It '<File>: <Format> <Properties> shows every amount, fee and address exactly, on one line, at 80 and 120 columns' -ForEach $examples {
        $format = @{ ft = 'Format-Table'; fl = 'Format-List' }[$Format] ?? $Format
        # The output types that have every listed property (a report CSV's columns match none, and are text anyway).
        foreach ($type in $objects.Keys | Where-Object { $shown = $objects[$_]; $shown -and @($Properties | Where-Object { $shown[0].PSObject.Properties[$_] }).Count -eq $Properties.Count }) {
            foreach ($width in 80, 120) {
                $lines = ($objects[$type] | & $format -Property $Properties | Out-String -Width $width) -split "`r?`n"
                Assert-Exact $lines @(Get-ExactValue $objects[$type] $Properties) "$type, $Format $($Properties -join ', ') at $width columns"
            }
        }
    }

    It 'would round with Format-Table and a property list, as PowerShell 7.3 and later does, which is why no example uses one with an amount' {
        $request = $objects.NordPayWithdrawRequest | Where-Object Currency -EQ BTC | Select-Object -First 1
        ($request | Format-Table Currency, Amount, ServiceFee | Out-String) | Should -Not -Match '0\.0015\b'
        ($request | Format-Table | Out-String) | Should -Match '0\.0015, service fee 0\.0000255\b'
    }
}
