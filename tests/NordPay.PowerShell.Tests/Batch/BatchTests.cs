using System.Globalization;
using System.Management.Automation;
using NordPay.Batch;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>Invoke-NordPayPayout in one process: journal, re-runs, preflight, in-doubt rows, parallelism, progress and audit.</summary>
public class BatchTests
{
    private static string NewJournal() => Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"), "batch.journal");

    private static PSObject[] Batch(int count, string prefix = "PAY") =>
        Enumerable.Range(1, count).Select(i => i % 3 == 0
            ? Rows.Referenced($"{prefix}-{i}", "USDTTRC20", Rows.Tron(i), $"{25 + i}.{i:D2}")
            : Rows.Referenced($"{prefix}-{i}", "USDTBEP20", Rows.Evm(i), $"{i}.123456789012345678")).ToArray();

    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    private static void AssertPaidOnce(SandboxServer sandbox, IEnumerable<PSObject> rows)
    {
        var ledger = sandbox.State.Ledger;
        foreach (var row in rows)
        {
            var address = (string)row.Properties["Address"].Value;
            var amount = (string)row.Properties["Amount"].Value;
            Assert.Single(ledger, w => w.Address == address && w.Amount.ToString(CultureInfo.InvariantCulture) == amount);
        }
        Assert.Equal(rows.Count(), ledger.Count);
    }

    [Fact]
    public void A_batch_is_paid_once_and_a_rerun_skips_every_paid_row()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(10);
        var journal = NewJournal();

        var first = ps.Run(Pay, rows, journal);
        Assert.Empty(first.Errors);
        Assert.Equal(10, first.Objects<NordPayPayoutResult>().Count(r => r.State == "Paid"));
        var summary = Assert.Single(first.Objects<NordPayPayoutSummary>());
        Assert.Equal((10, 10, 0, 0, 0, true), (summary.Rows, summary.Paid, summary.AlreadyPaid, summary.Failed, summary.InDoubt, summary.Complete));
        Assert.Equal(sandbox.State.Ledger.Where(w => w.Currency == "USDTBEP20").Sum(w => w.Amount), summary.PaidByCurrency["USDTBEP20"]);
        AssertPaidOnce(sandbox, rows);
        var posts = sandbox.State.PostsReceived;

        var again = ps.Run(Pay, rows, journal);
        Assert.Empty(again.Errors);
        Assert.Equal(10, again.Objects<NordPayPayoutResult>().Count(r => r.State == "AlreadyPaid"));
        Assert.Equal(10, Assert.Single(again.Objects<NordPayPayoutSummary>()).AlreadyPaid);
        Assert.Equal(posts, sandbox.State.PostsReceived);
        AssertPaidOnce(sandbox, rows);

