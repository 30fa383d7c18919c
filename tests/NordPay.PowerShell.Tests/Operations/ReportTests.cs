using System.Management.Automation;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Operations;

/// <summary>
/// Invoke-NordPayPayout -ReportPath: a line per input row, in input order, whatever became of it and however the run
/// ended; written as rows finish, so a killed run leaves a readable partial report.
/// </summary>
public class ReportTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Report = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -ReportPath $args[2] -Force";

    private static readonly string[] Added = { "Outcome", "ErrorId", "Message", "ServiceFee", "Identifier", "WithdrawalId" };

    private static (string[] Header, List<Dictionary<string, string>> Rows) Read(string report) => ReportFile.Read(report);

    private static PSObject Row(string reference, string currency, string address, string amount, string name) =>
        Rows.Row(("PayoutId", reference), ("Currency", currency), ("Address", address), ("Amount", amount), ("Name", name));

    [Fact]
    public void A_run_with_failures_reports_each_input_row_in_input_order_with_what_became_of_it()
    {
        // Every other confirm is slow: four workers finish rows out of order. NordPay refuses R6's request once.
        using var sandbox = Sandboxes.Start(new SandboxOptions
        {
            Faults = new[]
            {
                FaultRule.Answer("withdraw/request", 400, """{"detail":"Not enough balance"}""", address: Rows.Evm(6), times: 1),
                new FaultRule { PathSuffix = "withdraw/confirm", Latency = TimeSpan.FromMilliseconds(300), Every = 2 },
            },
        });
        using var ps = PowerShellSession.For(sandbox);
        var folder = Journals.NewFolder();
        var (journal, report) = (Path.Combine(folder, "batch.journal"), Path.Combine(folder, "report.csv"));
        var rows = Enumerable.Range(1, 12).Select(i => Row(i == 8 ? "-R8" : $"R{i}", "USDTBEP20", i == 5 ? "0xnot-an-address" : Rows.Evm(i),
            i == 3 ? "1,5" : $"{i}.10", i == 8 ? "=HYPERLINK(\"http://x\")" : $"Payee {i}")).ToArray();

        var first = ps.Run(Report + " -ThrottleLimit 4", rows, journal, report);
        var summary = Assert.Single(first.Objects<NordPayPayoutSummary>());
        Assert.Equal((report, 12, 9, 3), (summary.ReportPath, summary.Rows, summary.Paid, summary.Failed));

        var (header, lines) = Read(report);
        Assert.Equal(new[] { "PayoutId", "Currency", "Address", "Amount", "Name" }.Concat(Added), header);
        Assert.Equal(rows.Length, lines.Count);
        Assert.Equal(rows.Select(r => (string)r.Properties["PayoutId"].Value), lines.Select(l => l["PayoutId"]));
        Assert.Equal(rows.Select(r => (string)r.Properties["Amount"].Value), lines.Select(l => l["Amount"]));
        Assert.Equal(("Failed", "InvalidAmountFormat"), (lines[2]["Outcome"], lines[2]["ErrorId"]));
        Assert.Equal(("Failed", "InvalidAddress"), (lines[4]["Outcome"], lines[4]["ErrorId"]));
        Assert.Equal(("Failed", "InsufficientBalance", string.Empty), (lines[5]["Outcome"], lines[5]["ErrorId"], lines[5]["Identifier"]));
        Assert.Contains("Not enough balance", lines[5]["Message"]);
        foreach (var paid in lines.Where(l => l["Outcome"] == "Paid"))
        {
            var withdrawal = Assert.Single(sandbox.State.Ledger, w => w.Id.ToString() == paid["WithdrawalId"]);
            Assert.Equal((paid["Address"], paid["Amount"]), (withdrawal.Address, withdrawal.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.Equal((withdrawal.Identifier.ToString("D"), withdrawal.ServiceFee.ToString(System.Globalization.CultureInfo.InvariantCulture)), (paid["Identifier"], paid["ServiceFee"]));
        }
        Assert.Equal(9, lines.Count(l => l["Outcome"] == "Paid"));
        // A payee's text a spreadsheet would run is shown as text; the reference, the payout's identity, is kept exactly.
        Assert.Equal(("-R8", "'=HYPERLINK(\"http://x\")"), (lines[7]["PayoutId"], lines[7]["Name"]));
        Assert.DoesNotContain(sandbox.ApiKey, File.ReadAllText(report), StringComparison.Ordinal);

        // The same file again: the report is rewritten, the paid rows already paid, R6 paid now, the bad rows failed again.
        var again = ps.Run(Report, rows, journal, report);
        var (_, rerun) = Read(report);
        Assert.Equal(rows.Length, rerun.Count);
        Assert.Equal(9, rerun.Count(l => l["Outcome"] == "AlreadyPaid"));
        Assert.Equal("Paid", rerun[5]["Outcome"]);
        Assert.Equal(lines.Where(l => l["Outcome"] == "Paid").Select(l => l["WithdrawalId"]), rerun.Where(l => l["Outcome"] == "AlreadyPaid").Select(l => l["WithdrawalId"]));
        Assert.Equal(2, Assert.Single(again.Objects<NordPayPayoutSummary>()).Failed);
    }

    [Fact]
    public void A_batch_refused_as_a_whole_still_reports_every_row_with_why()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var folder = Journals.NewFolder();
        var (journal, report) = (Path.Combine(folder, "batch.journal"), Path.Combine(folder, "report.csv"));
        var rows = new[]
        {
            Row("A", "USDTBEP20", Rows.Evm(1), "5", "x"),
            Row("B", "USDTBEP20", Rows.Evm(2), "abc", "x"),
            Row("A", "USDTBEP20", Rows.Evm(3), "6", "x"),
            Row("C", "NOPE", Rows.Evm(4), "7", "x"),
        };
        var refused = ps.Run(Report, rows, journal, report);
        Assert.Equal("PreflightFailed", refused.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        var (_, lines) = Read(report);
        Assert.Equal(new[] { ("A", "NotPaid", "PreflightFailed"), ("B", "Failed", "InvalidAmountFormat"), ("A", "NotPaid", "PreflightFailed"), ("C", "Failed", "CurrencyNotFound") },
            lines.Select(l => (l["PayoutId"], l["Outcome"], l["ErrorId"])));
        Assert.Empty(sandbox.State.Ledger);
    }

    /// <summary>Five rows whose run is killed right after the report's second line reached the file (the report then), then run again.</summary>
    private sealed record KilledMidReport(SandboxServer Sandbox, PSObject[] Rows, bool Killed, string[] Header, List<Dictionary<string, string>> Done,
        List<Dictionary<string, string>> Whole);

    private KilledMidReport ReportOfAKilledRun => runs.Of(nameof(KilledMidReport), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var folder = Journals.NewFolder();
        var (journal, report) = (Path.Combine(folder, "batch.journal"), Path.Combine(folder, "report.csv"));
        var rows = Enumerable.Range(1, 5).Select(i => Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), $"{i}.25")).ToArray();
        var killed = ChildBatch.Run(sandbox, rows, journal, throttle: 1, multiple: false, "after-write:report", 2, report: report);
        var (header, done) = Read(report);
        runs.Keep(PowerShellSession.For(sandbox)).Run(Report, rows, journal, report);
        return new KilledMidReport(sandbox, rows, killed, header, done, Read(report).Rows);
    });

    [Fact]
    public void A_run_killed_mid_batch_leaves_a_readable_partial_report()
    {
        var run = ReportOfAKilledRun;
        Assert.True(run.Killed);
        Assert.Equal(new[] { "PayoutId", "Currency", "Address", "Amount" }.Concat(Added), run.Header);
        Assert.Equal(new[] { ("R1", "Paid"), ("R2", "Paid") }, run.Done.Select(l => (l["PayoutId"], l["Outcome"])));
    }

    // Where R3 stood when the process died varies; every row has its line, and none is paid twice.
    [Fact]
    public void The_rerun_of_a_run_killed_mid_batch_writes_a_whole_report()
    {
        var (sandbox, rows, whole) = (ReportOfAKilledRun.Sandbox, ReportOfAKilledRun.Rows, ReportOfAKilledRun.Whole);
        Assert.Equal(rows.Select(r => (string)r.Properties["PayoutId"].Value), whole.Select(l => l["PayoutId"]));
        Assert.Equal(new[] { "AlreadyPaid", "AlreadyPaid" }, whole.Take(2).Select(l => l["Outcome"]));
        var ledger = sandbox.State.Ledger;
        foreach (var line in whole.Skip(2))
        {
            Assert.Contains(line["Outcome"], new[] { "AlreadyPaid", "Paid", "InDoubt" });
            Assert.Equal(line["Outcome"] == "InDoubt" ? 0 : 1, ledger.Count(w => w.Address == line["Address"]));
        }
        Assert.Equal(ledger.Count, ledger.Select(w => w.Address).Distinct().Count());
    }

    /// <summary>
    /// Fifty rows whose second request is refused with 401: no later row can succeed, and no worker is left to take the
    /// queued rows. Whether the run ended, the ErrorIds it reported, and its report.
    /// </summary>
    private sealed record StoppedByARejectedKey(SandboxServer Sandbox, PSObject[] Rows, bool Ended, List<string?> ErrorIds, List<Dictionary<string, string>> Lines);

    private StoppedByARejectedKey BatchStoppedByARejectedKey => runs.Of(nameof(StoppedByARejectedKey), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions
        {
            Faults = new[] { new FaultRule { PathSuffix = "withdraw/request", Status = 401, Body = """{"detail":"Invalid X-API-Key"}""", Every = 2, Times = 1 } },
        }));
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var folder = Journals.NewFolder();
        var (journal, report) = (Path.Combine(folder, "batch.journal"), Path.Combine(folder, "report.csv"));
        // More rows than a window (16) and the queue (32) hold: the last ones were never handed to the worker.
        var rows = Enumerable.Range(1, 50).Select(i => Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), "5")).ToArray();
        var (shell, running) = ps.Begin(Report, rows, journal, report);
        using (shell)
        {
            if (!running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60))) return new StoppedByARejectedKey(sandbox, rows, false, new(), new());
            Exception? stopped = null;
            try
            {
                shell.EndInvoke(running);
            }
            catch (RuntimeException ex)
            {
                stopped = ex;
            }
            var record = (stopped ?? shell.InvocationStateInfo.Reason) as IContainsErrorRecord;
            var errorIds = shell.Streams.Error.Select(e => e.FullyQualifiedErrorId).Append(record?.ErrorRecord.FullyQualifiedErrorId).ToList();
            return new StoppedByARejectedKey(sandbox, rows, true, errorIds, Read(report).Rows);
        }
    });

    [Fact]
    public void A_batch_stopped_mid_way_by_a_rejected_key_ends()
    {
        var run = BatchStoppedByARejectedKey;
        Assert.True(run.Ended, "The stopped batch never ended.");
        Assert.Contains(run.ErrorIds, id => id?.StartsWith("ApiKeyRejected,", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_batch_stopped_mid_way_by_a_rejected_key_reports_the_rows_it_never_sent()
    {
        var (sandbox, rows, lines) = (BatchStoppedByARejectedKey.Sandbox, BatchStoppedByARejectedKey.Rows, BatchStoppedByARejectedKey.Lines);
        Assert.Equal(rows.Length, lines.Count);
        // R1 is paid if the worker confirmed it before taking R2; if both were in one window, R2's refused request
        // stopped the batch before R1's confirm was sent, and R1 is known not paid.
        Assert.Equal("R1", lines[0]["PayoutId"]);
        Assert.Contains(lines[0]["Outcome"], new[] { "Paid", "NotPaid" });
        var unpaid = lines.Where(l => l["Outcome"] != "Paid").ToList();
        Assert.Equal(rows.Length - 1, unpaid.Count(l => l["PayoutId"] != "R1"));
        Assert.All(unpaid, l => Assert.Contains(l["Outcome"], new[] { "Interrupted", "NotPaid" }));
        Assert.All(unpaid, l => Assert.Equal("ApiKeyRejected", l["ErrorId"]));
        Assert.Equal("NotPaid", lines[^1]["Outcome"]);
        Assert.Equal(lines.Count - unpaid.Count, sandbox.State.Ledger.Count);
    }

    /// <summary>
    /// Three rows run with -WhatIf (whether a report was written then), declined at the prompt (the report then), run
    /// while another holds the journal (the report then), and run with the journal, then its folder, as the report path.
    /// </summary>
    private sealed record NothingPaid(SandboxServer Sandbox, RunResult WhatIf, bool ReportAfterWhatIf, List<Dictionary<string, string>> Declined, string ReportDeclined,
        RunResult Locked, string ReportAfterLocked, RunResult OverTheJournal, RunResult OverAFolder);

    private NothingPaid ReportsOfRunsThatPaidNothing => runs.Of(nameof(NothingPaid), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var folder = Journals.NewFolder();
        var (journal, report) = (Path.Combine(folder, "batch.journal"), Path.Combine(folder, "report.csv"));
        var rows = Enumerable.Range(1, 3).Select(i => Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), "5")).ToArray();
        var whatIf = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -ReportPath $args[2] -WhatIf", rows, journal, report);
        var reportAfterWhatIf = File.Exists(report);
        ps.UI.ChoiceAnswers.Enqueue("No");
        ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -ReportPath $args[2]", rows, journal, report);
        var (declined, kept) = (Read(report).Rows, File.ReadAllText(report));
        RunResult locked;
        using (NordPay.Batch.Journal.Open(journal, NordPay.Security.Redactor.None))
            locked = ps.Run(Report, rows, journal, report);
        var afterLocked = File.ReadAllText(report);
        return new NothingPaid(sandbox, whatIf, reportAfterWhatIf, declined, kept, locked, afterLocked,
            ps.Run(Report, rows, journal, journal), ps.Run(Report, rows, journal, folder));
    });

    [Fact]
    public void WhatIf_writes_no_report()
    {
        var run = ReportsOfRunsThatPaidNothing;
        Assert.Empty(run.WhatIf.Errors);
        Assert.False(run.ReportAfterWhatIf);
    }

    [Fact]
    public void A_declined_batch_reports_its_rows_not_paid()
    {
        var run = ReportsOfRunsThatPaidNothing;
        Assert.All(run.Declined, l => Assert.Equal(("NotPaid", string.Empty), (l["Outcome"], l["ErrorId"])));
        Assert.Equal(3, run.Declined.Count);
    }

    [Fact]
    public void A_run_refused_for_a_locked_journal_leaves_the_report_alone()
    {
        var run = ReportsOfRunsThatPaidNothing;
        Assert.Equal("JournalLocked", run.Locked.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(run.ReportDeclined, run.ReportAfterLocked);
    }

    [Fact]
    public void A_report_path_that_cannot_be_a_report_is_refused_with_nothing_paid()
    {
        var run = ReportsOfRunsThatPaidNothing;
        Assert.Equal("ReportPathInvalid", run.OverTheJournal.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        // A folder: the system's reason ends in a full stop of its own, and the message reads as one sentence after it.
        var folderRefused = run.OverAFolder.TerminatingRecord!;
        Assert.Equal("ReportPathInvalid", folderRefused.FullyQualifiedErrorId.Split(',')[0]);
        Assert.DoesNotContain("..", folderRefused.Exception.Message);
        Assert.EndsWith(". Nothing was paid.", folderRefused.Exception.Message);
        Assert.Equal(0, run.Sandbox.State.PostsReceived);
    }

    private static readonly IReadOnlyList<KeyValuePair<string, string?>> OneRow = new[] { new KeyValuePair<string, string?>("Name", "Zoë Ångström") };

    private static IOException SharingViolation() => new("The process cannot access the file because it is being used by another process.", unchecked((int)0x80070020));

    [Fact]
    public void A_report_open_in_another_program_is_written_beside_it_at_a_name_no_earlier_report_has()
    {
        var (folder, wanted) = FolderWithAnOpenReport();
        // As Windows answers while Excel has the file open: a sharing violation for that file only.
        Stream Open(string path, FileMode mode) => path == wanted ? throw SharingViolation() : new FileStream(path, mode, FileAccess.Write, FileShare.Read);

        using (var writer = NordPay.Batch.ReportWriter.Create(wanted, Path.Combine(folder, "payouts.journal"), NordPay.Security.Redactor.None, _ => false, Open, windows: false))
        {
            Assert.Equal((Path.Combine(folder, "payouts.report (2).csv"), wanted), (writer.Path, writer.MovedFrom));
            writer.Add(1, OneRow, NordPay.Batch.RowOutcome.NotPaid(null, "declined"));
        }
        Assert.Equal("what Excel shows", File.ReadAllText(wanted));
        Assert.Equal("an earlier run's report", File.ReadAllText(Path.Combine(folder, "payouts.report (1).csv")));
        Assert.Equal("Zoë Ångström", Assert.Single(Read(Path.Combine(folder, "payouts.report (2).csv")).Rows)["Name"]);
    }

    // A folder with the report as Excel holds it open, and an earlier run's report beside it.
    private static (string Folder, string Report) FolderWithAnOpenReport()
    {
        var folder = Journals.NewFolder();
        var wanted = Path.Combine(folder, "payouts.report.csv");
        File.WriteAllText(wanted, "what Excel shows");
        File.WriteAllText(Path.Combine(folder, "payouts.report (1).csv"), "an earlier run's report");
        return (folder, wanted);
    }

    // Any other failure still refuses the report: nothing is paid.
    [Fact]
    public void A_report_that_cannot_be_written_for_another_reason_is_refused()
    {
        var (folder, wanted) = FolderWithAnOpenReport();
        Stream Denied(string path, FileMode mode) => throw new UnauthorizedAccessException("Access to the path is denied.");
        Assert.Equal("ReportPathInvalid", Assert.Throws<NordPay.Core.NordPayException>(() =>
            NordPay.Batch.ReportWriter.Create(wanted, Path.Combine(folder, "payouts.journal"), NordPay.Security.Redactor.None, _ => false, Denied)).ErrorId);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void On_Windows_the_report_starts_with_the_byte_order_mark_Excel_or_Windows_PowerShell_needs(bool windows)
    {
        var report = Path.Combine(Journals.NewFolder(), "report.csv");
        using (var writer = NordPay.Batch.ReportWriter.Create(report, report + ".journal", NordPay.Security.Redactor.None, _ => false, windows: windows))
            writer.Add(1, OneRow, NordPay.Batch.RowOutcome.NotPaid(null, "declined"));
        var bytes = File.ReadAllBytes(report);
        Assert.Equal(windows, bytes.Take(3).SequenceEqual(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.Equal("Zoë Ångström", Assert.Single(Read(report).Rows)["Name"]);
    }
}
