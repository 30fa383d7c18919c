using NordPay.Api;
using Xunit;

namespace NordPay.Tests.Api;

/// <summary>Matching lost confirms to withdrawals of the history, on its own: no runspace, no sandbox.</summary>
public class WithdrawalClaimsTests
{
    private static readonly DateTimeOffset Sent = new(2026, 11, 24, 5, 40, 0, TimeSpan.Zero);
    private static readonly TimeWindow Window = new(Sent, Sent.AddMinutes(1));
    private const string Evm = "0x52908400098527886E0F7030069857D2E4169EE7";
    private static readonly PayoutKey Payout = new("USDTBEP20", Evm, 2.5m);

    private static NordPayWithdrawal Withdrawal(long id, string address = Evm, decimal amount = 2.50m, int second = 10) =>
        new(id, "USDTBEP20", address, amount, null, null, null, "pending", null, Sent.AddSeconds(second));

    [Fact]
    public void The_one_withdrawal_that_fits_is_claimed()
    {
        var match = new WithdrawalClaims().Match(new[] { Payout }, Window, new[] { Withdrawal(7) }, "confirm-1");
        Assert.Equal(7, Assert.Single(match.Withdrawals!).Id);
    }

    [Fact]
    public void An_evm_address_in_another_letter_case_is_the_same_payout() =>
        Assert.NotNull(ClaimOf(Withdrawal(7, Evm.ToLowerInvariant())).Withdrawals);

    [Fact]
    public void An_amount_spelled_otherwise_is_the_same_payout() =>
        Assert.NotNull(ClaimOf(Withdrawal(7, amount: 2.500m)).Withdrawals);

    private static HistoryMatch ClaimOf(NordPayWithdrawal withdrawal) => new WithdrawalClaims().Match(new[] { Payout }, Window, new[] { withdrawal }, "confirm-1");

    [Fact]
    public void A_withdrawal_outside_the_window_leaves_the_payout_absent()
    {
        var match = new WithdrawalClaims().Match(new[] { Payout }, Window, new[] { Withdrawal(7, second: 120) }, "confirm-1");
        Assert.Null(match.Withdrawals);
        Assert.True(match.Absent);
    }

    [Fact]
    public void Two_withdrawals_that_could_be_one_payout_leave_it_unproved_with_both_as_candidates()
    {
        var match = new WithdrawalClaims().Match(new[] { Payout }, Window, new[] { Withdrawal(7), Withdrawal(8, second: 20) }, "confirm-1");
        Assert.Null(match.Withdrawals);
        Assert.False(match.Absent);
        Assert.Equal(new long[] { 7, 8 }, match.Candidates.Select(c => c.Id));
    }

    [Fact]
    public void A_withdrawal_claimed_by_another_confirm_is_never_claimed_again()
    {
        var claims = new WithdrawalClaims();
        Assert.NotNull(claims.Match(new[] { Payout }, Window, new[] { Withdrawal(7) }, "confirm-1").Withdrawals);
        Assert.True(claims.Match(new[] { Payout }, Window, new[] { Withdrawal(7) }, "confirm-2").Absent);
    }

    [Fact]
    public void The_same_confirm_searching_again_finds_its_own_withdrawal()
    {
        var claims = new WithdrawalClaims();
        claims.Match(new[] { Payout }, Window, new[] { Withdrawal(7) }, "confirm-1");
        Assert.Equal(7, Assert.Single(claims.Match(new[] { Payout }, Window, new[] { Withdrawal(7) }, "confirm-1").Withdrawals!).Id);
    }

    [Fact]
    public void Another_unexplained_payout_of_the_same_key_makes_the_match_a_guess()
    {
        var claims = new WithdrawalClaims();
        claims.Unexplained(Payout, Window, "confirm-2");
        var match = claims.Match(new[] { Payout }, Window, new[] { Withdrawal(7) }, "confirm-1");
        Assert.Null(match.Withdrawals);
        Assert.Contains("whose outcome is unknown", match.Reason);
    }

    [Fact]
    public void A_multiple_confirm_is_matched_all_or_nothing()
    {
        var other = new PayoutKey("USDTBEP20", Evm, 3m);
        var match = new WithdrawalClaims().Match(new[] { Payout, other }, Window, new[] { Withdrawal(7) }, "confirm-1");
        Assert.Null(match.Withdrawals);
        Assert.Contains("no unclaimed withdrawal of 3 USDTBEP20", match.Reason);
    }
}
