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
    $sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
    Import-Module $ModuleManifest -Force
    Set-NordPayApiKey -ApiKey (ConvertTo-SecureKey $sandbox.ApiKey) -BaseUri $sandbox.BaseUri

    function Get-ErrorId($Records) { @($Records | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] } | ForEach-Object { $_.FullyQualifiedErrorId.Split(',')[0] }) }
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
