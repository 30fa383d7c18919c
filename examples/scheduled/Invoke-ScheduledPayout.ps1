<#
.SYNOPSIS
    Pays the day's payout file unattended, with its journal and report beside it, and says how it went by its exit code.

.DESCRIPTION
    Pays <Folder>/<Prefix><Date>.csv (for example payouts-2026-11-24.csv) with Invoke-NordPayPayout, journaling it in
    payouts-2026-11-24.journal beside it and reporting every row in payouts-2026-11-24.report.csv. Run it again after any
    failure or crash, by hand or at the next trigger: nothing is paid twice.

    The key comes from the job's environment (NORDPAY_API_KEY, and NORDPAY_BASE_URI for another endpoint) or from a
    profile persisted by the account that runs the job (Set-NordPayApiKey -Scope CurrentUser; -ProfileName names it).

    Exit codes, for Task Scheduler's Last Run Result, systemd's unit state or cron's mail:
      0  complete: every row is paid, by this run or an earlier one.
      1  rows failed (see the report): the others are paid; a re-run tries the failed rows again.
      2  rows are in doubt (a confirm's outcome is unknown and the withdraw history cannot settle it yet), or NordPay
         reports their withdrawal failed: they are never paid again automatically. A person checks Compare-NordPayJournal
         and settles them: Invoke-NordPayPayout -SettleInDoubt Paid or NotPaid. Rows in doubt whose requests expired
         settle themselves at the next run, from the history.
      3  nothing could start: no key, no file, a file with no row (its header only, or empty) or with no row that can be
         paid (the batch refused as a whole included), another run holds the journal, or NordPay could not be reached
         before anything was paid (NordPayUnreachable; with rows paid before it, 1).
      4  an unexpected failure of this script (see the log): nothing says which rows are paid; a re-run pays nothing twice.

    Its last line, for the job's log, says how the batch ended and names the payout policy it obeyed, or says "no policy".

    Everything the job writes (its errors and warnings included) also goes to payouts-2026-11-24.log beside the journal,
    as a scheduler such as Task Scheduler keeps no output.

.EXAMPLE
    pwsh -NoProfile -NonInteractive -File ./Invoke-ScheduledPayout.ps1 -Folder /srv/payouts

.EXAMPLE
    pwsh -NoProfile -NonInteractive -File ./Invoke-ScheduledPayout.ps1 -Folder D:\payouts -Date 2026-11-24 -ProfileName treasury
#>
[CmdletBinding()]
param(
    # The folder of the dated payout files; the journal and the report are written beside them.
    [Parameter(Mandatory = $true)]
    [string] $Folder,

    # The date of the file to pay: today by default.
    [ValidatePattern('^\d{4}-\d{2}-\d{2}$')]
    [string] $Date = [DateTime]::Today.ToString('yyyy-MM-dd', [cultureinfo]::InvariantCulture),

    [string] $Prefix = 'payouts-',

    # A persisted profile (Set-NordPayApiKey -Scope CurrentUser -Profile NAME); without it, NORDPAY_API_KEY or the default profile.
    [string] $ProfileName,

    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 1
)

Set-StrictMode -Version 3.0
# A scheduler's log is no terminal: it gets plain text, without colour codes.
if ((Test-Path Variable:PSStyle) -and ([Console]::IsOutputRedirected -or [Console]::IsErrorRedirected)) { $PSStyle.OutputRendering = 'PlainText' }

$file = [IO.Path]::Combine($Folder, "$Prefix$Date.csv")
$journal = [IO.Path]::Combine($Folder, "$Prefix$Date.journal")
$report = [IO.Path]::Combine($Folder, "$Prefix$Date.report.csv")
$log = [IO.Path]::Combine($Folder, "$Prefix$Date.log")

# One line for the job's log, then the exit code.
function Exit-Job([int] $Code, [string] $Why) {
    Write-Output "$([IO.Path]::GetFileName($file)): $Why (exit $Code)"
    if ($script:logging) { $null = Stop-Transcript }
    exit $Code
}

# An error nothing here expected gets a code of its own: left to PowerShell it would exit 1, which says "rows failed".
trap {
    Write-Error -ErrorRecord $_ -ErrorAction Continue
    Exit-Job 4 "unexpected failure: $($_.Exception.Message)"
}

$script:logging = $false
try {
    $null = Start-Transcript -LiteralPath $log -Append -ErrorAction Stop
    $script:logging = $true
}
catch {
    Write-Warning "No log of this run in ${log}: $($_.Exception.Message)"
}

# Where the journal's rows stand: unchanged by a run means the run could not start anything.
function Get-JournalState {
    if (-not [IO.File]::Exists($journal)) { return '' }
    @(Get-NordPayJournal -Path ([WildcardPattern]::Escape($journal)) -ErrorAction Stop | ForEach-Object { "$($_.Reference) $($_.State) $($_.ChangedAt.UtcTicks)" }) -join "`n"
}

# How many rows the journal has as paid.
function Get-PaidCount {
    @(if ([IO.File]::Exists($journal)) { Get-NordPayJournal -LiteralPath $journal -State Paid -ErrorAction Stop }).Count
}

try {
    Import-Module NordPay -ErrorAction Stop
    $keyArgs = if ($ProfileName) { @{ Profile = $ProfileName } } else { @{} }
    if (-not (Get-NordPayApiKey @keyArgs -ErrorAction SilentlyContinue)) { Exit-Job 3 'no NordPay key: set NORDPAY_API_KEY, or persist a profile as this account (Set-NordPayApiKey -Scope CurrentUser)' }
    if (-not [IO.File]::Exists($file)) { Exit-Job 3 "there is no file $file" }
    $before = Get-JournalState
    $paidBefore = Get-PaidCount
}
catch {
    Write-Error -ErrorRecord $_
    Exit-Job 3 "nothing could start: $($_.Exception.Message)"
}

$summary = $null
$stopped = $null
$ended = $false
try {
    Import-Csv -LiteralPath $file -ErrorAction Stop |
        Invoke-NordPayPayout -JournalPath $journal -ReportPath $report -ThrottleLimit $ThrottleLimit -Force @keyArgs |
        ForEach-Object { if ($_ -is [NordPay.Models.NordPayPayoutSummary]) { $summary = $_ } }
    $ended = $true
}
catch {
    # A failure no row can get past: the errors of the rows were written as they came.
    $ended = $true
    $stopped = $_
    Write-Error -ErrorRecord $_
}
finally {
    # Stopped by SIGINT (Ctrl+C, or a scheduler stopping the job), which pwsh would end with 0: the pipeline cannot be written
    # to any more, so the log line goes to the console. The next run carries on from the journal.
    if (-not $ended) {
        [Console]::Out.WriteLine("$([IO.Path]::GetFileName($file)): stopped by a signal; the next run carries on from the journal (exit 130)")
        [Environment]::Exit(130)
    }
}

# The policy a batch that stopped obeyed, found as the batch found it (a summary names its own).
function Get-PolicyText {
    try {
        $policy = Get-NordPayPolicy @keyArgs -ErrorAction SilentlyContinue
        if ($policy) { "policy $($policy.Name)" } else { 'no policy' }
    }
    catch {
        "the policy could not be found ($($_.FullyQualifiedErrorId -replace ',.*'))"
    }
}

if ($stopped -and $stopped.FullyQualifiedErrorId -like 'JournalLocked,*') { Exit-Job 3 "another run holds $journal" }
$counts = if ($summary) { "$summary; report $($summary.ReportPath)" } else { "stopped ($($stopped.FullyQualifiedErrorId -replace ',.*')); $(Get-PolicyText)" }
$inDoubt = @(if ([IO.File]::Exists($journal)) { Get-NordPayJournal -Path ([WildcardPattern]::Escape($journal)) -State InDoubt, ConfirmSent, WithdrawalFailed })
if ($inDoubt.Count -gt 0) { Exit-Job 2 "$counts; $($inDoubt.Count) in doubt or failed at NordPay ($($inDoubt.Reference -join ', ')): check Compare-NordPayJournal, then settle with -SettleInDoubt" }
# NordPay could not be reached mid-batch: the rows not sent are not paid, and the next run carries on with them.
if ($stopped -and $stopped.FullyQualifiedErrorId -like 'NordPayUnreachable,*') {
    Exit-Job $(if ((Get-PaidCount) -gt $paidBefore) { 1 } else { 3 }) "$counts; NordPay could not be reached, the rows not sent are not paid: the next run carries on"
}
# "Complete" over no row at all is an export that failed, not a day paid.
if ($summary -and $summary.Rows -eq 0) { Exit-Job 3 "$counts; the file has no row" }
if ($summary -and $summary.Complete) { Exit-Job 0 $counts }
if ((-not $summary -or $summary.Paid + $summary.AlreadyPaid -eq 0) -and (Get-JournalState) -eq $before) { Exit-Job 3 "$counts; nothing could be paid" }
Exit-Job 1 "$counts; a re-run tries the failed rows again"
