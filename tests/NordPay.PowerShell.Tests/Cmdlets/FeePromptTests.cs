using NordPay.Core;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Cmdlets;

/// <summary>Every prompt before money moves says what the fees are, or that they are not known yet, never nothing.</summary>
public class FeePromptTests
{
    [Fact]
    public void A_confirm_prompt_shows_the_requests_fee_and_by_identifier_says_the_fee_is_not_known_there()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var request = Assert.Single(ps.Run("$args[0] | New-NordPayWithdrawRequest", Rows.Payouts(("USDTBEP20", Rows.Evm(1), "1.123456789012345678")))
            .Objects<NordPayWithdrawRequest>());
        var fee = request.ServiceFee!.Value;

        ps.UI.ChoiceAnswers.Enqueue("No");
        ps.Run("$args[0] | Confirm-NordPayWithdraw", request);
        ps.UI.ChoiceAnswers.Enqueue("No");
        ps.Run("Confirm-NordPayWithdraw -Identifier $args[0]", request.Identifier.ToString());

        Assert.Equal(2, ps.UI.Prompts.Count);
        Assert.Contains($"1.123456789012345678 USDTBEP20 to {Rows.Evm(1)} (request {request.Identifier}): service fee {Amount.Format(fee)} USDTBEP20; " +
            $"the recipient receives {Amount.Format(request.Amount - fee)} USDTBEP20", ps.UI.Prompts[0]);
        Assert.Contains($"withdraw request {request.Identifier}: service fee not known here (NordPay gives it only in its answer to the request; " +
            "pipe the request object from New-NordPayWithdrawRequest to see it)", ps.UI.Prompts[1]);
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public void The_batch_prompt_gives_each_currency_its_amount_fees_and_total_each_row_prompt_its_fee_and_the_summary_counts_the_row_declined()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "1.5"), ("USDTBEP20", Rows.Evm(2), "2.25"), ("USDTTRC20", Rows.Tron(3), "30.25"));
        foreach (var answer in new[] { "Yes", "Yes", "No", "Yes" }) ps.UI.ChoiceAnswers.Enqueue(answer);

        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1]", rows, Path.Combine(Journals.NewFolder(), "batch.journal"));

        Assert.Empty(result.Errors);
        Assert.Equal(4, ps.UI.Prompts.Count);
        var batch = ps.UI.Prompts[0];
        Assert.Contains("3.75 USDTBEP20 (balance ", batch);
        Assert.Contains("amount 3.75 + service fees not known before the requests = total 3.75 USDTBEP20 plus those fees", batch);
        Assert.Contains("amount 30.25 + service fees not known before the requests = total 30.25 USDTTRC20 plus those fees", batch);
        Assert.Contains("service fee: not known yet, set by NordPay at each row's request, after this confirmation", batch);
        Assert.All(ps.UI.Prompts.Skip(1), prompt =>
            Assert.Contains("; service fee: not known yet, set by NordPay at the row's request, after this confirmation", prompt));
        Assert.Contains("2.25 USDTBEP20 to " + Rows.Evm(2), ps.UI.Prompts[2]);
        var summary = Assert.Single(result.Objects<NordPayPayoutSummary>());
        Assert.Equal((3, 2, 1), (summary.Rows, summary.Paid, summary.Declined));
        Assert.Equal(new[] { Rows.Evm(1), Rows.Tron(3) }, sandbox.State.Ledger.Select(w => w.Address));
    }
}
