@{
    RootModule             = 'NordPay.PowerShell.dll'
    ModuleVersion          = '0.3.0'
    GUID                   = '5b0e7f0c-6a4e-4b9d-9a51-3f0d2c8e7a11'
    Author                 = 'NordPay.PowerShell contributors'
    CompanyName            = 'NordPay.PowerShell'
    Copyright              = '(c) NordPay.PowerShell contributors. MIT licence.'
    Description            = 'Pay out crypto through the NordPay API from PowerShell: exact amounts, two-step withdrawals with -WhatIf/-Confirm, CSV pipelines and unattended jobs.'
    CompatiblePSEditions   = @('Desktop', 'Core')
    PowerShellVersion      = '5.1'
    DotNetFrameworkVersion = '4.7.2'
    # Checks the .NET Framework release on Windows PowerShell 5.1 before the assembly (the root module) loads.
    NestedModules          = @('NordPay.Prerequisites.ps1')
    FormatsToProcess       = @('NordPay.Format.ps1xml')
    CmdletsToExport        = @('Set-NordPayApiKey', 'Get-NordPayApiKey', 'Remove-NordPayApiKey', 'New-NordPayWithdrawRequest', 'Confirm-NordPayWithdraw', 'Invoke-NordPayPayout', 'Set-NordPayConfiguration', 'Get-NordPayConfiguration', 'Get-NordPayCurrency', 'Get-NordPayBalance', 'Get-NordPayWithdrawal', 'Test-NordPayAddress', 'Set-NordPayPolicy', 'Get-NordPayPolicy', 'Remove-NordPayPolicy', 'Get-NordPayJournal', 'Compare-NordPayJournal')
    FunctionsToExport      = @()
    VariablesToExport      = @()
    AliasesToExport        = @()
    PrivateData            = @{
        PSData = @{
            Tags         = @('NordPay', 'Crypto', 'Payments', 'Payout', 'Withdraw', 'PSEdition_Desktop', 'PSEdition_Core', 'Windows', 'Linux', 'MacOS')
            ProjectUri   = 'https://github.com/nordpay-powershell/NordPay.PowerShell'
            LicenseUri   = 'https://github.com/nordpay-powershell/NordPay.PowerShell/blob/main/LICENSE'
            ReleaseNotes = @'
0.3.0
- Batches of thousands of rows: workers never touch PowerShell's session state (a guard enforces it); a fault of any kind stops every worker with every row reported once; no run can hang.
- The withdraw history is read by one sceptical reader (order, offset, repeats, page size checked; HistoryUnreliable otherwise). Only pending or processed withdrawals pay (WithdrawalFailed). "Not found" for a known request is no proof. Rows in doubt settle themselves once their requests expired; a confirm announced but never sent (confirm-sent marker) is not in doubt. A journal that cannot be written stops the batch (JournalWriteFailed).
- Answers that lie are never confirmed: repeated JSON keys, missing echoes, reused identifiers, answers over 1 MB.
- Operator habits: decimal commas beside d.ddd amounts, empty Excel rows, two columns for one field, -LiteralPath, NordPayUnreachable, plain job logs and signal exit codes.
- Windows: protected ACLs, fully qualified config folders, .NET Framework HTTP defaults and environment proxies, the Task Scheduler recipe, reports open in Excel; exit code 4 for the scheduled job's own failures.
- Help: a short README and about_NordPay* help topics.
0.2.0
- Breaking: the output types moved to the NordPay.Models namespace (for example [NordPay.Models.NordPayWithdrawRequest]).
- A confirm that may have reached NordPay is paid (proved) or in doubt, never failed; amounts compare by value (2.5 = 2.50);
  paths resolve through PowerShell's location and ~; reconciliation never claims a withdrawal twice; -SettleInDoubt, -SettleReference.
- The batch commits its journal once per window of rows; rate limits (429) pace every worker of a session together.
- Addresses checked for their currency's network before anything is sent (EIP-55, base58check, bech32/bech32m); Test-NordPayAddress.
- Set-NordPayPolicy, Get-NordPayPolicy, Remove-NordPayPolicy: limits per payout, run and day, and an address book, enforced before any payout.
- Get-NordPayJournal and Compare-NordPayJournal: a journal's rows (also while a run holds it) and its discrepancies with the withdraw history; Invoke-NordPayPayout -ReportPath; a scheduled job with exit codes in examples/scheduled.

0.1.0
- New-NordPayWithdrawRequest and Confirm-NordPayWithdraw: the two-step payout, exact culture-proof amounts, -WhatIf/-Confirm/-Force.
- Invoke-NordPayPayout: journaled batches paid exactly once across crashes and re-runs, preflight, -ThrottleLimit, multiple withdraws.
- Keys per session, NORDPAY_API_KEY, persisted profiles (DPAPI, SecretManagement vault, owner-only file); one redactor.
- Retries, timeouts, proxies and Ctrl+C that never pay twice; Get-NordPayCurrency, Get-NordPayBalance, Get-NordPayWithdrawal.
'@
        }
    }
}
