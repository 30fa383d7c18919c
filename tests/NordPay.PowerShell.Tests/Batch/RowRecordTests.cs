using NordPay.Batch;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>A row's state folded from its journal entries, on its own: no runspace, no sandbox.</summary>
public class RowRecordTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 5, 40, 0, TimeSpan.Zero);
    private static readonly Guid Request = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static JournalEntry Entry(JournalEvent @event, string reference = "A") => new(@event, At) { References = new[] { reference } };

    private static JournalEntry[] Announced(string boot) => new[]
    {
        Entry(JournalEvent.Planned) with { Row = 1, Currency = "USDTBEP20", Address = "0x1", Amount = "5" },
        Entry(JournalEvent.Requested) with { Identifier = Request, ExpiresAt = At.AddMinutes(15) },
        Entry(JournalEvent.ConfirmSending) with { Identifier = Request, Boot = boot },
    };

    private static RowRecord Fold(string? boot, params JournalEntry[] entries) => RowRecord.Fold(entries, boot)["A"];

    [Fact]
    public void A_planned_row_is_planned_with_its_payout()
    {
        var record = Fold("boot-1", Announced("boot-1")[0]);
        Assert.Equal(PayoutState.Planned, record.State);
        Assert.Equal(new PayoutKey("USDTBEP20", "0x1", 5m), record.Key);
    }

    [Fact]
    public void A_confirm_announced_on_this_boot_without_a_sent_marker_never_left()
    {
        Assert.Equal(PayoutState.Requested, Fold("boot-1", Announced("boot-1")).State);
    }

    [Fact]
    public void A_confirm_announced_on_another_boot_may_have_left()
    {
        var record = Fold("boot-2", Announced("boot-1"));
        Assert.Equal(PayoutState.ConfirmSending, record.State);
        Assert.True(record.MayBePaid);
    }

    [Fact]
    public void A_confirm_with_its_sent_marker_may_have_paid_on_any_boot()
    {
        var record = Fold("boot-1", Announced("boot-1").Append(Entry(JournalEvent.ConfirmSent) with { Identifier = Request }).ToArray());
        Assert.Equal(PayoutState.ConfirmSending, record.State);
        Assert.True(record.Unexplained);
    }

    [Fact]
    public void A_confirmed_row_with_a_status_that_pays_is_confirmed_with_its_own_withdrawal()
    {
        var record = Fold("boot-1", Announced("boot-1").Append(Entry(JournalEvent.Confirmed) with { WithdrawalId = 7, Status = "pending" }).ToArray());
        Assert.Equal(PayoutState.Confirmed, record.State);
        Assert.Equal(7, record.OwnWithdrawalId);
        Assert.False(record.Unexplained);
    }

    [Fact]
    public void A_confirmed_row_whose_withdrawal_was_cancelled_paid_nothing()
    {
        var record = Fold("boot-1", Announced("boot-1").Append(Entry(JournalEvent.Confirmed) with { WithdrawalId = 7, Status = "cancelled" }).ToArray());
        Assert.Equal(PayoutState.WithdrawalFailed, record.State);
        Assert.Equal("WithdrawalNotPaid", record.ErrorId);
        Assert.False(record.MayBePaid);
    }

    [Fact]
    public void A_row_in_doubt_may_be_paid()
    {
        var record = Fold("boot-1", Announced("boot-2").Append(Entry(JournalEvent.InDoubt)).ToArray());
        Assert.Equal(PayoutState.InDoubt, record.State);
        Assert.Equal("PayoutInDoubt", record.ErrorId);
        Assert.True(record.MayBePaid);
    }

    [Fact]
    public void A_row_settled_not_paid_starts_over_without_its_request()
    {
        var record = Fold("boot-1", Announced("boot-2").Append(Entry(JournalEvent.Settled) with { Outcome = NordPaySettlement.NotPaid }).ToArray());
        Assert.Equal(PayoutState.Planned, record.State);
        Assert.Null(record.Identifier);
    }

    [Fact]
    public void A_row_settled_paid_is_confirmed_under_no_known_withdrawal()
    {
        var record = Fold("boot-1", Announced("boot-2").Append(Entry(JournalEvent.Settled) with { Outcome = NordPaySettlement.Paid }).ToArray());
        Assert.Equal(PayoutState.Confirmed, record.State);
        Assert.True(record.Unexplained);
    }

    [Fact]
    public void Planning_a_row_again_never_takes_back_what_may_be_paid()
    {
        var record = Fold("boot-1", Announced("boot-2").Append(Entry(JournalEvent.Planned) with { Row = 2, Currency = "USDTBEP20", Address = "0x1", Amount = "5" }).ToArray());
        Assert.Equal(PayoutState.ConfirmSending, record.State);
        Assert.Equal(2, record.Row);
    }

    [Fact]
    public void Each_reference_of_a_multiple_confirm_gets_its_own_withdrawal()
    {
        var entries = new[]
        {
            new JournalEntry(JournalEvent.Confirmed, At) { References = new[] { "A", "B" }, Multiple = true, WithdrawalIds = new long?[] { 7, 8 }, BatchId = 40, Status = "pending" },
        };
        var records = RowRecord.Fold(entries, "boot-1");
        Assert.Equal(7, records["A"].WithdrawalId);
        Assert.Equal(8, records["B"].WithdrawalId);
        Assert.Equal(40, records["B"].BatchId);
    }

    [Fact]
    public void A_failed_row_keeps_its_error()
    {
        var record = Fold("boot-1", Entry(JournalEvent.Failed) with { Stage = CallStage.Request, ErrorId = "AddressInvalid", Message = "bad" });
        Assert.Equal(PayoutState.Failed, record.State);
        Assert.Equal("AddressInvalid", record.ErrorId);
    }
}
