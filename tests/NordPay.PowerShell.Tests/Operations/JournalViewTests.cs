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
public class JournalViewTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    private static PSObject[] Rows4() =>
        Enumerable.Range(1, 4).Select(i => Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), $"{i}.000000000000000001")).ToArray();

    private static List<NordPayJournalRow> Journal(PowerShellSession ps, string journal, string more = "") =>
        ps.Run("Get-NordPayJournal -Path $args[0]" + more, journal).Objects<NordPayJournalRow>().ToList();

    /// <summary>
    /// Four rows whose run is killed as R3's confirm was about to leave (its confirm-sent marker written, the call not
    /// made): the journal read then, with no key at all, the withdrawals then; the rerun, and the journal read after it.
    /// </summary>
    private sealed record CrashedThenRerun(SandboxServer Sandbox, bool Killed, List<NordPayJournalRow> Crashed, List<NordPayJournalRow> SentOrInDoubt,
        List<long> PaidWhenKilled, RunResult Rerun, List<NordPayJournalRow> After, NordPayJournalRow Doubt);

    private CrashedThenRerun CrashedMidBatch => runs.Of(nameof(CrashedThenRerun), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var journal = Journals.New();
        var rows = Rows4();
        var killed = ChildBatch.Run(sandbox, rows, journal, throttle: 1, multiple: false, "after-write:confirm-sent", 3);
        // Read with no key at all: nothing is sent.
        var reader = runs.Keep(PowerShellSession.Unattended());
        var crashed = Journal(reader, journal);
        var sentOrInDoubt = Journal(reader, journal, " -State ConfirmSent, InDoubt");
        var paid = sandbox.State.Ledger.Select(w => w.Id).ToList();
        var rerun = runs.Keep(PowerShellSession.For(sandbox)).Run(Pay, rows, journal);
        return new CrashedThenRerun(sandbox, killed, crashed, sentOrInDoubt, paid, rerun, Journal(reader, journal), Journal(reader, journal, " -State InDoubt")[0]);
    });

    [Fact]
    public void After_a_crash_mid_batch_the_journal_shows_the_row_whose_confirm_was_sent()
    {
        var run = CrashedMidBatch;
        Assert.True(run.Killed, "The child never reached the third confirm.");
        var crashed = run.Crashed;
        // R4's confirm was announced with R3's, in one forced write; on this boot, its missing marker says it never left.
        Assert.Equal(new[] { ("R1", 1, NordPayJournalState.Paid), ("R2", 2, NordPayJournalState.Paid), ("R3", 3, NordPayJournalState.ConfirmSent), ("R4", 4, NordPayJournalState.Requested) },
            crashed.Select(r => (r.Reference, r.Row!.Value, r.State)));
        var sent = crashed[2];
        Assert.Equal(("USDTBEP20", Rows.Evm(3), 3.000000000000000001m), (sent.Currency, sent.Address, sent.Amount!.Value));
        Assert.NotNull(sent.Identifier);
        Assert.NotNull(sent.ServiceFee);
        Assert.Null(sent.WithdrawalId);
        Assert.Equal(run.PaidWhenKilled.OrderBy(i => i), crashed.Take(2).Select(r => r.WithdrawalId!.Value).OrderBy(i => i));
        Assert.Equal(new[] { "R3" }, run.SentOrInDoubt.Select(r => r.Reference));
    }

    // The re-run finds no withdrawal of R3's in the history: in doubt, never paid again while its request is valid;
    // R4, whose confirm never left, is confirmed with its request.
    [Fact]
    public void After_the_rerun_of_a_crashed_batch_the_journal_shows_the_row_in_doubt()
    {
        var run = CrashedMidBatch;
        Assert.Equal("PayoutInDoubt", Assert.Single(run.Rerun.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(new[] { NordPayJournalState.AlreadyPaid, NordPayJournalState.AlreadyPaid, NordPayJournalState.InDoubt, NordPayJournalState.Paid },
            run.After.Select(r => r.State));
        Assert.Equal(("R3", 3, "PayoutInDoubt", run.Crashed[2].Identifier), (run.Doubt.Reference, run.Doubt.Row!.Value, run.Doubt.ErrorId, run.Doubt.Identifier));
        Assert.Contains("no unclaimed withdrawal", run.Doubt.Message);
        Assert.Equal(3, run.Sandbox.State.Ledger.Count);
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

    private static readonly byte[] HalfALine = Encoding.UTF8.GetBytes("{\"event\":\"confirm-sending\",\"at\":\"2026-");

    /// <summary>Two rows paid; then, the journal held as a run holds it with half a line written, read, and run again; the journal after.</summary>
    private (RunResult Read, RunResult Locked, string JournalAfter) ReadWhileARunWrites => runs.Of(nameof(ReadWhileARunWrites), () =>
    {
        var ps = runs.Keep(PowerShellSession.For(runs.Keep(Sandboxes.Start())));
        var journal = Journals.New();
        Assert.Empty(ps.Run(Pay, Rows4().Take(2).ToArray(), journal).Errors);
        RunResult read, locked;
        using (var run = new FileStream(journal, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            run.Seek(0, SeekOrigin.End);
            run.Write(HalfALine);
            run.Flush(true);
            read = ps.Run("Get-NordPayJournal $args[0] -Verbose", journal);
            locked = ps.Run(Pay, Rows4(), journal);
        }
        return (read, locked, File.ReadAllText(journal));
    });

    [Fact]
    public void A_last_line_a_run_is_still_writing_is_left_out()
    {
        var read = ReadWhileARunWrites.Read;
        Assert.Empty(read.Errors);
        Assert.Equal(new[] { "R1", "R2" }, read.Objects<NordPayJournalRow>().Select(r => r.Reference));
        Assert.Contains(read.Verbose, v => v.Contains("is not finished", StringComparison.Ordinal));
    }

    [Fact]
    public void A_last_line_a_run_is_still_writing_is_left_as_it_is() =>
        Assert.EndsWith(Encoding.UTF8.GetString(HalfALine), ReadWhileARunWrites.JournalAfter, StringComparison.Ordinal);

    [Fact]
    public void A_journal_a_run_is_writing_is_locked_to_another_run() =>
        Assert.Equal("JournalLocked", ReadWhileARunWrites.Locked.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);

    /// <summary>Three rows paid, the first withdrawal processed and the second cancelled by the admin.</summary>
    private (PowerShellSession Session, string Journal) PaidThenSettledByTheAdmin => runs.Of(nameof(PaidThenSettledByTheAdmin), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var journal = Journals.New();
        Assert.Empty(ps.Run(Pay, Rows4().Take(3).ToArray(), journal).Errors);
        var ids = Journal(ps, journal).ToDictionary(r => r.Reference, r => r.WithdrawalId!.Value);
        sandbox.State.SetStatus(ids["R1"], "processed");
        sandbox.State.SetStatus(ids["R2"], "cancelled");
        return (ps, journal);
    });

    [Fact]
    public void Refresh_reads_each_paid_rows_withdrawal_as_the_admin_left_it()
    {
        var (ps, journal) = PaidThenSettledByTheAdmin;
        var refreshed = Journal(ps, journal, " -Refresh").ToDictionary(r => r.Reference);
        Assert.Equal(("processed", "pending", "cancelled"), (refreshed["R1"].WithdrawalStatus, refreshed["R3"].WithdrawalStatus, refreshed["R2"].WithdrawalStatus));
        Assert.StartsWith("0x", refreshed["R1"].TxHash);
        Assert.Null(refreshed["R2"].TxHash);
        Assert.All(Journal(ps, journal), r => Assert.Null(r.WithdrawalStatus));
    }

    [Fact]
    public void Get_NordPayJournal_needs_a_key_only_to_refresh()
    {
        var journal = PaidThenSettledByTheAdmin.Journal;
        using var noKey = PowerShellSession.Unattended();
        Assert.Equal(3, Journal(noKey, journal).Count);
        Assert.Equal("ApiKeyNotSet", noKey.Run("Get-NordPayJournal $args[0] -Refresh", journal).TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
    }

    /// <summary>Two journals in one folder, a.journal of one row (its run's summary) and b.journal of two.</summary>
    private (PowerShellSession Session, string Folder, string First, NordPayPayoutSummary Summary) TwoJournals => runs.Of(nameof(TwoJournals), () =>
    {
        var ps = runs.Keep(PowerShellSession.For(runs.Keep(Sandboxes.Start())));
        var folder = Journals.NewFolder();
        var first = Path.Combine(folder, "a.journal");
        var summary = Assert.Single(ps.Run(Pay, Rows4().Take(1).ToArray(), first).Objects<NordPayPayoutSummary>());
        Assert.Empty(ps.Run(Pay, Rows4().Skip(1).Take(2).ToArray(), Path.Combine(folder, "b.journal")).Errors);
        return (ps, folder, first, summary);
    });

    [Fact]
    public void Paths_bind_from_wildcards()
    {
        var (ps, folder, _, _) = TwoJournals;
        Assert.Equal(3, ps.Run("Get-NordPayJournal ($args[0] + '/*.journal')", folder).Objects<NordPayJournalRow>().Count());
    }

    [Fact]
    public void Paths_bind_from_the_runs_summary()
    {
        var (ps, _, first, summary) = TwoJournals;
        Assert.Equal(first, Assert.Single(ps.Run("$args[0] | Get-NordPayJournal", summary).Objects<NordPayJournalRow>()).JournalPath);
    }

    [Fact]
    public void A_missing_journal_is_an_error_of_its_own_beside_the_journals_read()
    {
        var (ps, folder, first, _) = TwoJournals;
        var mixed = ps.Run("Get-NordPayJournal $args[0], $args[1], $args[0]", first, Path.Combine(folder, "none.journal"));
        Assert.Equal("JournalNotFound", Assert.Single(mixed.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Single(mixed.Objects<NordPayJournalRow>());
    }

    [Fact]
    public void A_path_of_another_provider_is_refused() =>
        Assert.Equal("PathNotFileSystem", Assert.Single(TwoJournals.Session.Run("Get-NordPayJournal Env:PATH").Errors).FullyQualifiedErrorId.Split(',')[0]);
}
