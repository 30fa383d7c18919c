using NordPay.Api;
using Xunit;

namespace NordPay.Tests.Api;

public class WithdrawalStatusTests
{
    [Theory]
    [InlineData("pending", "Pending")]
    [InlineData("PROCESSED", "Processed")]
    [InlineData("Cancelled", "Cancelled")]
    [InlineData("canceled", "Other")]
    [InlineData("failed", "Other")]
    [InlineData(null, "Other")]
    public void A_status_text_names_its_state_in_any_case(string? status, string state)
    {
        Assert.Equal(Enum.Parse<WithdrawalState>(state), WithdrawalStatus.Of(status));
    }

    [Theory]
    [InlineData("pending", true)]
    [InlineData("processed", true)]
    [InlineData("Processed", true)]
    [InlineData("failed", false)]
    [InlineData("cancelled", false)]
    [InlineData("rejected", false)]
    [InlineData("on_hold", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Only_a_pending_or_processed_withdrawal_pays(string? status, bool pays)
    {
        Assert.Equal(pays, WithdrawalStatus.Pays(status));
    }

    [Fact]
    public void A_withdrawal_that_paid_nothing_is_explained_by_its_status() =>
        Assert.Contains("'failed'", WithdrawalStatus.NotPaid(7, "failed", "1 BTC to x").Message, StringComparison.Ordinal);

    [Theory]
    [InlineData("pending", true)]
    [InlineData("processed", false)]
    [InlineData("cancelled", false)]
    public void Only_a_pending_withdrawal_awaits_approval(string status, bool awaits)
    {
        Assert.Equal(awaits, WithdrawalStatus.AwaitsApproval(status));
    }
}
