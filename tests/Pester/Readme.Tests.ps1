<#
    Every ```powershell block of README.md, of the about_ topics (docs/help/about_*.help.txt) and of the cmdlet help
    pages' examples (docs/help/<Verb>-<Noun>.md), run as written in a child pwsh against a fresh sandbox, so the
    documentation cannot rot. A block added to any of them is a new test here without any change to this file.

    Each block runs in its own scratch folder holding payouts.csv, today.csv and payouts-<today>.csv (copies of examples/payouts.csv),
    with the sandbox's key in NORDPAY_API_KEY and NORDPAY_BASE_URI (the key a reader has set by then), and the
    built module on PSModulePath. It passes when it exits with 0, writes nothing to the error stream and reaches
    its end. Only these texts are replaced before it runs:

        http://127.0.0.1:5080/        the sandbox's address (it listens on a free port)
        ./out/NordPay/NordPay.psd1    the built manifest's full path
        D:\payouts\                   the block's scratch folder

    A comment right above a block's opening fence changes how it runs (docs/contributing.md: How the docs are
    tested); the build leaves these markers out of the help it ships:

        <!-- readme-test: skip: REASON -->          not run (shown as skipped, with the reason): for a block that cannot
                                                    run as written, e.g. one that prompts for a secret
        <!-- readme-test: answers: LINE, LINE -->   lines typed at its prompts, e.g. A for [A] Yes to All
        <!-- readme-test: approve -->               the merchant's admin approves every payout while it runs
        <!-- readme-test: given: CODE -->           a line of PowerShell run first, in the block's session, for what
                                                    the block takes as there (a journal, a file, a variable)
        <!-- readme-test: shows: TEXT -->           its output holds TEXT (line wrapping undone), as the page says
#>
param(
    [string] $Configuration = 'Release'
)

BeforeDiscovery {
    . ([IO.Path]::Combine($PSScriptRoot, 'ReadmeBlocks.ps1'))
    $pages = @($DocumentedPages | ForEach-Object { @{ Page = [IO.Path]::GetFileName($_); Path = $_ } })
    $blocks = @(foreach ($page in $DocumentedPages) { Get-ReadmeBlock -Path $page })
}

BeforeAll {
    . ([IO.Path]::Combine($PSScriptRoot, 'TestSupport.ps1'))
    . ([IO.Path]::Combine($PSScriptRoot, 'ReadmeBlocks.ps1'))
}

AfterAll {
    Remove-TestFolder
}

Describe 'README.md' {
    It 'has PowerShell blocks, most of them run' {
        $all = @(Get-ReadmeBlock -Path $Readme)
        $all.Count | Should -BeGreaterThan 5
        @($all | Where-Object { $null -eq $_.Directives.Skip }).Count | Should -BeGreaterThan ($all.Count / 2)
    }
}

Describe 'The README, the about_ topics and the cmdlet help' {
    It 'has every readme-test marker of <Page> right above a PowerShell block' -ForEach $pages {
        Get-StrayReadmeMarker -Path $Path | Should -BeNullOrEmpty -Because 'a marker anywhere else changes nothing'
    }
}

Describe 'The about_ topics' {
    It 'have PowerShell blocks that run' {
        $topicBlocks = @($AboutTopicPages | ForEach-Object { Get-ReadmeBlock -Path $_ })
        @($topicBlocks | Where-Object { $null -eq $_.Directives.Skip }).Count | Should -BeGreaterThan 10
    }
}

Describe 'The cmdlet help' {
    It 'has exactly one PowerShell block for each example of <Page>' -ForEach @($pages | Where-Object Path -In $CmdletHelpPages) {
        $examples = @(Get-HelpExample -Path $Path)
        $examples.Count | Should -BeGreaterOrEqual 2
        $examples | Where-Object Fences -NE 1 | ForEach-Object Title | Should -BeNullOrEmpty -Because 'Get-Help shows the one ```powershell block of an example, and only that block runs here'
        @(Get-ReadmeBlock -Path $Path).Count | Should -Be $examples.Count
    }

    It 'has examples that run' {
        $exampleBlocks = @($CmdletHelpPages | ForEach-Object { Get-ReadmeBlock -Path $_ })
        @($exampleBlocks | Where-Object { $null -eq $_.Directives.Skip }).Count | Should -BeGreaterThan 40
    }
}

Describe 'Each block of the README, the about_ topics and the cmdlet help' {
    It 'runs the block at <Page> line <Line> as written: <Title>' -ForEach $blocks {
        $Code | Should -Not -BeNullOrEmpty
        if ($Directives.Unknown) { throw "Unknown readme-test directive(s) above $Page line ${Line}: $($Directives.Unknown -join ', '). Known: skip, answers, approve, given, shows." }
        if ($null -ne $Directives.Skip) {
            if (-not $Directives.Skip) { throw "The skip above $Page line $Line gives no reason." }
            Set-ItResult -Skipped -Because $Directives.Skip
            return
        }

        $folder = New-TestFolder
        foreach ($name in 'payouts.csv', 'today.csv', "payouts-$(Get-Date -Format yyyy-MM-dd).csv") { Copy-Item -LiteralPath $ExampleCsv -Destination ([IO.Path]::Combine($folder, $name)) }
        $sandbox = Start-NordPaySandbox -Root $RepoRoot -Configuration $Configuration
        try {
            $given = [IO.Path]::Combine($folder, 'given.ps1')
            [IO.File]::WriteAllText($given, (Set-ReadmeSubstitution -Code ($Directives.Given -join "`n") -BaseUri $sandbox.BaseUri -Folder $folder))
            $block = [IO.Path]::Combine($folder, 'block.ps1')
            [IO.File]::WriteAllText($block, (Set-ReadmeSubstitution -Code $Code -BaseUri $sandbox.BaseUri -Folder $folder))
            $runner = [IO.Path]::Combine($folder, 'run.ps1')
            [IO.File]::WriteAllText($runner, "`$ErrorActionPreference = 'Stop'; . '$given'`n`$ErrorActionPreference = 'Continue'`n. '$block'`n'$EndOfBlock'`n")
            $approve = if ($Directives.Approve) { { Approve-SandboxPayout $sandbox } }
            $run = Invoke-Pwsh -ArgumentList '-NoProfile', '-File', $runner -WorkingDirectory $folder -Environment (Get-SandboxEnvironment $sandbox) `
                -InputLine $Directives.Answers -WhileRunning $approve
        }
        finally {
            Stop-NordPaySandbox $sandbox
        }
        $because = "the block at $Page line $Line wrote:`n$($run.Output)`n$($run.Errors)"
        $run.Errors | Should -BeNullOrEmpty -Because $because
        $run.ExitCode | Should -Be 0 -Because $because
        $run.Output.TrimEnd() | Should -BeLike "*$EndOfBlock" -Because $because
        foreach ($text in $Directives.Shows) { Join-Wrapped $run.Output | Should -BeLike "*$([WildcardPattern]::Escape((Join-Wrapped $text)))*" -Because $because }
    }
}
