<#
    The module as a user with PowerShell 7.4+ meets it: what it exports, its help, tab completion, a refused amount,
    and the README's demo command. Run by ./build.ps1 -Task Test (or Invoke-Pester tests/Pester after ./build.ps1).
#>
param(
    [string] $Configuration = 'Release'
)

BeforeDiscovery {
    $cmdlets = @((Import-PowerShellDataFile ([IO.Path]::Combine($PSScriptRoot, '..', '..', 'NordPay.psd1'))).CmdletsToExport | ForEach-Object { @{ Name = $_ } })
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $topics = @(Get-AboutTopicName)
}

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    Import-Module $ModuleManifest -Force
    Set-NordPayApiKey -ApiKey (ConvertTo-SecureKey $sandbox.ApiKey) -BaseUri $sandbox.BaseUri
}

AfterAll {
    Stop-NordPaySandbox $sandbox
    Remove-TestFolder
}

Describe 'The NordPay module' {
    It 'exports exactly the commands its manifest declares' {
        $declared = (Test-ModuleManifest $ModuleManifest).ExportedCmdlets.Keys
        @(Get-Command -Module NordPay | ForEach-Object Name) | Sort-Object | Should -Be @($declared | Sort-Object)
    }

    It 'refuses an ambiguous amount from a CSV with an error naming the row and the field' {
        $csv = [IO.Path]::Combine((New-TestFolder), 'ambiguous.csv')
        Write-Csv $csv @([pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '1,5' })
        Import-Csv $csv | New-NordPayWithdrawRequest -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'InvalidAmountFormat,*'
        $failed[0].ErrorDetails.Message | Should -BeLike 'Row 1, Amount:*'
        $failed[0].TargetObject.Amount | Should -Be '1,5'
        Get-SandboxRequestBody $sandbox 'balance/withdraw/request' | Should -BeNullOrEmpty
    }

    It 'checks addresses for their network and checksum, and refuses a wrong one before sending' {
        $checks = @(Import-Csv $ExampleCsv | Test-NordPayAddress)
        @($checks | Where-Object ChecksumVerified).Count | Should -Be @(Import-Csv $ExampleCsv).Count
        $wrong = Test-NordPayAddress -Currency USDTBEP20 -Address TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t
        $wrong.Valid | Should -Be $false
        $wrong.Problem | Should -Be 'This is a TRC20 address; USDTBEP20 pays on BEP20.'
        $row = [pscustomobject]@{ Currency = 'USDTBEP20'; Address = '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD'; Amount = '1' }
        $row | New-NordPayWithdrawRequest -ErrorVariable failed -ErrorAction SilentlyContinue | Should -BeNullOrEmpty
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'AddressChecksumInvalid,*'
        Get-SandboxRequestBody $sandbox 'balance/withdraw/request' | Should -BeNullOrEmpty
    }

    It 'refuses a relative NORDPAY_CONFIG_DIR in a job instead of storing keys under whatever folder it starts in' {
        $folder = New-TestFolder
        $environment = @{ NORDPAY_CONFIG_DIR = 'nordpay-config'; NORDPAY_API_KEY = ''; PSModulePath = [IO.Path]::Combine($RepoRoot, 'out') + [IO.Path]::PathSeparator + $env:PSModulePath }
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-Command', 'try { Get-NordPayApiKey -ErrorAction Stop } catch { $_.FullyQualifiedErrorId }' `
            -WorkingDirectory $folder -Environment $environment
        $run.Output | Should -BeLike 'InvalidConfigDirectory,*'
        Test-Path -LiteralPath ([IO.Path]::Combine($folder, 'nordpay-config')) | Should -Be $false
    }

    It 'completes -Currency with Tab from the session''s currency list' {
        $line = 'New-NordPayWithdrawRequest -Currency usdtt'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'USDTTRC20'
        $line = 'Invoke-NordPayPayout -Currency USDT'
        $completions = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        $completions | Should -Contain 'USDTBEP20'
        $completions | Should -Contain 'USDTARB' -Because 'the live list names currencies the built-in offline list leaves out'
    }

    It 'runs the README''s demo: build.ps1 -Task Demo pays examples/payouts.csv and stops its sandbox' {
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-File', ([IO.Path]::Combine($RepoRoot, 'build.ps1')), '-Task', 'Demo', '-NoBuild', '-Configuration', $Configuration `
            -WorkingDirectory (New-TestFolder)
        $run.Errors | Should -BeNullOrEmpty
        $run.ExitCode | Should -Be 0
        $run.Output | Should -Match '==> Sandbox listening on http://127\.0\.0\.1:\d+/'
        # A confirmation's row: its id, then its amount and currency (status), its address on the line below.
        @([regex]::Matches($run.Output, '(?m)^\s*\d+ \d[\d.]* \w+ \(pending\)$')).Count | Should -Be @(Import-Csv $ExampleCsv).Count
        $run.Output.TrimEnd() | Should -BeLike '*==> Sandbox stopped'
    }
}

