<#
.SYNOPSIS
    Registers the day's NordPay payouts as a Windows scheduled task: PowerShell -NonInteractive -File Invoke-ScheduledPayout.ps1.

.DESCRIPTION
    Run it once, as an administrator. The task runs as -User whether or not that user is logged on, every day at -At, and
    never twice at once; a run missed while the computer was off or asleep starts as soon as it can (StartWhenAvailable).
    Its Last Run Result is the script's exit code: 0x0 complete, 0x1 rows failed, 0x2 rows in doubt, 0x3 nothing could
    start, 0x4 an unexpected failure. Each run's output is in the day's .log beside its journal.

    The task runs PowerShell by its full path: pwsh.exe where PowerShell 7 is installed, else Windows PowerShell 5.1's
    powershell.exe (-PowerShellPath chooses). A script or module downloaded in a zip keeps the Internet's Zone mark, and
    -ExecutionPolicy RemoteSigned refuses to run it: unblock them once (Get-ChildItem -Recurse | Unblock-File); this
    script warns when it finds a mark.

    The key: persist it once as that account, which DPAPI ties to that account on this machine:
        runas /user:CORP\svc-payouts "pwsh -NoProfile -Command Set-NordPayApiKey -Scope CurrentUser"
    (or -Vault and -SecretName for a SecretManagement vault, or NORDPAY_API_KEY in that account's environment).

.EXAMPLE
    ./Register-ScheduledPayout.ps1 -User CORP\svc-payouts -Folder D:\payouts
#>
#Requires -Modules ScheduledTasks
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)]
    [string] $User,

    [Parameter(Mandatory = $true)]
    [string] $Folder,

    [string] $ScriptPath = [IO.Path]::Combine($PSScriptRoot, 'Invoke-ScheduledPayout.ps1'),

    [DateTime] $At = '09:00',

    [string] $TaskName = 'NordPay payouts',

    # The PowerShell the task runs, by full path: a bare pwsh.exe depends on the task account's PATH.
    [string] $PowerShellPath = $(
        $pwsh = Get-Command -Name pwsh.exe -CommandType Application -ErrorAction SilentlyContinue | Select-Object -First 1
        if ($pwsh) { $pwsh.Source } else { [IO.Path]::Combine([Environment]::GetFolderPath('System'), 'WindowsPowerShell', 'v1.0', 'powershell.exe') }
    )
)

# The Zone mark of a download: RemoteSigned refuses such a script, and Windows PowerShell such a module's files.
if ($env:OS -eq 'Windows_NT') {
    $module = Get-Module -Name NordPay -ListAvailable | Select-Object -First 1
    $marked = @(@(Get-Item -LiteralPath $ScriptPath) + @(if ($module) { Get-ChildItem -LiteralPath $module.ModuleBase -Recurse -File }) |
        Where-Object { Get-Item -LiteralPath $_.FullName -Stream Zone.Identifier -ErrorAction SilentlyContinue })
    if ($marked.Count -gt 0) {
        Write-Warning "Downloaded files keep a Zone mark that stops the task: $($marked.FullName -join ', '). Unblock them: Get-ChildItem -Recurse <folder> | Unblock-File"
    }
}

$action = New-ScheduledTaskAction -Execute $PowerShellPath -WorkingDirectory $Folder `
    -Argument "-NoProfile -NonInteractive -ExecutionPolicy RemoteSigned -File `"$ScriptPath`" -Folder `"$Folder`""
$trigger = New-ScheduledTaskTrigger -Daily -At $At
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -StartWhenAvailable -ExecutionTimeLimit (New-TimeSpan -Hours 2)
$credential = Get-Credential -UserName $User -Message "The password of $User, which runs the task"
if ($PSCmdlet.ShouldProcess($TaskName, "Register a daily task running $ScriptPath with $PowerShellPath as $User")) {
    Register-ScheduledTask -TaskName $TaskName -Description 'Pays the day''s NordPay payout file (exit 0 complete, 1 rows failed, 2 rows in doubt, 3 nothing could start, 4 unexpected failure; output in the day''s .log).' `
        -Action $action -Trigger $trigger -Settings $settings -User $credential.UserName -Password $credential.GetNetworkCredential().Password
}
