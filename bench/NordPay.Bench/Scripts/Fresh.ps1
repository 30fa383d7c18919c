# One path of the benchmark's fresh-process part, run by a new pwsh as a scheduled job runs: the key and the
# sandbox's address come from NORDPAY_API_KEY and NORDPAY_BASE_URI. Prints the milliseconds Import-Module took and
# the milliseconds from Import-Csv to the last row, and fails when a row did.
param(
    [Parameter(Mandatory)] [ValidateSet('Pipeline', 'Batch', 'InvokeRestMethod')] [string] $Path,
    [Parameter(Mandatory)] [string] $Csv,
    [string] $Module,
    [string] $Journal
)
$ErrorActionPreference = 'Stop'
$clock = [Diagnostics.Stopwatch]::StartNew()
if ($Module) { Import-Module $Module }
$import = $clock.Elapsed.TotalMilliseconds
$clock.Restart()
switch ($Path) {
    'Pipeline' { $out = Import-Csv $Csv | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force }
    'Batch' { $out = Import-Csv $Csv | Invoke-NordPayPayout -JournalPath $Journal -Force -InformationAction Ignore }
    'InvokeRestMethod' {
        # What a script without the module would do: the two documented calls per row.
        $headers = @{ 'X-API-KEY' = $env:NORDPAY_API_KEY }
        $out = foreach ($row in Import-Csv $Csv) {
            $body = @{ currency = $row.Currency; address = $row.Address; amount = $row.Amount } | ConvertTo-Json
            $request = Invoke-RestMethod -Method Post -Uri "$($env:NORDPAY_BASE_URI)balance/withdraw/request" -Headers $headers -ContentType 'application/json' -Body $body
            Invoke-RestMethod -Method Post -Uri "$($env:NORDPAY_BASE_URI)balance/withdraw/confirm" -Headers $headers -ContentType 'application/json' -Body (@{ identifier = $request.identifier } | ConvertTo-Json)
        }
    }
}
$rows = $clock.Elapsed.TotalMilliseconds
# Each path's output has one object per paid row (the batch adds its summary); a withdrawal's id proves a payment.
$paid = @($out | Where-Object { ($_.PSObject.Properties['Id'] -and $_.Id) -or ($_.PSObject.Properties['WithdrawalId'] -and $_.WithdrawalId) }).Count
'{0} {1} {2}' -f $paid, $import.ToString('0.0', [cultureinfo]::InvariantCulture), $rows.ToString('0.0', [cultureinfo]::InvariantCulture)
