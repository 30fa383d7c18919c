using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>-WhatIf, -Confirm, -Force and prompts: nothing moves unless the user said so.</summary>
public class ShouldProcessTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private static readonly object Three = Rows.Payouts(
        ("USDTBEP20", Rows.Evm(1), "1.5"), ("USDTTRC20", Rows.Tron(2), "30.25"), ("USDTBEP20", Rows.Evm(3), "1.123456789012345678"));

    // A session of a fresh sandbox, and what it did with the three rows piped through the script.
    private (SandboxServer Sandbox, PowerShellSession Session, RunResult Result) ThreeRowsThrough(string script, params string[] answers) => runs.Of(script, () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        foreach (var answer in answers) ps.UI.ChoiceAnswers.Enqueue(answer);
        return (sandbox, ps, ps.Run(script, Three));
    });

    private (SandboxServer Sandbox, PowerShellSession Session, RunResult Result) WhatIf =>
        ThreeRowsThrough("$args[0] | New-NordPayWithdrawRequest -WhatIf | Confirm-NordPayWithdraw -Force");

    [Fact]
    public void WhatIf_sends_no_request()
    {
        var (sandbox, _, result) = WhatIf;
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(sandbox.State.Received);
    }

    [Fact]
    public void WhatIf_prints_one_line_per_row()
    {
        var lines = WhatIf.Session.UI.WhatIfLines.ToList();
        Assert.Equal(3, lines.Count);
        Assert.Contains("1.5 USDTBEP20 to " + Rows.Evm(1), lines[0]);
        Assert.Contains("30.25 USDTTRC20 to " + Rows.Tron(2), lines[1]);
        Assert.Contains("1.123456789012345678 USDTBEP20 to " + Rows.Evm(3), lines[2]);
    }

    [Fact]
    public void WhatIf_needs_no_api_key()
    {
        using var ps = PowerShellSession.Interactive();
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest -WhatIf; Confirm-NordPayWithdraw -Identifier ([guid]::NewGuid()) -WhatIf", Three);
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        Assert.Equal(4, ps.UI.WhatIfLines.Count());
    }

    [Theory]
    [InlineData("-Force -WhatIf", "")]
    [InlineData("-Force", "$WhatIfPreference = $true; ")]
    [InlineData("-Confirm:$false -WhatIf", "")]
    public void Force_never_overrides_WhatIf(string confirmParameters, string preamble)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var requests = ps.Run("$args[0] | New-NordPayWithdrawRequest", Three).Output;
        var result = ps.Run(preamble + "$args[0] | Confirm-NordPayWithdraw " + confirmParameters, requests);
        Assert.Empty(result.Errors);
        Assert.Empty(result.Output);
        Assert.Empty(sandbox.State.Ledger);
        Assert.DoesNotContain(sandbox.State.Received, r => r.Path.EndsWith("confirm", StringComparison.Ordinal));
        Assert.Equal(3, ps.UI.WhatIfLines.Count());
    }

    private (SandboxServer Sandbox, PowerShellSession Session, RunResult Result) AnsweredYesNoYes =>
        ThreeRowsThrough("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw", "Yes", "No", "Yes");

    [Fact]
    public void Confirm_prompts_for_each_row()
    {
        var prompts = AnsweredYesNoYes.Session.UI.Prompts;
        Assert.Equal(3, prompts.Count);
        Assert.Contains("1.5 USDTBEP20 to " + Rows.Evm(1), prompts[0]);
        Assert.Contains("30.25 USDTTRC20 to " + Rows.Tron(2), prompts[1]);
    }

    [Fact]
    public void Confirm_pays_only_the_rows_answered_yes()
    {
        var (sandbox, _, result) = AnsweredYesNoYes;
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(3) }, sandbox.State.Ledger.Select(w => w.Address));
        Assert.Equal(2, result.Objects<NordPayWithdrawConfirmation>().Count());
    }

    [Theory]
    [InlineData("Yes to All", 3)]
    [InlineData("No to All", 0)]
    public void An_answer_to_all_prompts_once_for_the_whole_batch(string answer, int paid)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        ps.UI.ChoiceAnswers.Enqueue(answer);
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw", Three);
        Assert.Single(ps.UI.Prompts);
        Assert.Equal(paid, result.Objects<NordPayWithdrawConfirmation>().Count());
        Assert.Equal(paid, sandbox.State.Ledger.Count);
    }

    [Theory]
    [InlineData("-Force")]
    [InlineData("-Confirm:$false")]
    public void Force_or_Confirm_false_pays_without_prompting(string flags)
    {
        var (sandbox, ps, _) = ThreeRowsThrough("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw " + flags);
        Assert.Empty(ps.UI.Prompts);
        Assert.Equal(3, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void An_explicit_Confirm_prompts_even_with_Force()
    {
        var (sandbox, ps, _) = ThreeRowsThrough("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force -Confirm", "No to All");
        Assert.Single(ps.UI.Prompts);
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public void New_request_prompts_only_when_asked()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        ps.Run("$args[0] | New-NordPayWithdrawRequest", Three);
        Assert.Empty(ps.UI.Prompts);

        foreach (var answer in new[] { "No", "Yes", "No" }) ps.UI.ChoiceAnswers.Enqueue(answer);
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest -Confirm", Three);
        Assert.Equal(3, ps.UI.Prompts.Count);
        Assert.Equal(Rows.Tron(2), Assert.Single(result.Objects<NordPayWithdrawRequest>()).Address);
    }

    [Fact]
    public void An_unattended_session_fails_closed_when_a_prompt_would_be_needed()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.Unattended();
        ps.SetKey(sandbox.ApiKey, sandbox.BaseUri);

        var prompted = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw", Three);
        Assert.Equal("ConfirmationNeedsInteractiveHost,NordPay.Commands.ConfirmNordPayWithdrawCommand", prompted.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Contains("-Force", prompted.TerminatingRecord.ErrorDetails.RecommendedAction);
        Assert.Empty(sandbox.State.Ledger);

        var forced = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", Three);
        Assert.Null(forced.Terminating);
        Assert.Equal(3, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void An_expired_request_is_refused_locally_before_it_is_sent()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        // Requests kept past their expiry (say, exported and confirmed the next day).
        var result = ps.Run("""
            $args[0] | New-NordPayWithdrawRequest |
                ForEach-Object { [NordPay.Models.NordPayWithdrawRequest]::new($_.Identifier, $_.Currency, $_.Address, $_.Amount, $_.AmountUsd, $_.ServiceFee, $_.ServiceFeeUsd, [DateTimeOffset]::UtcNow.AddMinutes(-1)) } |
                Confirm-NordPayWithdraw -Force
            """, Three);

        Assert.Equal(3, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("RequestExpiredBeforeConfirm,NordPay.Commands.ConfirmNordPayWithdrawCommand", e.FullyQualifiedErrorId);
            Assert.IsType<NordPayWithdrawRequest>(e.TargetObject);
            Assert.Contains("expired", e.ErrorDetails.Message);
        });
        Assert.DoesNotContain(sandbox.State.Received, r => r.Path.EndsWith("confirm", StringComparison.Ordinal));
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public void A_request_is_expired_by_NordPays_clock_not_by_a_machine_clock_running_ahead_of_it()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        // NordPay's clock an hour behind this machine's: its requests expire, by this machine's clock, 45 minutes ago.
        sandbox.State.AdvanceClock(TimeSpan.FromHours(-1));

        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", Three);

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.Output.Count);
        Assert.Equal(3, sandbox.State.Ledger.Count);
    }
}
