# Reads the ```powershell blocks of the README, the about_ topics and the cmdlet help pages' examples, and the
# readme-test markers above them, for Readme.Tests.ps1.

$Readme = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..', 'README.md'))
$HelpSource = [IO.Path]::GetFullPath([IO.Path]::Combine($PSScriptRoot, '..', '..', 'docs', 'help'))
# Every page whose blocks run: the README, each about_ topic, then each cmdlet's help page, as written in docs/help.
$AboutTopicPages = @([IO.Directory]::GetFiles($HelpSource, 'about_*.help.txt') | Sort-Object)
$CmdletHelpPages = @([IO.Directory]::GetFiles($HelpSource, '*-*.md') | Sort-Object)
$DocumentedPages = @($Readme) + $AboutTopicPages + $CmdletHelpPages
$EndOfBlock = '--- end of README block ---'
$MarkerPattern = '^\s*<!--\s*readme-test:\s*(?<directive>.*?)\s*-->\s*$'
$FencePattern = '^(?<indent>\s*)```\s*(?<language>[^\s`]*)\s*$'
$PowerShellLanguages = 'powershell', 'pwsh', 'ps1', 'posh'

# The directives of the markers right above a fence: Skip (the reason, '' when none given), Answers, Approve, Given
# (lines run before the block), Shows (texts its output holds), Unknown.
function Read-ReadmeDirective([string[]] $Markers) {
    $directives = @{ Skip = $null; Answers = @(); Approve = $false; Given = @(); Shows = @(); Unknown = @() }
    foreach ($marker in $Markers) {
        $name, $value = $marker.Split(':', 2)
        $value = if ($null -eq $value) { '' } else { $value.Trim() }
        switch ($name.Trim()) {
            'skip' { $directives.Skip = $value }
            'answers' { $directives.Answers += @($value.Split(',') | ForEach-Object Trim) }
            'approve' { $directives.Approve = $true }
            'given' { $directives.Given += $value }
            'shows' { $directives.Shows += $value }
            default { $directives.Unknown += $marker }
        }
    }
    $directives
}

# One hashtable per fenced block in a PowerShell language (Pester's -ForEach makes its keys variables):
# Page (the file's name), Line (of the opening fence), Title, Code, Directives.
function Get-ReadmeBlock([string] $Path) {
    $lines = [IO.File]::ReadAllLines($Path)
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -notmatch $FencePattern) { continue }
        $indent = $Matches.indent.Length
        $language = $Matches.language
        $open = $i
        $code = [Collections.Generic.List[string]]::new()
        for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^\s*```\s*$'; $i++) {
            $code.Add($(if ($lines[$i].Length -ge $indent) { $lines[$i].Substring($indent) } else { $lines[$i].TrimStart() }))
        }
        if ($language -notin $PowerShellLanguages) { continue }
        $markers = [Collections.Generic.List[string]]::new()
        for ($above = $open - 1; $above -ge 0 -and $lines[$above] -match $MarkerPattern; $above--) { $markers.Insert(0, $Matches.directive) }
        $title = @($code | Where-Object { $_.Trim() -and -not $_.TrimStart().StartsWith('#') })[0]
        @{
            Page = [IO.Path]::GetFileName($Path)
            Line = $open + 1
            Title = if ($title.Length -gt 70) { $title.Substring(0, 70).TrimEnd() + '...' } else { $title.Trim() }
            Code = $code -join "`n"
            Directives = Read-ReadmeDirective $markers
        }
    }
}

# Markers that sit anywhere but in the run of comments right above a PowerShell block's fence: they would do nothing.
function Get-StrayReadmeMarker([string] $Path) {
    $lines = [IO.File]::ReadAllLines($Path)
    for ($i = 0; $i -lt $lines.Count; $i++) {
        if ($lines[$i] -notmatch $MarkerPattern) { continue }
        $below = $i
        while ($below -lt $lines.Count -and $lines[$below] -match $MarkerPattern) { $below++ }
        if ($below -ge $lines.Count -or $lines[$below] -notmatch $FencePattern -or $Matches.language -notin $PowerShellLanguages) {
            "line $($i + 1): $($lines[$i].Trim())"
        }
    }
}

# The only changes made to a block before it runs (see Readme.Tests.ps1).
function Set-ReadmeSubstitution([string] $Code, [string] $BaseUri, [string] $Folder) {
    $Code.Replace('http://127.0.0.1:5080/', $BaseUri).Replace('./out/NordPay/NordPay.psd1', $ModuleManifest).Replace('D:\payouts\', $Folder + [IO.Path]::DirectorySeparatorChar)
}

# The examples of a cmdlet's help page (each ### under ## EXAMPLES), with how many PowerShell fences each holds: the
# build shows one ```powershell fence per example, so an example in any other shape would be shown but never run.
function Get-HelpExample([string] $Path) {
    $inExamples = $false
    $example = $null
    foreach ($line in [IO.File]::ReadAllLines($Path)) {
        if ($line -match '^## ') {
            if ($example) { $example; $example = $null }
            $inExamples = $line -match '^## EXAMPLES\s*$'
        }
        elseif ($inExamples -and $line -match '^### (?<title>.*)') {
            if ($example) { $example }
            $example = [pscustomobject]@{ Title = $Matches.title.Trim(); Fences = 0 }
        }
        elseif ($example -and $line -match $FencePattern -and $Matches.language -eq 'powershell') { $example.Fences++ }
    }
    if ($example) { $example }
}