        var lines = File.ReadAllLines(journal);
        Assert.All(lines, l => Assert.StartsWith("{\"event\":", l));
        Assert.DoesNotContain(sandbox.ApiKey, File.ReadAllText(journal), StringComparison.Ordinal);
        Assert.Equal(10, lines.Count(l => l.Contains("\"event\":\"confirm-sending\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void Identical_rows_without_a_reference_are_separate_payouts_matched_by_occurrence()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "5"));
        var journal = NewJournal();
        Assert.Empty(ps.Run(Pay, rows, journal).Errors);
        Assert.Equal(3, sandbox.State.Ledger.Count);
        var again = ps.Run(Pay, rows, journal);
        Assert.Equal(3, again.Objects<NordPayPayoutResult>().Count(r => r.State == "AlreadyPaid"));
        Assert.Equal(3, sandbox.State.Ledger.Count);

        var oneMore = ps.Run(Pay, rows.Append(Rows.Payout("USDTBEP20", Rows.Evm(1), "5")).ToArray(), journal);
        Assert.Single(oneMore.Objects<NordPayPayoutResult>(), r => r.State == "Paid");
        Assert.Equal(4, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void Duplicate_references_and_every_preflight_problem_are_reported_together_with_nothing_paid()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions { Balances = new Dictionary<string, decimal> { ["BTC"] = 0.01m } });
        using var ps = PowerShellSession.For(sandbox);
        var rows = new[]
        {
            Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5"),
            Rows.Referenced("A", "USDTBEP20", Rows.Evm(2), "6"),
            Rows.Referenced("B", "NOPE", Rows.Evm(3), "5"),
            Rows.Referenced("C", "USDTARB", Rows.Evm(4), "5"),
            Rows.Referenced("D", "USDTTRC20", Rows.Tron(5), "10"),
            Rows.Referenced("E", "USDTTRC20", Rows.Tron(6), "30.1234567"),
            Rows.Referenced("F", "USDTBEP20", "0x1234", "5"),
            Rows.Referenced("G", "BTC", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", "0.5"),
            Rows.Referenced("H", "USDTBEP20", Rows.Evm(9), "1,5"),
        };
        var journal = NewJournal();
        var result = ps.Run(Pay, rows, journal);

        Assert.Equal("PreflightFailed,NordPay.Commands.InvokeNordPayPayoutCommand", result.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Equal(new[] { "InvalidAmountFormat", "CurrencyNotFound", "CurrencyNotAvailable", "AmountBelowMinimum", "AmountPrecisionExceeded", "InvalidAddress", "DuplicateReference", "BatchExceedsBalance" },
            result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(0, sandbox.State.PostsReceived);
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public void Bad_rows_are_reported_and_left_out_while_the_others_are_paid()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = new[]
        {
            Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5"),
            Rows.Referenced("B", "USDTTRC20", Rows.Tron(2), "10"),
            Rows.Referenced("C", "USDTBEP20", "not-an-address", "5"),
            Rows.Referenced("D", "USDTBEP20", Rows.Evm(4), "7"),
        };
        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ErrorVariable failed -ErrorAction SilentlyContinue; $failed | ForEach-Object TargetObject", rows, NewJournal());
        Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(4) }, sandbox.State.Ledger.Select(w => w.Address));
        Assert.Equal(new[] { "B", "C" }, result.Output.Where(o => o.BaseObject is PSCustomObject).Select(o => (string)o.Properties["PayoutId"].Value));
        var summary = Assert.Single(result.Objects<NordPayPayoutSummary>());
        Assert.Equal((4, 2, 2, false), (summary.Rows, summary.Paid, summary.Failed, summary.Complete));
    }

    [Fact]
    public void WhatIf_prints_the_plan_with_totals_and_sends_no_POST_nor_writes_a_journal()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = NewJournal();
        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -WhatIf", Batch(4), journal);
        Assert.Empty(result.Errors);
        Assert.Equal(0, sandbox.State.PostsReceived);
        Assert.False(File.Exists(journal));
        var lines = ps.UI.WhatIfLines.ToList();
        Assert.Equal(5, lines.Count);
        Assert.Contains("4 payouts to 4 addresses: ", lines[0]);
        Assert.Contains("USDTBEP20 (balance 100000", lines[0]);
        Assert.Contains("28.03 USDTTRC20", lines[0]);
        Assert.Contains("1.123456789012345678 USDTBEP20 to " + Rows.Evm(1), lines[1]);
    }

    [Fact]
    public void A_torn_last_line_is_cut_off_and_a_corrupt_line_refuses_the_journal()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(3);
        var journal = NewJournal();
        Assert.Empty(ps.Run(Pay, rows.Take(2).ToArray(), journal).Errors);
        File.AppendAllText(journal, "{\"event\":\"confirm-sen");

        var torn = ps.Run(Pay, rows, journal);
        Assert.Empty(torn.Errors);
        Assert.Contains(ps.UI.Warnings, w => w.Contains("torn", StringComparison.Ordinal));
        AssertPaidOnce(sandbox, rows);

        var lines = File.ReadAllLines(journal).ToList();
        lines.Insert(3, "not json");
        File.WriteAllLines(journal, lines);
        var corrupt = ps.Run(Pay, rows, journal);
        Assert.Equal("JournalCorrupt,NordPay.Commands.InvokeNordPayPayoutCommand", corrupt.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Contains("Line 4", corrupt.TerminatingRecord.ErrorDetails.Message);
        AssertPaidOnce(sandbox, rows);
    }

    [Fact]
    public void A_journal_re_saved_by_an_editor_keeps_its_last_entry_and_pays_nothing_again()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(3);
        var journal = NewJournal();
        Assert.Empty(ps.Run(Pay, rows, journal).Errors);
        // A run killed just after its last confirm, then the journal opened and saved in Notepad and friends: a byte order
        // mark, CRLF line ends, no newline after the last line (the last row's confirmed).
        var lines = File.ReadAllLines(journal);
        var kept = lines.Take(Array.FindLastIndex(lines, l => l.StartsWith("{\"event\":\"confirmed\"", StringComparison.Ordinal)) + 1);
        var text = string.Join("\r\n", kept);
        File.WriteAllText(journal, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));

        var again = ps.Run(Pay, rows, journal);
        Assert.Empty(again.Errors);
        Assert.Equal(3, again.Objects<NordPayPayoutResult>().Count(r => r.State == "AlreadyPaid"));
        Assert.DoesNotContain(ps.UI.Warnings, w => w.Contains("torn", StringComparison.Ordinal));
        AssertPaidOnce(sandbox, rows);
        Assert.EndsWith("\n", File.ReadAllText(journal), StringComparison.Ordinal);
        Assert.Equal(3, RowRecord.Fold(Journal.Read(journal).Entries).Values.Count(r => r.State == PayoutState.Confirmed));
    }

