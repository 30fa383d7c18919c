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

    private static PSObject[] Rows8() => Enumerable.Range(1, RowCount).Select(i => i % 2 == 0
        ? Rows.Referenced($"R{i}", "USDTTRC20", Rows.Tron(i), $"{25 + i}.5")
        : Rows.Referenced($"R{i}", "USDTBEP20", Rows.Evm(i), $"{i}.000000000000000001")).ToArray();

    protected static void CrashThenRecover(string point, int occurrence, int throttle, bool multiple)
    {
        using var sandbox = Sandboxes.Start();
        var journal = Journals.New();
        var rows = Rows8();

        var killed = ChildBatch.Run(sandbox, rows, journal, throttle, multiple, point, occurrence);
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

    public static IEnumerable<object[]> Kills(params int[] occurrences) =>
        from point in ChildBatch.Points from occurrence in occurrences select new object[] { point, occurrence };
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
