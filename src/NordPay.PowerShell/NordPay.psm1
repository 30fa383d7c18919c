# The root module: loads the module's assembly after the nested module NordPay.Prerequisites.ps1 has run. On PowerShell 7
# it loads the image of the assembly compiled ahead of time (ReadyToRun) for this .NET and platform when the module ships
# one (readytorun/net<.NET major>-<runtime identifier>/, written by the build): a cold process then compiles about 300 of
# the module's methods fewer, about 30 ms (bench/README.md). Everywhere else, Windows PowerShell 5.1 included, the IL
# assembly. Both are one assembly, with the same identity: a process that loaded either uses it for both.
# Paths with "/", which Windows takes too: each .NET call here costs PowerShell a call site to compile.
$assembly = "$PSScriptRoot/NordPay.PowerShell.dll"
if ($PSEdition -eq 'Core') {
    $image = "$PSScriptRoot/readytorun/net$([System.Environment]::Version.Major)-$([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier)/NordPay.PowerShell.dll"
    if ([System.IO.File]::Exists($image)) { $assembly = $image }
}
Import-Module -Name $assembly
