<#
.SYNOPSIS
    Registers the day's NordPay payouts as a Windows scheduled task: pwsh -NonInteractive -File Invoke-ScheduledPayout.ps1.

.DESCRIPTION
    Run it once, as an administrator. The task runs as -User whether or not that user is logged on, every day at -At, and
    never twice at once. Its Last Run Result is the script's exit code: 0x0 complete, 0x1 rows failed, 0x2 rows in doubt,
    0x3 nothing could start.

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

    [string] $TaskName = 'NordPay payouts'
)

$action = New-ScheduledTaskAction -Execute 'pwsh.exe' -WorkingDirectory $Folder `
    -Argument "-NoProfile -NonInteractive -ExecutionPolicy RemoteSigned -File `"$ScriptPath`" -Folder `"$Folder`""
$trigger = New-ScheduledTaskTrigger -Daily -At $At
$settings = New-ScheduledTaskSettingsSet -MultipleInstances IgnoreNew -ExecutionTimeLimit (New-TimeSpan -Hours 2)
$credential = Get-Credential -UserName $User -Message "The password of $User, which runs the task"
if ($PSCmdlet.ShouldProcess($TaskName, "Register a daily task running $ScriptPath as $User")) {
    Register-ScheduledTask -TaskName $TaskName -Description 'Pays the day''s NordPay payout file (exit 0 complete, 1 rows failed, 2 rows in doubt, 3 nothing could start).' `
        -Action $action -Trigger $trigger -Settings $settings -User $credential.UserName -Password $credential.GetNetworkCredential().Password
}
