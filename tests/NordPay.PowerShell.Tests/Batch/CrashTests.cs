using System.Diagnostics;
using System.Globalization;
using System.Management.Automation;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>
/// A batch killed at a named point in a child process (the hosted engine in NordPay.CrashRunner), then run
/// again with the same journal, as an operator would: the sandbox's own ledger must show every row paid exactly once.
/// </summary>
public abstract class CrashTestsBase
{
    private const int RowCount = 8;

    public static readonly string[] Points =
    {
        "after-write:planned", "before-request", "after-request", "mid-write:requested", "after-write:requested",
        "mid-write:confirm-sending", "before-confirm", "after-confirm", "mid-write:confirmed", "after-write:confirmed",
    };

    private static readonly string Runner = Path.Combine(ModuleLayout.RepoRoot, "tests", "NordPay.CrashRunner", "bin", ModuleLayout.Configuration, "net10.0", "NordPay.CrashRunner.dll");

    private static PSObject[] Rows8() => Enumerable.Range(1, RowCount).Select(i => i % 2 == 0
        ? Rows.Referenced($"R{i}", "USDTTRC20", Rows.Tron(i), $"{25 + i}.5")
        : Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), $"{i}.000000000000000001")).ToArray();

    protected static void CrashThenRecover(string point, int occurrence, int throttle, bool multiple)
    {
        using var sandbox = Sandboxes.Start();
        var directory = Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var journal = Path.Combine(directory, "batch.journal");
        var rows = Rows8();
        var rowsFile = Path.Combine(directory, "rows.txt");
        File.WriteAllLines(rowsFile, rows.Select(r => string.Join(",", new[] { "PayoutId", "Currency", "Address", "Amount" }.Select(n => (string)r.Properties[n].Value))));

        var killed = RunChild(sandbox, rowsFile, journal, throttle, multiple, point, occurrence);
        Assert.True(killed, $"The child never reached {point} #{occurrence}.");

        // Run again, as an operator would; rows in doubt are settled from what NordPay's history shows.
        using var ps = PowerShellSession.For(sandbox);
        var flags = multiple ? " -UseMultipleWithdraw" : string.Empty;
        var rerun = ps.Run($"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit {throttle}{flags}", rows, journal);
        Assert.Null(rerun.Terminating);
        foreach (var doubt in rerun.Errors.Where(e => e.FullyQualifiedErrorId.StartsWith("PayoutInDoubt", StringComparison.Ordinal)))
        {
            var row = (PSObject)doubt.TargetObject;
            var inLedger = sandbox.State.Ledger.Any(w => w.Address == (string)row.Properties["Address"].Value);
            var settled = ps.Run($"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force{flags} -SettleInDoubt {(inLedger ? "Paid" : "NotPaid")} -SettleReference $args[2]",
                rows, journal, (string)row.Properties["PayoutId"].Value);
            Assert.Null(settled.Terminating);
        }
        Assert.DoesNotContain(rerun.Errors, e => !e.FullyQualifiedErrorId.StartsWith("PayoutInDoubt", StringComparison.Ordinal));

        var final = ps.Run($"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force{flags}", rows, journal);
        Assert.Empty(final.Errors);
        Assert.True(Assert.Single(final.Objects<NordPayPayoutSummary>()).Complete);
        var ledger = sandbox.State.Ledger;
        foreach (var row in rows)
            Assert.Single(ledger, w => w.Address == (string)row.Properties["Address"].Value
                                       && w.Amount.ToString(CultureInfo.InvariantCulture) == (string)row.Properties["Amount"].Value);
        Assert.Equal(RowCount, ledger.Count);
    }

    private static bool RunChild(SandboxServer sandbox, string rowsFile, string journal, int throttle, bool multiple, string point, int occurrence)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
                 {
                     Runner, ModuleLayout.ModuleDirectory, sandbox.BaseUri.ToString(), sandbox.ApiKey, rowsFile, journal,
                     throttle.ToString(CultureInfo.InvariantCulture), multiple.ToString(), point, occurrence.ToString(CultureInfo.InvariantCulture),
                 })
            start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        Assert.True(child.WaitForExit(60_000), "The child did not finish within a minute.");
        Assert.True(child.ExitCode is 0 or 137, $"Exit {child.ExitCode}: {output.Result} {errors.Result}");
        return child.ExitCode == 137;
    }

    public static IEnumerable<object[]> Kills(params int[] occurrences) =>
        from point in Points from occurrence in occurrences select new object[] { point, occurrence };
}

public class CrashTestsSequential : CrashTestsBase
{
    public static IEnumerable<object[]> Cases => Kills(1, 2, 4, 6, 8);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Killed_anywhere_every_row_is_paid_exactly_once(string point, int occurrence) => CrashThenRecover(point, occurrence, throttle: 1, multiple: false);
}

public class CrashTestsParallel : CrashTestsBase
{
    public static IEnumerable<object[]> Cases => Kills(1, 2, 4, 6, 8);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Killed_anywhere_with_ThrottleLimit_4_every_row_is_paid_exactly_once(string point, int occurrence) => CrashThenRecover(point, occurrence, throttle: 4, multiple: false);
}

public class CrashTestsMultiple : CrashTestsBase
{
    public static IEnumerable<object[]> Cases => Kills(1, 2);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Killed_anywhere_with_multiple_withdraws_every_row_is_paid_exactly_once(string point, int occurrence) => CrashThenRecover(point, occurrence, throttle: 1, multiple: true);
}
