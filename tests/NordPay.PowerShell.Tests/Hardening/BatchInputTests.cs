using System.Management.Automation;
using System.Runtime.InteropServices;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>What operators do to a batch's file and its journal: re-save it, misspell a header, run it from another folder.</summary>
public class BatchInputTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    [Fact]
    public void Rows_without_a_reference_are_one_payout_whatever_the_amounts_spelling()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        foreach (var spelling in new[] { "2.50", "2.5", "2.500" })
        {
            var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), spelling), ("USDTBEP20", Rows.Evm(1), spelling));
            var run = ps.Run(Pay, rows, journal);
            Assert.Empty(run.Errors);
            Assert.True(Assert.Single(run.Objects<NordPayPayoutSummary>()).Complete);
        }
        Assert.Equal(2, sandbox.State.Ledger.Count);
        // The wire carries the user's own digits.
        Assert.All(sandbox.State.Ledger, w => Assert.Equal("2.50", w.Amount.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    public static TheoryData<string, PSObject, PSObject> RenamedReferences => new()
    {
        { "a column that was not a reference column renamed to one", Rows.Row(("Ref", "R1"), ("Currency", "USDTBEP20"), ("Address", Rows.Evm(1)), ("Amount", "20")),
            Rows.Row(("Reference", "R1"), ("Currency", "USDTBEP20"), ("Address", Rows.Evm(1)), ("Amount", "20")) },
        { "a reference re-saved without its leading zeros", Rows.Referenced("0001", "USDTBEP20", Rows.Evm(1), "20"), Rows.Referenced("1", "USDTBEP20", Rows.Evm(1), "20") },
        { "the reference column removed", Rows.Referenced("R1", "USDTBEP20", Rows.Evm(1), "20"), Rows.Payout("USDTBEP20", Rows.Evm(1), "20") },
    };

    [Theory]
    [MemberData(nameof(RenamedReferences))]
    public void A_paid_row_whose_reference_changed_stops_the_batch_instead_of_paying_it_again(string change, PSObject first, PSObject second)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        Assert.Empty(ps.Run(Pay, new[] { first }, journal).Errors);
        var posts = sandbox.State.PostsReceived;

        var again = ps.Run(Pay, new[] { second }, journal);
        Assert.True(again.TerminatingRecord?.FullyQualifiedErrorId.StartsWith("PreflightFailed", StringComparison.Ordinal) == true, change);
        Assert.Equal("ReferenceRenamed", Assert.Single(again.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(posts, sandbox.State.PostsReceived);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public void An_EVM_address_written_in_another_letter_case_is_the_same_payout_with_or_without_a_reference()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        Assert.Empty(ps.Run(Pay, Rows.Payouts(("USDTBEP20", Rows.Evm(1).ToLowerInvariant(), "20")), journal).Errors);
        var again = ps.Run(Pay, Rows.Payouts(("USDTBEP20", Rows.Evm(1), "20")), journal);
        Assert.Empty(again.Errors);
        Assert.Equal("AlreadyPaid", Assert.Single(again.Objects<NordPayPayoutResult>()).State);

        var referenced = Journals.New();
        Assert.Empty(ps.Run(Pay, new[] { Rows.Referenced("R1", "USDTBEP20", Rows.Evm(2).ToLowerInvariant(), "20") }, referenced).Errors);
        Assert.Equal("AlreadyPaid", Assert.Single(ps.Run(Pay, new[] { Rows.Referenced("R1", "USDTBEP20", Rows.Evm(2), "20") }, referenced).Objects<NordPayPayoutResult>()).State);
        Assert.Equal(2, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_reference_journaled_with_an_amount_spelled_otherwise_is_the_same_payout_not_a_conflict()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        Assert.Empty(ps.Run(Pay, new[] { Rows.Referenced("R1", "USDTBEP20", Rows.Evm(1), "2.50") }, journal).Errors);
        var again = ps.Run(Pay, new[] { Rows.Referenced("R1", "USDTBEP20", Rows.Evm(1), "2.5") }, journal);
        Assert.Empty(again.Errors);
        Assert.Equal("AlreadyPaid", Assert.Single(again.Objects<NordPayPayoutResult>()).State);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public void A_journal_written_by_0_1_with_amounts_spelled_with_trailing_zeros_still_reads()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        // What 0.1 wrote for a row without a reference: the reference hashed the amount as spelled (2.50).
        Assert.Empty(ps.Run(Pay, Rows.Payouts(("USDTBEP20", Rows.Evm(1), "2.50")), journal).Errors);
        var legacy = File.ReadAllText(journal).Replace(NordPay.Batch.RowIdentity.Derive(new PayoutKey("USDTBEP20", Rows.Evm(1), 2.5m), 1), Legacy("USDTBEP20", Rows.Evm(1), "2.50", 1));
        File.WriteAllText(journal, legacy);
        Assert.Contains(Legacy("USDTBEP20", Rows.Evm(1), "2.50", 1), File.ReadAllText(journal));

        var again = ps.Run(Pay, Rows.Payouts(("USDTBEP20", Rows.Evm(1), "2.5")), journal);
        Assert.Empty(again.Errors);
        Assert.Equal("AlreadyPaid", Assert.Single(again.Objects<NordPayPayoutResult>()).State);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public void A_0_1_journal_that_told_one_payout_apart_by_its_spelling_is_refused_with_nothing_paid()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        var at = DateTimeOffset.UtcNow.ToString("o");
        File.WriteAllLines(journal, new[] { "2.5", "2.50" }.Select(spelling =>
            $$"""{"event":"planned","at":"{{at}}","ref":"{{Legacy("USDTBEP20", Rows.Evm(1), spelling, 1)}}","row":1,"currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"{{spelling}}"}"""));
        var result = ps.Run(Pay, Rows.Payouts(("USDTBEP20", Rows.Evm(1), "2.5")), journal);
        Assert.Equal("JournalReferencesAmbiguous", result.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(0, sandbox.State.PostsReceived);
    }

    [Fact]
    public void A_0_1_journal_of_a_multiple_withdraw_reads_its_withdrawal_id_as_the_batchs()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        var at = DateTimeOffset.UtcNow.ToString("o");
        // 0.1 wrote one confirmed entry for the whole multiple withdraw, with the confirm's batch id as withdrawalId.
        File.WriteAllLines(journal, new[]
        {
            $$"""{"event":"planned","at":"{{at}}","ref":"A","row":1,"currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"5"}""",
            $$"""{"event":"planned","at":"{{at}}","ref":"B","row":2,"currency":"USDTBEP20","address":"{{Rows.Evm(2)}}","amount":"6"}""",
            $$"""{"event":"confirmed","at":"{{at}}","refs":["A","B"],"identifier":"{{Guid.NewGuid()}}","multiple":true,"withdrawalId":1,"status":"pending"}""",
        });
        var again = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -UseMultipleWithdraw",
            new[] { Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5"), Rows.Referenced("B", "USDTBEP20", Rows.Evm(2), "6") }, journal);
        Assert.Empty(again.Errors);
        var results = again.Objects<NordPayPayoutResult>().ToList();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal(("AlreadyPaid", (long?)null, (long?)1), (r.State, r.WithdrawalId, r.BatchId)));
        Assert.Equal(0, sandbox.State.PostsReceived);
    }

    // The reference 0.1 derived: a hash of the amount exactly as spelled.
    private static string Legacy(string currency, string address, string amount, int occurrence)
    {
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(currency + "\n" + address + "\n" + amount));
        return $"auto-{Convert.ToHexString(hash, 0, 8).ToLowerInvariant()}-{occurrence}";
    }

    [Fact]
    public void A_relative_journal_path_follows_the_PowerShell_location_not_the_process_folder()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var here = Journals.NewFolder();
        var elsewhere = Journals.NewFolder();
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"));
        // Set-Location's own engine call: the hosted engine has no Microsoft.PowerShell.Management.
        const string setLocation = "$null = $ExecutionContext.SessionState.Path.SetLocation($args[2]); ";
        var first = ps.Run(setLocation + Pay.Replace("$args[1]", "batch.journal"), rows, null, here);
        Assert.Null(first.Terminating);
        Assert.Empty(first.Errors);
        Assert.Equal(Path.Combine(here, "batch.journal"), Assert.Single(first.Objects<NordPayPayoutSummary>()).JournalPath);
        Assert.True(File.Exists(Path.Combine(here, "batch.journal")));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "batch.journal")));

        // The same batch run again from another folder, naming the journal relative to it, pays nothing twice.
        var again = ps.Run(setLocation + Pay.Replace("$args[1]", "\"../$($args[3])/batch.journal\""), rows, null, elsewhere, Path.GetFileName(here));
        Assert.Equal("AlreadyPaid", Assert.Single(again.Objects<NordPayPayoutResult>()).State);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public void A_journal_path_starting_with_a_tilde_is_in_the_home_folder()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var name = "nordpay-test-" + Guid.NewGuid().ToString("N");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        try
        {
            Assert.Empty(ps.Run(Pay.Replace("$args[1]", $"~/{name}/batch.journal"), Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"))).Errors);
            Assert.True(File.Exists(Path.Combine(home, name, "batch.journal")));
        }
        finally
        {
            Directory.Delete(Path.Combine(home, name), recursive: true);
        }
    }

    [Fact]
    public void A_journal_path_of_another_provider_is_refused_with_nothing_paid()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var refused = ps.Run(Pay.Replace("$args[1]", "Env:/nordpay.journal"), Rows.Payouts(("USDTBEP20", Rows.Evm(2), "5")));
        Assert.Equal("PathNotFileSystem", refused.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public void A_journal_path_that_cannot_be_used_has_its_own_ErrorId_with_nothing_sent()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var folder = Journals.NewFolder();
        var aFile = Path.Combine(folder, "not-a-folder");
        File.WriteAllText(aFile, "x");
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"));
        foreach (var path in new[] { Path.Combine(aFile, "batch.journal"), folder })
        {
            var result = ps.Run(Pay, rows, path);
            Assert.Equal("JournalPathInvalid", result.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal(ErrorCategory.InvalidArgument, result.TerminatingRecord.CategoryInfo.Category);
        }
        Assert.Equal(0, sandbox.State.PostsReceived);
    }

    // Three rows whose Amount column is misspelled Amout.
    private (SandboxServer Sandbox, RunResult Result) UnboundRows => runs.Of(nameof(UnboundRows), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var misspelled = Enumerable.Range(1, 3).Select(i => Rows.Row(("Currency", "USDTBEP20"), ("Address", Rows.Evm(i)), ("Amout", "5"))).ToArray();
        return (sandbox, ps.Run(Pay, misspelled, Journals.New()));
    });

    [Fact]
    public void A_batch_whose_rows_cannot_be_bound_is_incomplete_with_nothing_sent()
    {
        var (sandbox, result) = UnboundRows;
        var summary = Assert.Single(result.Objects<NordPayPayoutSummary>());
        Assert.Equal((3, 0, 3, false), (summary.Rows, summary.Paid, summary.Failed, summary.Complete));
        Assert.Equal(0, sandbox.State.PostsReceived);
    }

    [Fact]
    public void Each_row_that_cannot_be_bound_names_its_missing_fields()
    {
        var result = UnboundRows.Result;
        Assert.Equal(3, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.Equal("PayoutFieldsMissing", e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("no Amount column", e.ErrorDetails.Message);
            Assert.Contains("'Amout'", e.ErrorDetails.Message);
            Assert.IsType<PSObject>(e.TargetObject);
        });
    }

    [Theory]
    [InlineData("\uFEFF")]
    [InlineData("\u200B")]
    [InlineData("\u00EF\u00BB\u00BF")]
    public void A_header_with_an_invisible_prefix_binds_like_the_header_without_it(string prefix)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        PSObject Row(string reference) => Rows.Row((prefix + "PayoutId", reference), ("Currency", "USDTBEP20"), ("Address", Rows.Evm(1)), ("Amount", "5"));
        var first = ps.Run(Pay, new[] { Row("R1"), Row("R2") }, journal);
        Assert.Empty(first.Errors);
        Assert.Equal(new[] { "R1", "R2" }, first.Objects<NordPayPayoutResult>().Select(r => r.Reference));
        // The same file, its first header read without the prefix: the same references, nothing paid twice.
        var again = ps.Run(Pay, new[] { Rows.Referenced("R1", "USDTBEP20", Rows.Evm(1), "5"), Rows.Referenced("R2", "USDTBEP20", Rows.Evm(1), "5") }, journal);
        Assert.Equal(2, again.Objects<NordPayPayoutResult>().Count(r => r.State == "AlreadyPaid"));
        var currencyFirst = ps.Run(Pay, new[] { Rows.Row((prefix + "Currency", "USDTBEP20"), ("Address", Rows.Evm(2)), ("Amount", "5")) }, Journals.New());
        Assert.Empty(currencyFirst.Errors);
        Assert.Equal(3, sandbox.State.Ledger.Count);
    }
}

