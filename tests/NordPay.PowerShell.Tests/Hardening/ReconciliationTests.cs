using System.Management.Automation;
using NordPay.Api;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>
/// A lost confirm is matched to a withdrawal in the history only when exactly one unclaimed withdrawal fits, in a
/// tight window on NordPay's clock, and no other unexplained payout could be it: paying the same wallet the same
/// amount twice never reports someone else's withdrawal as this row's.
/// </summary>
public class ReconciliationTests
{
    private const string TwoStep = "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force";

    [Theory]
    [InlineData(false)]
    // As ForEach-Object -Parallel pays: runspaces of one process, one merchant.
    [InlineData(true)]
    public void A_lost_confirm_never_claims_a_withdrawal_an_earlier_call_of_the_session_or_of_another_runspace_made(bool anotherRunspace)
    {
        using var sandbox = Sandboxes.Start();
        using var first = PowerShellSession.For(sandbox);
        using var other = anotherRunspace ? PowerShellSession.For(sandbox) : null;
        var weekly = Rows.Payout("USDTBEP20", Rows.Evm(1), "5");
        var paid = Assert.Single(first.Run(TwoStep, weekly).Objects<NordPayWithdrawConfirmation>());

        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.BeforeProcessing, Times = 1 });
        var lost = (other ?? first).Run(TwoStep, weekly);
        Assert.Equal("OutcomeUnknown", Assert.Single(lost.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(lost.Objects<NordPayWithdrawConfirmation>());
        Assert.Equal(paid.Id, Assert.Single(sandbox.State.Ledger).Id);
    }

    [Fact]
    public void A_lost_confirm_never_claims_a_withdrawal_a_multiple_withdraw_of_the_session_made()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = new[] { Rows.Referenced("M-1", "USDTBEP20", Rows.Evm(1), "5"), Rows.Referenced("M-2", "USDTBEP20", Rows.Evm(2), "5") };
        Assert.Empty(ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -UseMultipleWithdraw -Force", rows, Journals.New()).Errors);
        var paid = sandbox.State.Ledger.Count;

        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.BeforeProcessing, Times = 1 });
        var second = ps.Run(TwoStep, Rows.Payout("USDTBEP20", Rows.Evm(1), "5"));
        Assert.Equal("OutcomeUnknown", Assert.Single(second.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(second.Objects<NordPayWithdrawConfirmation>());
        Assert.Equal(paid, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_lost_confirm_in_a_batch_never_claims_the_withdrawal_the_journal_holds_for_another_row()
    {
        using var sandbox = Sandboxes.Start();
        var journal = Journals.New();
        var sameWallet = new[] { Rows.Referenced("WEEK-1", "USDTBEP20", Rows.Evm(1), "5"), Rows.Referenced("WEEK-2", "USDTBEP20", Rows.Evm(1), "5") };
        // WEEK-1 is paid by another process (which never reaches a second confirmed write): only the journal knows its withdrawal.
        Assert.False(ChildBatch.Run(sandbox, sameWallet.Take(1).ToArray(), journal, throttle: 1, multiple: false, "after-write:confirmed", 2));
        Assert.Single(sandbox.State.Ledger);

        using var later = PowerShellSession.For(sandbox);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.BeforeProcessing, Times = 1 });
        var result = later.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", sameWallet, journal);
        Assert.Equal("PayoutInDoubt", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("WEEK-1", Assert.Single(result.Objects<NordPayPayoutResult>()).Reference);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public void Concurrent_payouts_to_one_wallet_never_take_each_others_withdrawal()
    {
        // One of six concurrent confirms never reaches NordPay; the other five are paid at once and answered slowly, so
        // their withdrawals are in the history, unanswered and unclaimed, while the lost one is looked for.
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[]
            {
                new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.BeforeProcessing, Every = 3, Times = 1 },
                new FaultRule { PathSuffix = "withdraw/confirm", Latency = TimeSpan.FromMilliseconds(150), Processed = true },
            },
        });
        using var ps = PowerShellSession.For(sandbox);
        var rows = Enumerable.Range(1, 6).Select(i => Rows.Referenced($"P{i}", "USDTBEP20", Rows.Evm(1), "5")).ToArray();
        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 6", rows, Journals.New());
        var paid = result.Objects<NordPayPayoutResult>().ToList();
        Assert.Equal(5, sandbox.State.Ledger.Count);
        Assert.True(paid.Count <= 5, $"{paid.Count} rows reported paid for 5 withdrawals");
        Assert.Equal(paid.Count, paid.Select(p => p.WithdrawalId).Distinct().Count());
        Assert.All(paid, p => Assert.Contains(sandbox.State.Ledger, w => w.Id == p.WithdrawalId));
        Assert.Equal(6 - paid.Count, result.Errors.Count(e => e.FullyQualifiedErrorId.StartsWith("PayoutInDoubt", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Two_unclaimed_lookalikes_in_the_window_leave_the_payout_in_doubt_with_both_as_candidates()
    {
        using var sandbox = Sandboxes.Start();
        var outside = Clients.For(sandbox);
        var client = Clients.For(sandbox);
        var ours = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        // Paid outside this session (another process, a person in the panel) while our confirm was under way.
        var other = await outside.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        // Our confirm is processed, then its answer is held half a second and lost; the other is paid meanwhile.
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Processed = true, Latency = TimeSpan.FromMilliseconds(500), Drop = Drop.AfterProcessing, Times = 1 });
        var confirm = client.ConfirmWithdrawAsync(ours.Identifier, ours, CancellationToken.None);
        while (sandbox.State.Faults.Applied == 0) await Task.Delay(10);
        await outside.ConfirmWithdrawAsync(other.Identifier, other, CancellationToken.None);
        var error = await Assert.ThrowsAsync<NordPayException>(() => confirm);
        Assert.Equal("OutcomeUnknown", error.ErrorId);
        Assert.Contains("2 withdrawals", error.Message);
        Assert.Equal(2, sandbox.State.Ledger.Count);
    }

    [Fact]
    public async Task The_window_is_placed_on_NordPays_clock_as_its_Date_header_shows_it()
    {
        using var sandbox = Sandboxes.Start();
        // NordPay's clock an hour behind ours: a lost confirm's own withdrawal is still found, and a lookalike made
        // seconds before the confirm by NordPay's clock is not taken for it.
        sandbox.State.AdvanceClock(TimeSpan.FromHours(-1));
        var client = Clients.For(sandbox);
        var earlier = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        await Clients.For(sandbox).ConfirmWithdrawAsync(earlier.Identifier, earlier, CancellationToken.None);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        var request = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Times = 1 });
        var found = await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        Assert.True(found.Reconciled);
        Assert.Equal(sandbox.State.Ledger.Single(w => w.Identifier == request.Identifier).Id, found.Id);
    }

    [Fact]
    public void Multiple_withdraw_results_carry_each_rows_own_withdrawal_id_for_Get_NordPayWithdrawal()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = new[] { Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5"), Rows.Referenced("B", "USDTBEP20", Rows.Evm(2), "6"), Rows.Referenced("C", "USDTBEP20", Rows.Evm(1), "5") };
        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -UseMultipleWithdraw | Where-Object Reference | Get-NordPayWithdrawal",
            rows, Journals.New());
        Assert.Empty(result.Errors);
        var withdrawals = result.Objects<NordPayWithdrawal>().ToList();
        Assert.Equal(sandbox.State.Ledger.Select(w => w.Id).OrderBy(i => i), withdrawals.Select(w => w.Id).OrderBy(i => i));
    }
}
