using System.Text;
using System.Text.Json;
using NordPay.Batch;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>The journal's lines, written and read from the one definition in JournalEntry; no runspace, no sandbox.</summary>
public class JournalFormatTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 24, 5, 40, 35, TimeSpan.Zero);
    private static readonly Guid Id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");

    private static JournalEntry EveryField() => new(JournalEvent.Confirmed, At.AddTicks(1))
    {
        References = new[] { "A", "B" }, Row = 3, Currency = "USDTBEP20", Address = "0xAb+", Amount = "1.50",
        Identifier = Id, Multiple = true, ExpiresAt = At.AddMinutes(15), ServiceFee = "0.1", WithdrawalId = 7,
        WithdrawalIds = new long?[] { 7, null }, BatchId = 9, ServerAt = At.AddSeconds(-1), Boot = "boot-1", Status = "pending",
        Reconciled = true, Stage = CallStage.Confirm, ErrorId = "X", Message = "m", Outcome = NordPaySettlement.NotPaid, Run = "r",
    };

    [Fact]
    public void An_entry_is_written_as_the_hand_written_writer_wrote_it()
    {
        Assert.Equal(
            """{"event":"confirmed","at":"2026-11-24T05:40:35.0000001+00:00","refs":["A","B"],"row":3,"currency":"USDTBEP20","address":"0xAb+","amount":"1.50","identifier":"0f8fad5b-d9cb-469f-a165-70867728950e","multiple":true,"expiresAt":"2026-11-24T05:55:35.0000000+00:00","serviceFee":"0.1","withdrawalId":7,"withdrawalIds":[7,null],"batchId":9,"serverAt":"2026-11-24T05:40:34.0000000+00:00","boot":"boot-1","status":"pending","reconciled":true,"stage":"confirm","errorId":"X","message":"m","outcome":"NotPaid","run":"r"}""",
            EveryField().ToJson());
    }

    [Fact]
    public void Every_field_survives_a_round_trip()
    {
        var entry = EveryField();
        var read = JournalEntry.FromJson(entry.ToJson());
        Assert.Equal(entry.ToJson(), read.ToJson());
        Assert.Equal(entry.References, read.References);
        Assert.Equal(entry.WithdrawalIds, read.WithdrawalIds);
        Assert.Equal(entry with { References = read.References, WithdrawalIds = read.WithdrawalIds }, read);
    }

    [Fact]
    public void A_single_reference_is_written_as_ref_beside_no_absent_field()
    {
        var line = new JournalEntry(JournalEvent.RunStarted, At) { References = new[] { "A" } }.ToJson();
        Assert.Equal("""{"event":"run-started","at":"2026-11-24T05:40:35.0000000+00:00","ref":"A"}""", line);
        Assert.Equal(new[] { "A" }, JournalEntry.FromJson(line).References);
    }

    [Theory]
    [InlineData("RunStarted", "run-started")]
    [InlineData("ConfirmSending", "confirm-sending")]
    [InlineData("ConfirmSent", "confirm-sent")]
    [InlineData("InDoubt", "in-doubt")]
    [InlineData("RunFinished", "run-finished")]
    public void Events_are_written_in_kebab_case_as_crash_points_name_them(string name, string text)
    {
        var @event = Enum.Parse<JournalEvent>(name);
        Assert.Equal(text, JournalEntry.Text(@event));
        Assert.Contains($"\"event\":\"{text}\"", new JournalEntry(@event, At).ToJson());
    }

    [Theory]
    [InlineData("""{"at":"2026-11-24T05:40:35Z"}""")]
    [InlineData("""{"event":"planned"}""")]
    [InlineData("""{"event":"paid-twice","at":"2026-11-24T05:40:35Z"}""")]
    [InlineData("""{"event":1,"at":"2026-11-24T05:40:35Z"}""")]
    [InlineData("null")]
    public void A_line_that_is_not_an_entry_is_refused(string line)
    {
        Assert.ThrowsAny<Exception>(() => JournalEntry.FromJson(line));
    }

    [Fact]
    public void A_journal_written_by_0_1_is_read_with_its_multiple_confirms_batch_id()
    {
        // 0.1 wrote no server time, no status, and a multiple confirm's batch id (0 when reconciled) as its withdrawalId.
        var path = Journals.New();
        File.WriteAllText(path, string.Join("\n",
            """{"event":"run-started","at":"2026-11-24T05:40:35.0000000+00:00","run":"r1"}""",
            """{"event":"planned","at":"2026-11-24T05:40:35.0000000+00:00","ref":"A","row":1,"currency":"USDTBEP20","address":"0x1","amount":"5"}""",
            """{"event":"planned","at":"2026-11-24T05:40:35.0000000+00:00","ref":"B","row":2,"currency":"USDTBEP20","address":"0x2","amount":"6.0"}""",
            """{"event":"requested","at":"2026-11-24T05:40:36.0000000+00:00","refs":["A","B"],"identifier":"0f8fad5b-d9cb-469f-a165-70867728950e","multiple":true,"expiresAt":"2026-11-24T05:55:36.0000000+00:00"}""",
            """{"event":"confirm-sending","at":"2026-11-24T05:40:37.0000000+00:00","refs":["A","B"],"identifier":"0f8fad5b-d9cb-469f-a165-70867728950e"}""",
            """{"event":"confirmed","at":"2026-11-24T05:40:38.0000000+00:00","refs":["A","B"],"identifier":"0f8fad5b-d9cb-469f-a165-70867728950e","multiple":true,"withdrawalId":0,"reconciled":true}""",
            """{"event":"run-finished","at":"2026-11-24T05:40:39.0000000+00:00","run":"r1"}""") + "\n");

        var records = RowRecord.Fold(Journal.Read(path).Entries);

        Assert.All(new[] { "A", "B" }, r => Assert.Equal(PayoutState.Confirmed, records[r].State));
        Assert.Equal(0, records["A"].BatchId);
        Assert.Null(records["A"].WithdrawalId);
        Assert.True(records["B"].Reconciled);
        Assert.Equal("6.0", records["B"].Amount);
    }

    [Fact]
    public void A_journal_written_by_0_2_is_read_with_each_rows_own_withdrawal()
    {
        // 0.2 added each reference's own withdrawal and the server's time, still no status.
        var path = Journals.New();
        File.WriteAllText(path, string.Join("\n",
            """{"event":"planned","at":"2026-11-24T05:40:35.0000000+00:00","ref":"A","row":1,"currency":"USDTBEP20","address":"0x1","amount":"5"}""",
            """{"event":"planned","at":"2026-11-24T05:40:35.0000000+00:00","ref":"B","row":2,"currency":"USDTBEP20","address":"0x2","amount":"6"}""",
            """{"event":"requested","at":"2026-11-24T05:40:36.0000000+00:00","refs":["A","B"],"identifier":"0f8fad5b-d9cb-469f-a165-70867728950e","multiple":true,"expiresAt":"2026-11-24T05:55:36.0000000+00:00"}""",
            """{"event":"confirm-sending","at":"2026-11-24T05:40:37.0000000+00:00","refs":["A","B"],"identifier":"0f8fad5b-d9cb-469f-a165-70867728950e","serverAt":"2026-11-24T05:40:36.5000000+00:00"}""",
            """{"event":"confirmed","at":"2026-11-24T05:40:38.0000000+00:00","refs":["A","B"],"identifier":"0f8fad5b-d9cb-469f-a165-70867728950e","multiple":true,"withdrawalIds":[11,null],"batchId":40}""",
            """{"event":"failed","at":"2026-11-24T05:40:38.0000000+00:00","ref":"C","stage":"request","errorId":"AddressInvalid","message":"bad"}""",
            """{"event":"settled","at":"2026-11-24T05:41:00.0000000+00:00","ref":"D","outcome":"Paid","message":"by me"}"""));

        var records = RowRecord.Fold(Journal.Read(path).Entries);

        Assert.Equal(11, records["A"].WithdrawalId);
        Assert.Null(records["B"].WithdrawalId);
        Assert.Equal(40, records["B"].BatchId);
        Assert.Equal(PayoutState.Confirmed, records["B"].State);
        Assert.Equal(new DateTimeOffset(2026, 11, 24, 5, 40, 36, 500, TimeSpan.Zero), records["A"].ServerSentAt);
        Assert.Equal(PayoutState.Failed, records["C"].State);
        Assert.Equal(PayoutState.Confirmed, records["D"].State);
    }

    [Fact]
    public void A_journal_saved_with_a_byte_order_mark_is_read()
    {
        var path = Journals.New();
        File.WriteAllText(path, """{"event":"planned","at":"2026-11-24T05:40:35Z","ref":"A","amount":"5"}""" + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal("5", Assert.Single(Journal.Read(path).Entries).Amount);
    }

    [Fact]
    public void An_unreadable_line_before_the_last_is_a_corrupt_journal()
    {
        var path = Journals.New();
        File.WriteAllText(path, "{\"event\":\"planned\"\n" + """{"event":"planned","at":"2026-11-24T05:40:35Z","ref":"A"}""" + "\n");
        Assert.Equal("JournalCorrupt", Assert.Throws<NordPayException>(() => Journal.Read(path)).ErrorId);
    }
}
