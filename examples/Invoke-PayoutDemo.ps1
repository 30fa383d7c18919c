<#
.SYNOPSIS
    Pays out a CSV of payouts through NordPay's two-step withdraw flow, here against the local sandbox.

.DESCRIPTION
    Imports the built module by its manifest, sets the sandbox's test key for this session, then runs the
    pipeline users run: Import-Csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw.
    build.ps1 -Task Demo starts the sandbox and calls this script.

.EXAMPLE
    ./examples/Invoke-PayoutDemo.ps1 -BaseUri http://127.0.0.1:5080/ -SandboxApiKey np_sandbox_key_0123456789
#>
[CmdletBinding()]
param(
    # The sandbox's base URI, as it prints it when it starts.
    [Parameter(Mandatory = $true)]
    [Uri] $BaseUri,

    # The sandbox's test key, as it prints it when it starts. A real key is never passed as plain text:
    # Set-NordPayApiKey prompts for it, or an unattended job sets NORDPAY_API_KEY.
    [Parameter(Mandatory = $true)]
    [string] $SandboxApiKey,

    [string] $CsvPath = [IO.Path]::Combine($PSScriptRoot, 'payouts.csv'),

    [string] $ModulePath = [IO.Path]::Combine($PSScriptRoot, '..', 'out', 'NordPay', 'NordPay.psd1')
)

Import-Module -Name $ModulePath
Set-NordPayApiKey -ApiKey ([System.Net.NetworkCredential]::new('', $SandboxApiKey).SecurePassword) -BaseUri $BaseUri

# -Force confirms without a prompt, as a scheduled job would; drop it to be asked row by row.
Import-Csv -Path $CsvPath | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force
