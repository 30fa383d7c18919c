using NordPay.Sandbox;
using NordPay.Core;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>Every prompt before money moves says what the fees are, or that they are not known yet, never nothing.</summary>
public class FeePromptTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    /// <summary>A request declined at the prompt of Confirm-NordPayWithdraw, piped, then by its identifier: the two prompts.</summary>
    private (SandboxServer Sandbox, NordPayWithdrawRequest Request, List<string> Prompts) ConfirmDeclinedTwice => runs.Of(nameof(ConfirmDeclinedTwice), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var request = Assert.Single(ps.Run("$args[0] | New-NordPayWithdrawRequest", Rows.Payouts(("USDTBEP20", Rows.Evm(1), "1.123456789012345678")))
            .Objects<NordPayWithdrawRequest>());
        ps.UI.ChoiceAnswers.Enqueue("No");
        ps.Run("$args[0] | Confirm-NordPayWithdraw", request);
        ps.UI.ChoiceAnswers.Enqueue("No");
        ps.Run("Confirm-NordPayWithdraw -Identifier $args[0]", request.Identifier.ToString());
        Assert.Equal(2, ps.UI.Prompts.Count);
        return (sandbox, request, ps.UI.Prompts.ToList());
    });

    [Fact]
    public void A_confirm_prompt_shows_the_requests_fee()
    {
        var (sandbox, request, prompts) = ConfirmDeclinedTwice;
        var fee = request.ServiceFee!.Value;
        Assert.Contains($"1.123456789012345678 USDTBEP20 to {Rows.Evm(1)} (request {request.Identifier}): service fee {Amount.Format(fee)} USDTBEP20; " +
            $"the recipient receives {Amount.Format(request.Amount - fee)} USDTBEP20", prompts[0]);
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public void A_confirm_prompt_by_identifier_says_the_fee_is_not_known_there()
    {
        var (_, request, prompts) = ConfirmDeclinedTwice;
        Assert.Contains($"withdraw request {request.Identifier}: service fee not known here (NordPay gives it only in its answer to the request; " +
            "pipe the request object from New-NordPayWithdrawRequest to see it)", prompts[1]);
    }

    /// <summary>Three rows paid with NordPay's withdraw limits answered as given (its own, unless a fault answers), the second declined.</summary>
    private (SandboxServer Sandbox, RunResult Result, IReadOnlyList<string> Prompts) DeclinedSecondRow(int status = 0, string? limits = null) =>
        runs.Of($"limits {status} {limits}", () =>
        {
            var sandbox = runs.Keep(Sandboxes.Start());
            if (limits != null) sandbox.State.Faults.Add(FaultRule.Answer("withdraw/limits", status, limits));
            var (result, prompts) = PayDecliningTheSecondRow(runs.Keep(PowerShellSession.For(sandbox)));
            return (sandbox, result, prompts);
        });

    [Fact]
    public void The_batch_prompt_estimates_each_currencys_fees_at_NordPays_published_percent()
    {
        var batch = DeclinedSecondRow().Prompts[0];
        Assert.Contains("amount 3.75 + service fees about 0.06375 (estimated at the 1.7 % NordPay publishes) = total about 3.81375 USDTBEP20", batch);
        Assert.Contains("amount 30.25 + service fees about 0.51425 (estimated at the 1.7 % NordPay publishes) = total about 30.76425 USDTTRC20", batch);
        Assert.Contains("; each row's exact service fee is set by NordPay at its request, after this confirmation", batch);
        Assert.DoesNotContain("not known", batch);
    }

    [Fact]
    public void Each_row_prompt_estimates_its_fee_at_NordPays_published_percent() =>
        Assert.Equal(new[] { "0.0255 USDTBEP20", "0.03825 USDTBEP20", "0.51425 USDTTRC20" }, DeclinedSecondRow().Prompts.Skip(1).Select(prompt =>
        {
            Assert.Contains(" NordPay publishes), the exact fee set by NordPay at the row's request, after this confirmation", prompt);
            return System.Text.RegularExpressions.Regex.Match(prompt, @"service fee: about (\S+ \S+) \(estimated at the 1\.7 %").Groups[1].Value;
        }));

    [Fact]
    public void The_summary_counts_the_row_declined_at_its_prompt()
    {
        var (sandbox, result, prompts) = DeclinedSecondRow();
        AssertSecondRowDeclined(sandbox, prompts, result);
    }

    public static TheoryData<int, string> LimitsWithoutAFeePercent => new()
    {
        { 404, """{"detail":"Not Found"}""" },
        { 200, """{"success":true,"data":{"USDTBEP20":"1.7"},"error":null}""" },
        { 200, """[{"currency":"USDTBEP20","fee_percent":"about 2"},{"currency":"USDTTRC20"}]""" },
    };

    [Theory]
    [MemberData(nameof(LimitsWithoutAFeePercent))]
    public void Without_NordPays_published_fee_percent_the_prompts_say_the_fees_are_not_known(int status, string limits)
    {
        var (_, result, prompts) = DeclinedSecondRow(status, limits);
        Assert.Empty(result.Warnings);
        var batch = prompts[0];
        Assert.Contains("amount 3.75 + service fees not known before the requests = total 3.75 USDTBEP20 plus those fees", batch);
        Assert.Contains("amount 30.25 + service fees not known before the requests = total 30.25 USDTTRC20 plus those fees", batch);
        Assert.Contains("service fee: not known yet, set by NordPay at each row's request, after this confirmation", batch);
        Assert.DoesNotContain("about", batch);
        Assert.All(prompts.Skip(1), prompt =>
            Assert.Contains("; service fee: not known yet, set by NordPay at the row's request, after this confirmation", prompt));
    }

    [Theory]
    [MemberData(nameof(LimitsWithoutAFeePercent))]
    public void Without_NordPays_published_fee_percent_the_batch_goes_on(int status, string limits)
    {
        var (sandbox, result, prompts) = DeclinedSecondRow(status, limits);
        AssertSecondRowDeclined(sandbox, prompts, result);
    }

    /// <summary>One row run with -WhatIf, then paid with -Force: the reads of the withdraw limits after each.</summary>
    private sealed record ShownThenPaid(SandboxServer Sandbox, List<string> WhatIfLines, int LimitReadsAfterWhatIf, RunResult Paid, int LimitReadsAfterPaying);

    private ShownThenPaid WhatIfThenForce => runs.Of(nameof(ShownThenPaid), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "1.5"));
        int LimitReads() => sandbox.State.Received.Count(r => r.Path.EndsWith("withdraw/limits", StringComparison.Ordinal));
        ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -WhatIf -Force", rows, Path.Combine(Journals.NewFolder(), "batch.journal"));
        var (lines, readsAfterWhatIf) = (ps.UI.WhatIfLines.ToList(), LimitReads());
        var paid = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", rows, Path.Combine(Journals.NewFolder(), "batch.journal"));
        return new ShownThenPaid(sandbox, lines, readsAfterWhatIf, paid, LimitReads());
    });

    [Fact]
    public void WhatIf_shows_the_estimates()
    {
        var run = WhatIfThenForce;
        Assert.Equal(1, run.LimitReadsAfterWhatIf);
        Assert.Contains(run.WhatIfLines, line => line.Contains("amount 1.5 + service fees about 0.0255 (estimated at the 1.7 % NordPay publishes) = total about 1.5255 USDTBEP20"));
    }

    [Fact]
    public void A_run_that_asks_nothing_makes_no_call_for_the_estimates()
    {
        var run = WhatIfThenForce;
        Assert.Empty(run.Paid.Errors);
        Assert.Equal(run.LimitReadsAfterWhatIf, run.LimitReadsAfterPaying);
        Assert.Single(run.Sandbox.State.Ledger);
    }

    // Three rows, the second declined: every prompt, with the batch prompt first.
    private static (RunResult Result, IReadOnlyList<string> Prompts) PayDecliningTheSecondRow(PowerShellSession ps)
    {
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "1.5"), ("USDTBEP20", Rows.Evm(2), "2.25"), ("USDTTRC20", Rows.Tron(3), "30.25"));
        foreach (var answer in new[] { "Yes", "Yes", "No", "Yes" }) ps.UI.ChoiceAnswers.Enqueue(answer);
        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1]", rows, Path.Combine(Journals.NewFolder(), "batch.journal"));
        Assert.Empty(result.Errors);
        Assert.Equal(4, ps.UI.Prompts.Count);
        Assert.Contains("3.75 USDTBEP20 (balance ", ps.UI.Prompts[0]);
        return (result, ps.UI.Prompts.ToList());
    }

    private static void AssertSecondRowDeclined(SandboxServer sandbox, IReadOnlyList<string> prompts, RunResult result)
    {
        Assert.Contains("2.25 USDTBEP20 to " + Rows.Evm(2), prompts[2]);
        var summary = Assert.Single(result.Objects<NordPayPayoutSummary>());
        Assert.Equal((3, 2, 1), (summary.Rows, summary.Paid, summary.Declined));
        Assert.Equal(new[] { Rows.Evm(1), Rows.Tron(3) }, sandbox.State.Ledger.Select(w => w.Address));
    }
}