    [Fact]
    public void A_second_run_on_the_same_journal_is_refused()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = NewJournal();
        using (Journal.Open(journal, NordPay.Security.Redactor.None))
        {
            var refused = ps.Run(Pay, Batch(2), journal);
            Assert.Equal("JournalLocked,NordPay.Commands.InvokeNordPayPayoutCommand", refused.TerminatingRecord!.FullyQualifiedErrorId);
        }
        Assert.Equal(0, sandbox.State.PostsReceived);
        Assert.Empty(ps.Run(Pay, Batch(2), journal).Errors);
    }

    [Fact]
    public void A_row_in_doubt_is_never_paid_again_until_the_operator_settles_it()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(3);
        var journal = NewJournal();
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 502, Every = 2, Times = 1 });

        var first = ps.Run(Pay, rows, journal);
        var doubt = Assert.Single(first.Errors);
        Assert.Equal("PayoutInDoubt", doubt.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("-SettleInDoubt", doubt.ErrorDetails.RecommendedAction);
        Assert.Equal(1, Assert.Single(first.Objects<NordPayPayoutSummary>()).InDoubt);
        Assert.Equal(2, sandbox.State.Ledger.Count);
        var confirms = sandbox.Posts("withdraw/confirm");

        var again = ps.Run(Pay, rows, journal);
        Assert.Equal("PayoutInDoubt", Assert.Single(again.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(confirms, sandbox.Posts("withdraw/confirm"));
        Assert.Equal(2, sandbox.State.Ledger.Count);

        // A mistyped reference, or one not in doubt, is not silently taken for settled.
        var mistyped = ps.Run(Pay + " -SettleInDoubt NotPaid -SettleReference PAY-02, PAY-1", rows, journal);
        Assert.Equal(new[] { "PayoutInDoubt", "SettleReferenceNotInDoubt", "SettleReferenceNotInDoubt" }, mistyped.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).OrderBy(i => i));
        Assert.Contains(mistyped.Errors, e => e.ErrorDetails?.Message.Contains("'PAY-02' names no row of this batch in doubt (no row has this reference)", StringComparison.Ordinal) == true);
        Assert.Contains(mistyped.Errors, e => e.ErrorDetails?.Message.Contains("'PAY-1' names no row of this batch in doubt (the journal has it as Confirmed)", StringComparison.Ordinal) == true);
        Assert.Equal(2, sandbox.State.Ledger.Count);

        var settled = ps.Run(Pay + " -SettleInDoubt NotPaid -SettleReference PAY-2", rows, journal);
        Assert.Empty(settled.Errors);
        Assert.Equal("PAY-2", Assert.Single(settled.Objects<NordPayPayoutResult>(), r => r.State == "Paid").Reference);
        AssertPaidOnce(sandbox, rows);
        Assert.Contains(File.ReadAllLines(journal), l => l.Contains("\"event\":\"settled\"", StringComparison.Ordinal) && l.Contains("NotPaid", StringComparison.Ordinal));
    }

    [Fact]
    public void A_row_in_doubt_whose_settlement_is_declined_at_its_prompt_is_still_reported_in_doubt()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(3);
        var journal = NewJournal();
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 502, Every = 2, Times = 1 });
        ps.Run(Pay, rows, journal);

        ps.UI.ChoiceAnswers.Enqueue("No");
        var declined = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -SettleInDoubt NotPaid", rows, journal);
        Assert.Contains("PAY-2", Assert.Single(ps.UI.Prompts));
        var doubt = Assert.Single(declined.Errors);
        Assert.Equal("PayoutInDoubt", doubt.FullyQualifiedErrorId.Split(',')[0]);
        Assert.StartsWith("Row 2 ", doubt.ErrorDetails.Message);
        var summary = Assert.Single(declined.Objects<NordPayPayoutSummary>());
        Assert.Equal((3, 2, 1), (summary.Rows, summary.AlreadyPaid, summary.InDoubt));
        Assert.Equal(2, sandbox.State.Ledger.Count);
    }

    // Settled as not paid too soon, or the wrong row: the history, readable again, proves it paid, and wins over the operator's word.
    [Theory]
    [InlineData("")]
    [InlineData(" -SettleInDoubt NotPaid -SettleReference $args[2]")]
    public void A_row_in_doubt_that_was_paid_is_found_in_the_history_on_the_rerun(string settle)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(2);
        var journal = NewJournal();
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Drop = Drop.AfterProcessing, Times = 1 });
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "balance/withdraws", Status = 503, Times = 4 });
        var first = ps.Run(Pay, rows, journal);
        var doubt = Assert.Single(first.Errors);
        Assert.Equal("PayoutInDoubt", doubt.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("It was not sent again. It is not paid again automatically.", doubt.Exception.Message, StringComparison.Ordinal);
        var reference = (string)((PSObject)doubt.TargetObject).Properties["PayoutId"].Value;
        AssertPaidOnce(sandbox, rows);

        var again = ps.Run(Pay + settle, rows, journal, reference);
        Assert.Empty(again.Errors);
        var reconciled = Assert.Single(again.Objects<NordPayPayoutResult>(), r => r.State == "Paid");
        Assert.Equal((reference, true), (reconciled.Reference, reconciled.Reconciled));
        Assert.Equal(1, Assert.Single(again.Objects<NordPayPayoutSummary>()).Paid);
        AssertPaidOnce(sandbox, rows);
        Assert.DoesNotContain(File.ReadAllLines(journal), l => l.Contains("\"event\":\"settled\"", StringComparison.Ordinal));
        if (settle.Length > 0)
            Assert.Contains(again.Warnings, w => w.Contains(reference, StringComparison.Ordinal) && w.Contains("withdraw history shows it paid", StringComparison.Ordinal));
    }

    [Fact]
    public void ThrottleLimit_pays_rows_concurrently_with_output_progress_and_audit_on_the_pipeline_thread()
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions { Faults = new[] { new FaultRule { Latency = TimeSpan.FromMilliseconds(20) } } });
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(24);
        var result = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 6 -InformationVariable audit; $audit", rows, NewJournal());
        Assert.Empty(result.Errors);
        Assert.Equal(24, result.Objects<NordPayPayoutResult>().Count());
        AssertPaidOnce(sandbox, rows);
        var audit = result.Objects<InformationRecord>().ToList();
        Assert.Equal(24, audit.Count);
        Assert.All(audit, a => Assert.Contains("NordPay.Audit", a.Tags));
        Assert.All(audit, a => Assert.Equal("..." + sandbox.ApiKey[^4..], Assert.IsType<NordPayAuditRecord>(a.MessageData).KeyHint));
        Assert.NotEmpty(ps.UI.Progress);
        Assert.Equal(System.Management.Automation.ProgressRecordType.Completed, ps.UI.Progress[^1].RecordType);
    }

    [Fact]
    public void A_key_refused_mid_batch_stops_it_but_the_confirms_in_flight_are_answered_not_left_in_doubt()
    {
        var rows = Enumerable.Range(1, 4).Select(i => Rows.Referenced($"PAY-{i}", "USDTBEP20", Rows.Evm(i), $"{i}.5")).ToArray();
        // Rows 1 to 3 are confirming (answered after 1.5 s) when row 4's request is refused (after 0.5 s).
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[]
            {
                new FaultRule { PathSuffix = "withdraw/confirm", Latency = TimeSpan.FromMilliseconds(1500) },
                FaultRule.Answer("withdraw/request", 401, """{"detail":"Invalid API key"}""", Rows.Evm(4)) with { Latency = TimeSpan.FromMilliseconds(500) },
            },
        });
        using var ps = PowerShellSession.For(sandbox);
        var journal = NewJournal();

        var result = ps.Run(Pay + " -ThrottleLimit 16", rows, journal);

        Assert.Equal("ApiKeyRejected", result.TerminatingRecord?.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(3, sandbox.State.Ledger.Count);
        var records = RowRecord.Fold(Journal.Read(journal).Entries);
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal(PayoutState.Confirmed, records[$"PAY-{i}"].State));
    }

    [Fact]
    public async Task A_request_made_by_an_earlier_run_is_confirmed_not_made_again()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(1);
        var journal = NewJournal();
        var client = Clients.For(sandbox);
        var request = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 1.123456789012345678m, CancellationToken.None);
        Directory.CreateDirectory(Path.GetDirectoryName(journal)!);
        File.WriteAllLines(journal, new[]
        {
            $$"""{"event":"planned","at":"{{DateTimeOffset.UtcNow:o}}","ref":"PAY-1","row":1,"currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"1.123456789012345678"}""",
            $$"""{"event":"requested","at":"{{DateTimeOffset.UtcNow:o}}","ref":"PAY-1","identifier":"{{request.Identifier}}","expiresAt":"{{request.ExpiresAt:o}}"}""",
        });
        var result = ps.Run(Pay, rows, journal);
        Assert.Empty(result.Errors);
        Assert.Equal(request.Identifier, Assert.Single(sandbox.State.Ledger).Identifier);
        Assert.Equal(1, sandbox.Posts("withdraw/request"));
    }

    [Fact]
    public void A_changed_row_under_a_journaled_reference_is_refused()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = NewJournal();
        Assert.Empty(ps.Run(Pay, Batch(2), journal).Errors);
        var changed = new[] { Rows.Referenced("PAY-1", "USDTBEP20", Rows.Evm(1), "99") };
        var result = ps.Run(Pay, changed, journal);
        Assert.Equal("PreflightFailed", result.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal("ReferenceConflict", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(2, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void The_multiple_withdraw_endpoints_pay_each_currency_in_one_request_with_the_same_guarantees()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Batch(7);
        var journal = NewJournal();
        var result = ps.Run(Pay + " -UseMultipleWithdraw", rows, journal);
        Assert.Empty(result.Errors);
        AssertPaidOnce(sandbox, rows);
        Assert.Equal(2, sandbox.Posts("multiple/request"));
        Assert.Equal(2, sandbox.Posts("multiple/confirm"));
        Assert.Equal(0, sandbox.Posts("withdraw/request"));

        var again = ps.Run(Pay + " -UseMultipleWithdraw", rows, journal);
        Assert.Equal(7, again.Objects<NordPayPayoutResult>().Count(r => r.State == "AlreadyPaid"));
        Assert.Equal(2, sandbox.Posts("multiple/confirm"));
    }
}
