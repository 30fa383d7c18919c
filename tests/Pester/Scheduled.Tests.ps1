<#
    The Windows Task Scheduler recipe (examples/scheduled) with the scheduler's cmdlets stubbed, since Task Scheduler runs
    on Windows only: which PowerShell the task runs and with which settings; and the scheduled job's exit code and log
    when something nothing expected fails.
#>
param(
    [string] $Configuration = 'Release'
)

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    $scheduled = [IO.Path]::Combine($RepoRoot, 'examples', 'scheduled')

    # A module folder with a stand-in for ScheduledTasks (and Get-Credential): Register-ScheduledTask records what it was given.
    $stubs = New-TestFolder
    $null = New-Item -ItemType Directory -Path ([IO.Path]::Combine($stubs, 'ScheduledTasks'))
    [IO.File]::WriteAllText([IO.Path]::Combine($stubs, 'ScheduledTasks', 'ScheduledTasks.psm1'), @'
function New-ScheduledTaskAction([string] $Execute, [string] $WorkingDirectory, [string] $Argument) { [pscustomobject]@{ Execute = $Execute; WorkingDirectory = $WorkingDirectory; Arguments = $Argument } }
function New-ScheduledTaskTrigger([switch] $Daily, [DateTime] $At) { [pscustomobject]@{ Daily = [bool] $Daily; At = $At.ToString('HH:mm') } }
function New-ScheduledTaskSettingsSet([string] $MultipleInstances, [switch] $StartWhenAvailable, [TimeSpan] $ExecutionTimeLimit) {
    [pscustomobject]@{ MultipleInstances = $MultipleInstances; StartWhenAvailable = [bool] $StartWhenAvailable; ExecutionTimeLimit = "$ExecutionTimeLimit" }
}
function Get-Credential([string] $UserName, [string] $Message) { [pscredential]::new($UserName, (ConvertTo-SecureString 'stub-password' -AsPlainText -Force)) }
function Register-ScheduledTask([string] $TaskName, [string] $Description, $Action, $Trigger, $Settings, [string] $User, [string] $Password) {
    [IO.File]::WriteAllText($env:STUB_RECORD, (ConvertTo-Json -Depth 4 ([ordered]@{ TaskName = $TaskName; Description = $Description; Action = $Action; Trigger = $Trigger; Settings = $Settings; User = $User })))
}
'@)

    # Registers the task in a pwsh of its own, with the stubs and the given PATH; returns what the task would be.
    function Register-Task([string] $Path) {
        $folder = New-TestFolder
        $record = [IO.Path]::Combine($folder, 'task.json')
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', ([IO.Path]::Combine($scheduled, 'Register-ScheduledPayout.ps1')),
            '-User', 'CORP\svc-payouts', '-Folder', 'D:\payouts' -WorkingDirectory $folder `
            -Environment @{ PSModulePath = $stubs + [IO.Path]::PathSeparator + $env:PSModulePath; STUB_RECORD = $record; PATH = $Path }
        $run.ExitCode | Should -Be 0 -Because $run.Errors
        Get-Content -Raw -LiteralPath $record | ConvertFrom-Json
    }
}

AfterAll {
    Remove-TestFolder
}

Describe 'Register-ScheduledPayout.ps1 with the scheduler''s cmdlets stubbed' {
    Context 'where pwsh is installed' {
        BeforeAll {
            $bin = New-TestFolder
            $pwsh = [IO.Path]::Combine($bin, 'pwsh.exe')
            [IO.File]::WriteAllText($pwsh, "#!/bin/sh`n")
            if (-not $IsWindows) { chmod +x $pwsh }
            $task = Register-Task ($bin + [IO.Path]::PathSeparator + $env:PATH)
        }

        It 'runs pwsh by its full path, as the task''s account' {
            $task.Action.Execute | Should -Be $pwsh
            $task.Action.Arguments | Should -BeLike '*-NonInteractive -ExecutionPolicy RemoteSigned -File "*Invoke-ScheduledPayout.ps1" -Folder "D:\payouts"'
            $task.User | Should -Be 'CORP\svc-payouts'
        }

        It 'catches up a missed run, never two at once' {
            $task.Settings.StartWhenAvailable | Should -BeTrue
            $task.Settings.MultipleInstances | Should -Be 'IgnoreNew'
        }

        It 'names every exit code in its description' {
            $task.Description | Should -BeLike '*4 unexpected failure*'
        }
    }

    It 'runs Windows PowerShell 5.1 by its full path where pwsh is not installed' {
        $task = Register-Task ([IO.Path]::GetDirectoryName((Get-Command -Name chmod -CommandType Application | Select-Object -First 1).Source))
        $task.Action.Execute | Should -BeLike '*WindowsPowerShell?v1.0?powershell.exe'
        [IO.Path]::GetFileName($task.Action.Execute) | Should -Be 'powershell.exe'
        $task.Action.Execute | Should -Not -Be 'powershell.exe' -Because 'a bare name depends on the task account''s PATH'
    }
}

Describe 'Invoke-ScheduledPayout.ps1 when something nothing expected fails' {
    BeforeAll {
        # A stand-in NordPay whose journal cannot be read once the batch has run.
        $modules = New-TestFolder
        $null = New-Item -ItemType Directory -Path ([IO.Path]::Combine($modules, 'NordPay'))
        [IO.File]::WriteAllText([IO.Path]::Combine($modules, 'NordPay', 'NordPay.psm1'), @'
function Get-NordPayApiKey { 'a key' }
function Invoke-NordPayPayout([Parameter(ValueFromPipeline)] $Row, $JournalPath, $ReportPath, $ThrottleLimit, [switch] $Force) { process { [IO.File]::WriteAllText($JournalPath, ''); throw 'the batch stopped' } }
function Get-NordPayJournal { throw 'the journal cannot be read: the disk is gone' }
'@)
        $folder = New-TestFolder
        Write-Csv ([IO.Path]::Combine($folder, 'payouts-2026-11-24.csv')) @([pscustomobject]@{ Currency = 'USDTBEP20'; Address = $EvmAddress; Amount = '5' })
        $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-NonInteractive', '-File', ([IO.Path]::Combine($scheduled, 'Invoke-ScheduledPayout.ps1')),
            '-Folder', $folder, '-Date', '2026-11-24' -WorkingDirectory $folder -Environment @{ PSModulePath = $modules }
    }

    It 'exits 4, never 1 (rows failed), saying why' {
        $run.ExitCode | Should -Be 4 -Because "$($run.Output) $($run.Errors)"
        Join-Wrapped $run.Output | Should -BeLike '*payouts-2026-11-24.csv: unexpected failure: the journal cannot be read: the disk is gone (exit 4)*'
    }

    It 'leaves the run''s output in the day''s log beside the journal' {
        $log = Get-Content -Raw -LiteralPath ([IO.Path]::Combine($folder, 'payouts-2026-11-24.log'))
        Join-Wrapped $log | Should -BeLike '*the journal cannot be read: the disk is gone*(exit 4)*'
    }
}