/// <summary>The spill folder is the user's, shared by every batch: this runs alone, so the files it sees are its own.</summary>
[CollectionDefinition(nameof(SpillTests), DisableParallelization = true)]
[Collection(nameof(SpillTests))]
public class SpillTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    private const string Email = "alice.payee@example.com";

    /// <summary>
    /// Three rows paid, slowly enough to read their spill file as the run pays (its text and mode, as cat reads it,
    /// taking no lock), beside a killed run's leftover and the file of a run starting that instant; what was left of
    /// the three files after, and the spill folder's mode.
    /// </summary>
    private sealed record Spilled(SandboxServer Sandbox, string Content, UnixFileMode? Mode, bool SpillLeft, bool LeftoverLeft, bool OpeningLeft,
        UnixFileMode? FolderMode);

    private Spilled RowsSpilled => runs.Of(nameof(Spilled), () =>
    {
        var slowConfirm = new FaultRule { PathSuffix = "withdraw/confirm", Latency = TimeSpan.FromMilliseconds(300) };
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions { Faults = new[] { slowConfirm } }));
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        // A cache folder of its own: other processes' runs (another test suite) spill into the user's.
        var cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        Environment.SetEnvironmentVariable("XDG_CACHE_HOME", Journals.NewFolder());
        try
        {
            return SpillAndRemove(sandbox, ps);
        }
        finally
        {
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", cache);
        }
    });

    private static Spilled SpillAndRemove(SandboxServer sandbox, PowerShellSession ps)
    {
        var folder = NordPay.Pipeline.RowSpill.Folder;
        Directory.CreateDirectory(folder);
        var leftover = Path.Combine(folder, "batch-crashed.rows");
        File.WriteAllText(leftover, "what a killed run left");
        File.SetLastWriteTimeUtc(leftover, DateTime.UtcNow.AddHours(-1));
        // Just created and not locked yet, as a run starting at the same moment in another runspace leaves it for an instant.
        var opening = Path.Combine(folder, "batch-opening.rows");
        File.WriteAllText(opening, string.Empty);
        var rows = Enumerable.Range(1, 3).Select(i => Rows.Row(("Currency", "USDTBEP20"), ("Address", Rows.Evm(i)), ("Amount", "5"), ("Email", Email))).ToArray();

        var (shell, running) = ps.Begin(Pay, rows, Journals.New());
        // Once paying, every row has been written and read back once.
        while (sandbox.Posts("withdraw/request") == 0 && !running.IsCompleted) Thread.Sleep(5);
        var spill = Directory.GetFiles(folder, "*.rows").FirstOrDefault(f => f != leftover && f != opening);
        Assert.NotNull(spill);
        // The file is locked against this process's own reads; cat takes no lock.
        var content = ReadUnlocked(spill!);
        UnixFileMode? mode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(spill!);
        shell.EndInvoke(running);
        shell.Dispose();
        UnixFileMode? folderMode = OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(folder);
        return new Spilled(sandbox, content, mode, File.Exists(spill), File.Exists(leftover), File.Exists(opening), folderMode);
    }

    [Fact]
    public void The_batchs_rows_are_spilled_encrypted()
    {
        var content = RowsSpilled.Content;
        Assert.NotEmpty(content);
        Assert.DoesNotContain(Email, content, StringComparison.Ordinal);
        Assert.DoesNotContain(Rows.Evm(1), content, StringComparison.Ordinal);
    }

    [Fact]
    public void The_batchs_rows_are_spilled_owner_only()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, RowsSpilled.Mode);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, RowsSpilled.FolderMode);
    }

    [Fact]
    public void The_batchs_spill_is_removed_once_its_rows_are_paid()
    {
        Assert.False(RowsSpilled.SpillLeft);
        Assert.Equal(3, RowsSpilled.Sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_crashed_runs_leftover_spill_is_removed() => Assert.False(RowsSpilled.LeftoverLeft);

    [Fact]
    public void A_starting_runs_spill_is_not_removed() => Assert.True(RowsSpilled.OpeningLeft);

    private static string ReadUnlocked(string path)
    {
        using var cat = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("cat", path) { RedirectStandardOutput = true })!;
        var text = cat.StandardOutput.ReadToEnd();
        cat.WaitForExit();
        return text;
    }
}
