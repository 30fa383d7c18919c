using System.Management.Automation;
using System.Text;
using NordPay.Batch;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Operations;

/// <summary>
/// Get-NordPayJournal: one object per row, read without taking the journal, so a run holding it is watched without
/// being disturbed, and a second run is still refused; after a crash it shows the row whose confirm's outcome is unknown.
/// </summary>
public class JournalViewTests
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    private static PSObject[] Rows4() =>
        Enumerable.Range(1, 4).Select(i => Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), $"{i}.000000000000000001")).ToArray();

    private static List<NordPayJournalRow> Journal(PowerShellSession ps, string journal, string more = "") =>
        ps.Run("Get-NordPayJournal -Path $args[0]" + more, journal).Objects<NordPayJournalRow>().ToList();

    [Fact]
    public void After_a_crash_mid_batch_the_journal_shows_the_row_whose_confirm_was_sent_and_after_the_rerun_the_row_in_doubt()
    {
        using var sandbox = Sandboxes.Start();
        var journal = Journals.New();
        var rows = Rows4();
        // Killed as R3's confirm was about to leave: its confirm-sent marker is written, the call not made.
        Assert.True(ChildBatch.Run(sandbox, rows, journal, throttle: 1, multiple: false, "after-write:confirm-sent", 3), "The child never reached the third confirm.");

        // Read with no key at all: nothing is sent.
        using var reader = PowerShellSession.Unattended();
        var crashed = Journal(reader, journal);
        // R4's confirm was announced with R3's, in one forced write; on this boot, its missing marker says it never left.
        Assert.Equal(new[] { ("R1", 1, NordPayJournalState.Paid), ("R2", 2, NordPayJournalState.Paid), ("R3", 3, NordPayJournalState.ConfirmSent), ("R4", 4, NordPayJournalState.Requested) },
            crashed.Select(r => (r.Reference, r.Row!.Value, r.State)));
        var sent = crashed[2];
        Assert.Equal(("USDTBEP20", Rows.Evm(3), 3.000000000000000001m), (sent.Currency, sent.Address, sent.Amount!.Value));
        Assert.NotNull(sent.Identifier);
        Assert.NotNull(sent.ServiceFee);
        Assert.Null(sent.WithdrawalId);
        Assert.Equal(sandbox.State.Ledger.Select(w => w.Id).OrderBy(i => i), crashed.Take(2).Select(r => r.WithdrawalId!.Value).OrderBy(i => i));
        Assert.Equal(new[] { "R3" }, Journal(reader, journal, " -State ConfirmSent, InDoubt").Select(r => r.Reference));

        // The re-run finds no withdrawal of R3's in the history: in doubt, never paid again while its request is valid;
        // R4, whose confirm never left, is confirmed with its request.
        using var ps = PowerShellSession.For(sandbox);
        var rerun = ps.Run(Pay, rows, journal);
        Assert.Equal("PayoutInDoubt", Assert.Single(rerun.Errors).FullyQualifiedErrorId.Split(',')[0]);
        var after = Journal(reader, journal);
        Assert.Equal(new[] { NordPayJournalState.AlreadyPaid, NordPayJournalState.AlreadyPaid, NordPayJournalState.InDoubt, NordPayJournalState.Paid },
            after.Select(r => r.State));
        var doubt = Journal(reader, journal, " -State InDoubt")[0];
        Assert.Equal(("R3", 3, "PayoutInDoubt", sent.Identifier), (doubt.Reference, doubt.Row!.Value, doubt.ErrorId, doubt.Identifier));
        Assert.Contains("no unclaimed withdrawal", doubt.Message);
        Assert.Equal(3, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_run_holding_the_journal_is_watched_row_by_row_while_a_second_run_is_still_refused()
    {
        // The third confirm takes five seconds: long enough to look at the journal while the run holds it.
        using var sandbox = Sandboxes.Start(new SandboxOptions { Faults = new[] { new FaultRule { PathSuffix = "withdraw/confirm", Latency = TimeSpan.FromSeconds(5), Every = 3, Times = 1 } } });
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        var rows = Rows4();
        var (shell, running) = ps.Begin(Pay, rows, journal);
        using (shell)
        {
            using var watcher = PowerShellSession.For(sandbox);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            List<NordPayJournalRow> seen;
            do seen = File.Exists(journal) ? Journal(watcher, journal) : new List<NordPayJournalRow>();
            while (seen.Count(r => r.State == NordPayJournalState.Paid) < 2 && !running.IsCompleted && DateTime.UtcNow < deadline);
            // R3's confirm is under way; R4's was announced with it and waits its turn: it has not left.
            Assert.Equal(new[] { NordPayJournalState.Paid, NordPayJournalState.Paid, NordPayJournalState.ConfirmSent, NordPayJournalState.Requested }, seen.Select(r => r.State));

            Assert.False(running.IsCompleted);
            var second = watcher.Run(Pay, rows, journal);
            Assert.Equal("JournalLocked", second.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
            // -WhatIf reads the journal the same way: the plan shows while the run goes on.
            Assert.Empty(watcher.Run(Pay + " -WhatIf", rows, journal).Errors);
            Assert.Contains(watcher.UI.WhatIfLines, l => l.Contains("already paid", StringComparison.Ordinal));

            shell.EndInvoke(running);
            Assert.Empty(shell.Streams.Error);
        }
        Assert.All(Journal(ps, journal), r => Assert.Equal(NordPayJournalState.Paid, r.State));
        Assert.Equal(4, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_last_line_a_run_is_still_writing_is_left_out_and_left_as_it_is()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        Assert.Empty(ps.Run(Pay, Rows4().Take(2).ToArray(), journal).Errors);
        var torn = Encoding.UTF8.GetBytes("{\"event\":\"confirm-sending\",\"at\":\"2026-");
        RunResult read;
        // Held as a run holds it, with half a line written.
        using (var run = new FileStream(journal, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            run.Seek(0, SeekOrigin.End);
            run.Write(torn);
            run.Flush(true);
            read = ps.Run("Get-NordPayJournal $args[0] -Verbose", journal);
            Assert.Equal("JournalLocked", ps.Run(Pay, Rows4(), journal).TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        }
        Assert.Empty(read.Errors);
        Assert.Equal(new[] { "R1", "R2" }, read.Objects<NordPayJournalRow>().Select(r => r.Reference));
        Assert.Contains(read.Verbose, v => v.Contains("is not finished", StringComparison.Ordinal));
        Assert.EndsWith(Encoding.UTF8.GetString(torn), File.ReadAllText(journal), StringComparison.Ordinal);
    }

    [Fact]
    public void Refresh_reads_each_paid_rows_withdrawal_as_the_admin_left_it_and_needs_a_key_only_then()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        Assert.Empty(ps.Run(Pay, Rows4().Take(3).ToArray(), journal).Errors);
        var ids = Journal(ps, journal).ToDictionary(r => r.Reference, r => r.WithdrawalId!.Value);
        sandbox.State.SetStatus(ids["R1"], "processed");
        sandbox.State.SetStatus(ids["R2"], "cancelled");

        var refreshed = Journal(ps, journal, " -Refresh").ToDictionary(r => r.Reference);
        Assert.Equal(("processed", "pending", "cancelled"), (refreshed["R1"].WithdrawalStatus, refreshed["R3"].WithdrawalStatus, refreshed["R2"].WithdrawalStatus));
        Assert.StartsWith("0x", refreshed["R1"].TxHash);
        Assert.Null(refreshed["R2"].TxHash);
        Assert.All(Journal(ps, journal), r => Assert.Null(r.WithdrawalStatus));

        using var noKey = PowerShellSession.Unattended();
        Assert.Equal(3, Journal(noKey, journal).Count);
        Assert.Equal("ApiKeyNotSet", noKey.Run("Get-NordPayJournal $args[0] -Refresh", journal).TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Paths_bind_from_wildcards_files_and_the_runs_summary_and_a_missing_journal_is_an_error_of_its_own()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var folder = Journals.NewFolder();
        var first = Path.Combine(folder, "a.journal");
        var second = Path.Combine(folder, "b.journal");
        var summary = Assert.Single(ps.Run(Pay, Rows4().Take(1).ToArray(), first).Objects<NordPayPayoutSummary>());
        Assert.Empty(ps.Run(Pay, Rows4().Skip(1).Take(2).ToArray(), second).Errors);

        Assert.Equal(3, ps.Run("Get-NordPayJournal ($args[0] + '/*.journal')", folder).Objects<NordPayJournalRow>().Count());
        Assert.Equal(first, Assert.Single(ps.Run("$args[0] | Get-NordPayJournal", summary).Objects<NordPayJournalRow>()).JournalPath);
        var mixed = ps.Run("Get-NordPayJournal $args[0], $args[1], $args[0]", first, Path.Combine(folder, "none.journal"));
        Assert.Equal("JournalNotFound", Assert.Single(mixed.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Single(mixed.Objects<NordPayJournalRow>());
        Assert.Equal("PathNotFileSystem", Assert.Single(ps.Run("Get-NordPayJournal Env:PATH").Errors).FullyQualifiedErrorId.Split(',')[0]);
    }
}
