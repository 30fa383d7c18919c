using System.Globalization;
using System.Management.Automation;
using NordPay.Batch;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>Invoke-NordPayPayout in one process: journal, re-runs, preflight, in-doubt rows, parallelism, progress and audit.</summary>
public class BatchTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private static string NewJournal() => Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"), "batch.journal");

    private static PSObject[] Batch(int count, string prefix = "PAY") =>
        Enumerable.Range(1, count).Select(i => i % 3 == 0
            ? Rows.Referenced($"{prefix}-{i}", "USDTTRC20", Rows.Tron(i), $"{25 + i}.{i:D2}")
            : Rows.Referenced($"{prefix}-{i}", "USDTBEP20", Rows.Evm(i), $"{i}.123456789012345678")).ToArray();

    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    private static void AssertPaidOnce(SandboxServer sandbox, IEnumerable<PSObject> rows) => AssertPaidOnce(sandbox.State.Ledger, rows);

    private static void AssertPaidOnce(IReadOnlyList<Withdrawal> ledger, IEnumerable<PSObject> rows)
    {
        foreach (var row in rows)
        {
            var address = (string)row.Properties["Address"].Value;
            var amount = (string)row.Properties["Amount"].Value;
            Assert.Single(ledger, w => w.Address == address && w.Amount.ToString(CultureInfo.InvariantCulture) == amount);
        }
        Assert.Equal(rows.Count(), ledger.Count);
    }

    /// <summary>Ten rows paid, then run again on the same journal; the ledger and the POSTs as the first run left them.</summary>
    private sealed record PaidTwice(SandboxServer Sandbox, PSObject[] Rows, string Journal, RunResult First, IReadOnlyList<Withdrawal> LedgerAfterFirst,
        int PostsAfterFirst, RunResult Again);

    private PaidTwice BatchPaidTwice => runs.Of(nameof(PaidTwice), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = Batch(10);
        var journal = NewJournal();
        var first = ps.Run(Pay, rows, journal);
        var (ledger, posts) = (sandbox.State.Ledger, sandbox.State.PostsReceived);
        return new PaidTwice(sandbox, rows, journal, first, ledger, posts, ps.Run(Pay, rows, journal));
    });

    [Fact]
    public void A_batch_is_paid_once()
    {
        var run = BatchPaidTwice;
        Assert.Empty(run.First.Errors);
        Assert.Equal(10, run.First.Objects<NordPayPayoutResult>().Count(r => r.State == "Paid"));
        var summary = Assert.Single(run.First.Objects<NordPayPayoutSummary>());
        Assert.Equal((10, 10, 0, 0, 0, true), (summary.Rows, summary.Paid, summary.AlreadyPaid, summary.Failed, summary.InDoubt, summary.Complete));
        Assert.Equal(run.LedgerAfterFirst.Where(w => w.Currency == "USDTBEP20").Sum(w => w.Amount), summary.PaidByCurrency["USDTBEP20"]);
        AssertPaidOnce(run.LedgerAfterFirst, run.Rows);
    }

    [Fact]
    public void A_rerun_skips_every_paid_row()
    {
        var run = BatchPaidTwice;
        Assert.Empty(run.Again.Errors);
        Assert.Equal(10, run.Again.Objects<NordPayPayoutResult>().Count(r => r.State == "AlreadyPaid"));
        Assert.Equal(10, Assert.Single(run.Again.Objects<NordPayPayoutSummary>()).AlreadyPaid);
        Assert.Equal(run.PostsAfterFirst, run.Sandbox.State.PostsReceived);
        AssertPaidOnce(run.Sandbox, run.Rows);
    }

    [Fact]
    public void The_journal_is_one_JSON_event_a_line() => Assert.All(File.ReadAllLines(BatchPaidTwice.Journal), l => Assert.StartsWith("{\"event\":", l));

    [Fact]
    public void The_journal_never_holds_the_key() =>
        Assert.DoesNotContain(BatchPaidTwice.Sandbox.ApiKey, File.ReadAllText(BatchPaidTwice.Journal), StringComparison.Ordinal);

    [Fact]
    public void The_journal_announces_each_rows_confirm_once_though_the_file_ran_twice() =>
        Assert.Equal(10, File.ReadAllLines(BatchPaidTwice.Journal).Count(l => l.Contains("\"event\":\"confirm-sending\"", StringComparison.Ordinal)));

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
    public void Every_preflight_problem_is_reported_at_once_before_anything_is_paid()
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

    /// <summary>Four rows, B (under the minimum) and C (no address) bad; the rows of the errors are output.</summary>
    private (SandboxServer Sandbox, RunResult Result) BadRowsRun => runs.Of(nameof(BadRowsRun), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = new[]
        {
            Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5"),
            Rows.Referenced("B", "USDTTRC20", Rows.Tron(2), "10"),
            Rows.Referenced("C", "USDTBEP20", "not-an-address", "5"),
            Rows.Referenced("D", "USDTBEP20", Rows.Evm(4), "7"),
        };
        const string payOutputtingFailedRows =
            "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ErrorVariable failed -ErrorAction SilentlyContinue; $failed | ForEach-Object TargetObject";
        return (sandbox, ps.Run(payOutputtingFailedRows, rows, NewJournal()));
    });

    [Fact]
    public void Bad_rows_are_reported_with_their_row()
    {
        var result = BadRowsRun.Result;
        Assert.Equal(new[] { "B", "C" }, result.Output.Where(o => o.BaseObject is PSCustomObject).Select(o => (string)o.Properties["PayoutId"].Value));
        var summary = Assert.Single(result.Objects<NordPayPayoutSummary>());
        Assert.Equal((4, 2, 2, false), (summary.Rows, summary.Paid, summary.Failed, summary.Complete));
    }

    [Fact]
    public void The_rows_beside_bad_ones_are_paid() => Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(4) }, BadRowsRun.Sandbox.State.Ledger.Select(w => w.Address));

    /// <summary>Four rows run with -WhatIf.</summary>
    private (SandboxServer Sandbox, PowerShellSession Ps, string Journal, RunResult Result) WhatIfRun => runs.Of(nameof(WhatIfRun), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var journal = NewJournal();
        return (sandbox, ps, journal, ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -WhatIf", Batch(4), journal));
    });

    [Fact]
    public void WhatIf_sends_no_POST_nor_writes_a_journal()
    {
        var run = WhatIfRun;
        Assert.Empty(run.Result.Errors);
        Assert.Equal(0, run.Sandbox.State.PostsReceived);
        Assert.False(File.Exists(run.Journal));
    }

    [Fact]
    public void WhatIf_prints_the_plan_with_totals()
    {
        var lines = WhatIfRun.Ps.UI.WhatIfLines.ToList();
        Assert.Equal(5, lines.Count);
        Assert.Contains("4 payouts to 4 addresses: ", lines[0]);
        Assert.Contains("USDTBEP20 (balance 100000", lines[0]);
        Assert.Contains("28.03 USDTTRC20", lines[0]);
        Assert.Contains("1.123456789012345678 USDTBEP20 to " + Rows.Evm(1), lines[1]);
    }

    /// <summary>
    /// Two of three rows paid, the journal's last line torn, and all three run again; then a line of it corrupted and
    /// the three run once more. The warnings and the ledger as the run after the torn line left them.
    /// </summary>
    private sealed record TornThenCorrupt(SandboxServer Sandbox, PSObject[] Rows, RunResult Torn, IReadOnlyList<string> WarningsAfterTorn,
        IReadOnlyList<Withdrawal> LedgerAfterTorn, RunResult Corrupt);

    private TornThenCorrupt JournalTornThenCorrupt => runs.Of(nameof(TornThenCorrupt), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = Batch(3);
        var journal = NewJournal();
        Assert.Empty(ps.Run(Pay, rows.Take(2).ToArray(), journal).Errors);
        File.AppendAllText(journal, "{\"event\":\"confirm-sen");
        var torn = ps.Run(Pay, rows, journal);
        var (warnings, ledger) = (ps.UI.Warnings.ToList(), sandbox.State.Ledger);

        var lines = File.ReadAllLines(journal).ToList();
        lines.Insert(3, "not json");
        File.WriteAllLines(journal, lines);
        return new TornThenCorrupt(sandbox, rows, torn, warnings, ledger, ps.Run(Pay, rows, journal));
    });

    [Fact]
    public void A_torn_last_line_is_cut_off()
    {
        var run = JournalTornThenCorrupt;
        Assert.Empty(run.Torn.Errors);
        Assert.Contains(run.WarningsAfterTorn, w => w.Contains("torn", StringComparison.Ordinal));
        AssertPaidOnce(run.LedgerAfterTorn, run.Rows);
    }

    [Fact]
    public void A_corrupt_line_refuses_the_journal()
    {
        var run = JournalTornThenCorrupt;
        Assert.Equal("JournalCorrupt,NordPay.Commands.InvokeNordPayPayoutCommand", run.Corrupt.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Contains("Line 4", run.Corrupt.TerminatingRecord.ErrorDetails.Message);
        AssertPaidOnce(run.Sandbox, run.Rows);
    }

    /// <summary>Three rows paid, the journal re-saved by an editor, and the rows run again.</summary>
    private sealed record ReSaved(SandboxServer Sandbox, PowerShellSession Ps, PSObject[] Rows, string Journal, RunResult Again);

    private ReSaved JournalReSavedByAnEditor => runs.Of(nameof(ReSaved), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = Batch(3);
        var journal = NewJournal();
        Assert.Empty(ps.Run(Pay, rows, journal).Errors);
        // A run killed just after its last confirm, then the journal opened and saved in Notepad and friends: a byte order
        // mark, CRLF line ends, no newline after the last line (the last row's confirmed).
        var lines = File.ReadAllLines(journal);
        var kept = lines.Take(Array.FindLastIndex(lines, l => l.StartsWith("{\"event\":\"confirmed\"", StringComparison.Ordinal)) + 1);
        var text = string.Join("\r\n", kept);
        File.WriteAllText(journal, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        return new ReSaved(sandbox, ps, rows, journal, ps.Run(Pay, rows, journal));
    });

    [Fact]
    public void A_journal_re_saved_by_an_editor_keeps_its_last_entry()
    {
        var run = JournalReSavedByAnEditor;
        Assert.DoesNotContain(run.Ps.UI.Warnings, w => w.Contains("torn", StringComparison.Ordinal));
        Assert.EndsWith("\n", File.ReadAllText(run.Journal), StringComparison.Ordinal);
        Assert.Equal(3, RowRecord.Fold(Journal.Read(run.Journal).Entries).Values.Count(r => r.State == PayoutState.Confirmed));
    }

    [Fact]
    public void A_journal_re_saved_by_an_editor_pays_nothing_again()
    {
        var run = JournalReSavedByAnEditor;
        Assert.Empty(run.Again.Errors);
        Assert.Equal(3, run.Again.Objects<NordPayPayoutResult>().Count(r => r.State == "AlreadyPaid"));
        AssertPaidOnce(run.Sandbox, run.Rows);
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

    /// <summary>24 rows paid six at a time, each call 20 ms slow, the audit records output after the results.</summary>
    private sealed record Concurrent(SandboxServer Sandbox, PowerShellSession Ps, PSObject[] Rows, RunResult Result);

    private Concurrent PaidSixAtATime => runs.Of(nameof(Concurrent), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions { Faults = new[] { new FaultRule { Latency = TimeSpan.FromMilliseconds(20) } } }));
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = Batch(24);
        return new Concurrent(sandbox, ps, rows, ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 6 -InformationVariable audit; $audit",
            rows, NewJournal()));
    });

    [Fact]
    public void ThrottleLimit_pays_each_row_once_with_its_result()
    {
        var run = PaidSixAtATime;
        Assert.Empty(run.Result.Errors);
        Assert.Equal(24, run.Result.Objects<NordPayPayoutResult>().Count());
        AssertPaidOnce(run.Sandbox, run.Rows);
    }

    [Fact]
    public void ThrottleLimit_audits_each_row_with_the_keys_hint()
    {
        var run = PaidSixAtATime;
        var audit = run.Result.Objects<InformationRecord>().ToList();
        Assert.Equal(24, audit.Count);
        Assert.All(audit, a => Assert.Contains("NordPay.Audit", a.Tags));
        Assert.All(audit, a => Assert.Equal("..." + run.Sandbox.ApiKey[^4..], Assert.IsType<NordPayAuditRecord>(a.MessageData).KeyHint));
    }

    [Fact]
    public void ThrottleLimit_shows_progress_to_its_completion()
    {
        var progress = PaidSixAtATime.Ps.UI.Progress;
        Assert.NotEmpty(progress);
        Assert.Equal(System.Management.Automation.ProgressRecordType.Completed, progress[^1].RecordType);
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
