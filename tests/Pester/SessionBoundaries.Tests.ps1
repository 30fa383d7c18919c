<#
    What one PowerShell session keeps to itself, in real pwsh, as it was before a runspace's state became a NordPaySession
    found once per call: a session key and Set-NordPayConfiguration stay in the runspace that set them (ForEach-Object
    -Parallel, Start-ThreadJob, [powershell]::Create), survive Import-Module -Force and Remove-Module then Import-Module;
    'Using the API key ...' is said once per call before its first request; -WhatIf of the two-step cmdlets needs no key.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    Import-Module $ModuleManifest -Force
    $key = ConvertTo-SecureKey $sandbox.ApiKey
    $otherKey = ConvertTo-SecureKey 'np_other_runspace_key_WXYZ'
    $savedEnvironmentKey = $env:NORDPAY_API_KEY
    Remove-Item env:NORDPAY_API_KEY -ErrorAction Ignore

    # What another runspace sees before it sets a key and call settings of its own, then what it sees after.
    $inAnotherRunspace = {
        param($Manifest, $Key)
        Import-Module $Manifest
        $seen = @(Get-NordPayApiKey -ListAvailable | Where-Object Source -EQ 'Session').Count
        $timeout = (Get-NordPayConfiguration).TimeoutSec
        Set-NordPayApiKey -ApiKey $Key -BaseUri 'http://127.0.0.1:1/'
        Set-NordPayConfiguration -TimeoutSec 7 -Confirm:$false
        "$seen $timeout $((Get-NordPayApiKey).KeyHint) $((Get-NordPayConfiguration).TimeoutSec)"
    }
}

AfterAll {
    if ($null -ne $savedEnvironmentKey) { $env:NORDPAY_API_KEY = $savedEnvironmentKey }
    Remove-NordPayApiKey -ErrorAction SilentlyContinue
    Set-NordPayConfiguration -TimeoutSec 30 -Confirm:$false
    Stop-NordPaySandbox $sandbox
    Remove-TestFolder
}

Describe 'A session key and call settings' {
    BeforeEach {
        Set-NordPayApiKey -ApiKey $key -BaseUri $sandbox.BaseUri
        Set-NordPayConfiguration -TimeoutSec 11 -Confirm:$false
    }

    It 'stay in their runspace, and another''s stay in that one: <Name>' -ForEach @(
        @{ Name = 'ForEach-Object -Parallel' }, @{ Name = 'Start-ThreadJob' }, @{ Name = '[powershell]::Create()' }
    ) {
        $script = $inAnotherRunspace
        $seen = switch ($Name) {
            'ForEach-Object -Parallel' {
                $text = $script.ToString()
                1 | ForEach-Object -Parallel { & ([scriptblock]::Create($using:text)) $using:ModuleManifest $using:otherKey }
            }
            'Start-ThreadJob' { Start-ThreadJob -ScriptBlock $script -ArgumentList $ModuleManifest, $otherKey | Receive-Job -Wait -AutoRemoveJob }
            default {
                $ps = [powershell]::Create()
                try { $ps.AddScript($script.ToString()).AddArgument($ModuleManifest).AddArgument($otherKey).Invoke() } finally { $ps.Dispose() }
            }
        }

        $hint = '...' + $sandbox.ApiKey.Substring($sandbox.ApiKey.Length - 4)
        "$seen | $((Get-NordPayApiKey).KeyHint) $((Get-NordPayConfiguration).TimeoutSec)" | Should -Be "0 30 ...WXYZ 7 | $hint 11"
    }

    It 'are kept through Import-Module -Force twice, and Remove-Module then Import-Module' {
        Import-Module $ModuleManifest -Force
        Import-Module $ModuleManifest -Force
        $afterForce = "$((Get-NordPayApiKey).Source) $((Get-NordPayConfiguration).TimeoutSec)"
        Remove-Module NordPay
        Import-Module $ModuleManifest

        "$afterForce | $((Get-NordPayApiKey).Source) $((Get-NordPayConfiguration).TimeoutSec)" | Should -Be 'Session 11 | Session 11'
    }
}

Describe 'Which key a call uses' {
    It 'is said once per call, before its first request, row after row of a pipeline' {
        Set-NordPayApiKey -ApiKey $key -BaseUri $sandbox.BaseUri
        $rows = 26, 27 | ForEach-Object { [pscustomobject]@{ Currency = 'USDTTRC20'; Address = $TronAddress; Amount = "$_" } }

        $lines = $rows | New-NordPayWithdrawRequest -Verbose 4>&1 | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] } |
            ForEach-Object Message | Where-Object { $_ -like 'Using the API key*' -or $_ -match '^(GET|POST) ' } | ForEach-Object { $_ -replace ' -> .*' }

        $hint = '...' + $sandbox.ApiKey.Substring($sandbox.ApiKey.Length - 4)
        # The currency list is read only when this session has not read it yet (the suite's earlier files may have).
        $lines | Where-Object { $_ -ne 'GET /currencies/' } | Should -Be @("Using the API key $hint of profile 'default' from this session for $($sandbox.BaseUri).",
            'POST /balance/withdraw/request', 'POST /balance/withdraw/request')
    }
}

Describe '-WhatIf with no key anywhere' {
    It 'needs none for <Command>' -ForEach @(
        @{ Command = 'New-NordPayWithdrawRequest'; Call = { New-NordPayWithdrawRequest -Currency USDTTRC20 -Address $TronAddress -Amount '26' -WhatIf } }
        @{ Command = 'Confirm-NordPayWithdraw'; Call = { Confirm-NordPayWithdraw -Identifier ([guid]::NewGuid()) -WhatIf } }
    ) {
        Remove-NordPayApiKey -ErrorAction SilentlyContinue

        $failed = try { & $Call 2>&1 | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } } catch { $_ }

        @($failed | ForEach-Object FullyQualifiedErrorId) | Should -BeNullOrEmpty
    }
}