Describe 'Help for <Name>' -ForEach $cmdlets {
    It 'has full help: synopsis, description, every parameter, outputs and examples' {
        $command = Get-Command $Name
        $full = Get-Help $Name -Full | Out-String -Width 120
        $full | Should -Not -Match 'cannot find the Help files' -Because 'the MAML help ships in en-US'
        $synopsis = (Get-Help $Name).Synopsis.Trim()
        $synopsis | Should -Not -BeLike "$Name*" -Because 'a generated synopsis is only the syntax'
        $full | Should -Match 'DESCRIPTION'
        $common = [System.Management.Automation.PSCmdlet]::CommonParameters + [System.Management.Automation.PSCmdlet]::OptionalCommonParameters + 'First', 'Skip', 'IncludeTotalCount'
        $shown = $command.Parameters.Values | Where-Object {
            $_.Name -notin $common -and @($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and -not $_.DontShow }).Count -gt 0
        }
        foreach ($parameter in $shown | ForEach-Object Name) {
            $full | Should -Match "(?m)^\s+-$parameter\b" -Because "-$parameter is described under PARAMETERS"
        }
        $full | Should -Match '(?s)OUTPUTS\s+NordPay\.|OUTPUTS\s+None'
    }

    It 'has at least two examples with code, without the test markers of its source' {
        $examples = Get-Help $Name -Examples
        @($examples.Examples.Example).Count | Should -BeGreaterOrEqual 2
        $text = $examples | Out-String -Width 120
        $text | Should -Match '-{10,} Example 1\b'
        $text | Should -Match '-{10,} Example 2\b'
        foreach ($example in $examples.Examples.Example) { $example.Code.Trim() | Should -Not -BeNullOrEmpty }
        $text | Should -Not -Match 'readme-test' -Because 'the test markers of docs/help are not shipped'
    }
}

Describe 'The about_ topics' {
    It 'are listed by Get-Help about_NordPay*, every one in docs/help and at least those users look for' {
        $listed = @(Get-Help about_NordPay* | ForEach-Object Name | Sort-Object)
        $listed | Should -Be @(Get-AboutTopicName)
        foreach ($topic in 'about_NordPay', 'about_NordPay_Batches', 'about_NordPay_Policies', 'about_NordPay_Keys', 'about_NordPay_Scheduling', 'about_NordPay_Errors', 'about_NordPay_Sandbox') {
            $listed | Should -Contain $topic
        }
    }

    It 'shows <_> at 80 columns, without the test markers of its source' -ForEach $topics {
        $lines = (Get-Help $_) -split '\r?\n'
        $lines.Count | Should -BeGreaterThan 20
        $lines | Where-Object Length -GT 80 | Should -BeNullOrEmpty -Because 'a topic is read in a console of 80 columns'
        $lines | Where-Object { $_ -match 'readme-test' } | Should -BeNullOrEmpty
    }

    It 'about_NordPay_Errors names every ErrorId the module reports' {
        $source = @(Get-ChildItem ([IO.Path]::Combine($RepoRoot, 'src', 'NordPay.PowerShell')) -Filter *.cs -Recurse | ForEach-Object { [IO.File]::ReadAllText($_.FullName) }) -join "`n"
        # An id is the literal before an ErrorKind argument (NordPayException, ApiError's rules), or given to Amount's Invalid(...);
        # InputText.RequireToken makes <Field>Missing and Invalid<Field> for each field it is given.
        $ids = @([regex]::Matches($source, '"([A-Z][A-Za-z]+)",\s*ErrorKind\.|\bInvalid\("([A-Z][A-Za-z]+)"') | ForEach-Object { $_.Groups[1].Value + $_.Groups[2].Value })
        foreach ($field in [regex]::Matches($source, 'RequireToken\([^,()]+(?:\([^()]*\))?,\s*(?:"(\w+)"|nameof\((\w+)\))') | ForEach-Object { $_.Groups[1].Value + $_.Groups[2].Value }) {
            $ids += "${field}Missing", "Invalid$field"
        }
        $ids = @($ids | Sort-Object -Unique)
        $ids.Count | Should -BeGreaterThan 60
        $catalogue = Get-Help about_NordPay_Errors
        $ids | Where-Object { $catalogue -notmatch "\b$_\b" } | Should -BeNullOrEmpty -Because 'every ErrorId is in the catalogue'
    }
}
