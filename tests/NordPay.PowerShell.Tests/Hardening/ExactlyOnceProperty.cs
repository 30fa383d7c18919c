using System.Globalization;
using System.Management.Automation;
using FsCheck;
using FsCheck.Fluent;
using NordPay.Batch;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>A fault one call meets: where it is cut, what garbage a server that paid answers, or how its answer lies.</summary>
public enum FaultKind
{
    DropBefore,
    DropAfter,
    Empty204After,
    HtmlAfter,
    NoIdAfter,
    TextIdAfter,
    ServerErrorAfter,
    ServerErrorBefore,
    RateLimited,
    RateLimitedAfter,
    TimeoutBefore,
    TimeoutAfter,
    DuplicateKeyAfter,
    LeftOutAfter,
    ReusedIdentifier,
    OversizedAfter,
}

public sealed record FaultSpec(string Path, FaultKind Kind, int Every, int Times)
{
    public override string ToString() => $"{Kind} on {Path} every {Every} x{Times}";
}

/// <summary>One row of the file: a currency (0 USDTBEP20, 1 USDTTRC20), a wallet of two, one of two amounts.</summary>
public sealed record RowSpec(int Currency, int Wallet, int Value)
{
    public override string ToString() => $"{Currency}/{Wallet}/{Value}";
}

/// <summary>One run before the operator settles: how the file spells each amount, the faults, a kill, and where it runs from.</summary>
public sealed record RunSpec(IReadOnlyList<int> Spellings, IReadOnlyList<FaultSpec> Faults, string? Kill, int KillAt, bool FromOtherFolder)
{
    public override string ToString() =>
        $"run(spellings [{string.Join(",", Spellings)}], faults [{string.Join("; ", Faults)}]{(Kill == null ? "" : $", kill at {Kill} #{KillAt}")}{(FromOtherFolder ? ", from the other folder" : "")})";
}

/// <summary>
/// A schedule: the file's rows, the runs before the operator settles, how the server pages its withdraw history where
/// NordPay documents nothing, and whether the requests expire before the operator's runs (rows in doubt then settle
/// themselves from the history).
/// </summary>
public sealed record Schedule(IReadOnlyList<RowSpec> Rows, bool WithIds, int Throttle, bool Multiple, IReadOnlyList<RunSpec> Runs, HistoryPaging Paging, bool Expire)
{
    public override string ToString() =>
        $"rows [{string.Join(" ", Rows)}], ids {WithIds}, throttle {Throttle}, multiple {Multiple}, {string.Join(", ", Runs)}, history {Paging}, expire {Expire}";
}

/// <summary>
/// The promise of the batch as a stateful property: whatever faults, kills and re-runs from other folders a schedule
/// holds, after the operator settles honestly the sandbox ledger holds every logical payout exactly once, and a row is
/// ever reported paid only with its own payout. A failure prints FsCheck's seed and the shrunk schedule.
/// </summary>
[Collection(nameof(ExactlyOnceProperty))]
[CollectionDefinition(nameof(ExactlyOnceProperty), DisableParallelization = true)]
public class ExactlyOnceProperty
{
    // NORDPAY_PROPERTY_SCHEDULES runs more (or fewer) schedules; NORDPAY_PROPERTY_REPLAY="seed,gamma" replays a failure.
    private static readonly int Schedules = int.TryParse(Environment.GetEnvironmentVariable("NORDPAY_PROPERTY_SCHEDULES"), out var n) ? n : 500;

    private const double FaultTimeoutSec = 0.5;
    private static readonly TimeSpan SlowerThanTheTimeout = TimeSpan.FromMilliseconds(800);

    private static readonly string[][] Spellings =
    {
        new[] { "2.5", "2.50", "2.500" }, new[] { "7", "7.0", "7.00" }, new[] { "25.5", "25.50", "25.500" }, new[] { "30", "30.0", "30.00" },
    };

    private static readonly string[] Paths = { "withdraw/request", "withdraw/confirm", "multiple/request", "multiple/confirm", "balance/withdraws" };

    [Fact]
    public void Every_logical_payout_is_in_the_ledger_exactly_once_and_rows_are_paid_only_with_their_own_payout()
    {
        using var ps = PowerShellSession.Interactive();
        ps.Run("Set-NordPayConfiguration -RetryIntervalSec 0.005");
        // Warm: the first schedule's calls must not meet the short timeouts cold.
        using (var warm = Sandboxes.Start())
        {
            ps.SetKey(warm.ApiKey, warm.BaseUri);
            ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5")), Journals.New());
        }
        var property = Prop.ForAll(Arb.From(ScheduleGen(), Shrink), (Schedule schedule) => Check(ps, schedule));
        var config = Config.QuickThrowOnFailure.WithMaxTest(Schedules).WithQuietOnSuccess(true);
        if (Environment.GetEnvironmentVariable("NORDPAY_PROPERTY_REPLAY") is { Length: > 0 } replay)
        {
            var parts = replay.Split(',').Select(p => ulong.Parse(p, CultureInfo.InvariantCulture)).ToArray();
            config = config.WithReplay(Microsoft.FSharp.Core.FSharpOption<Replay>.Some(new Replay(new Rnd(parts[0], parts[1]), null)));
        }
        property.Check(config);
    }

    private static Gen<Schedule> ScheduleGen() =>
        from rowCount in Gen.Choose(1, 4)
        // Few wallets and amounts, so that the same payout recurs: two rows for one person, a weekly payment.
        from rows in (from currency in Gen.Choose(0, 1) from wallet in Gen.Choose(1, 2) from value in Gen.Choose(0, 1) select new RowSpec(currency, wallet, value)).ListOf(rowCount)
        from withIds in Gen.Elements(true, false)
        from throttle in Gen.Choose(1, 8)
        from multiple in Gen.Frequency((3, Gen.Constant(false)), (1, Gen.Constant(true)))
        from runCount in Gen.Choose(1, 2)
        from runs in RunGen(rowCount).ListOf(runCount)
        from paging in Gen.Frequency(
            (4, Gen.Constant(new HistoryPaging())), (2, Gen.Constant(new HistoryPaging { SortIgnored = true })), (2, Gen.Constant(new HistoryPaging { PageCap = 2 })),
            (1, Gen.Constant(new HistoryPaging { SortIgnored = true, PageCap = 3 })), (1, Gen.Constant(new HistoryPaging { OffsetIgnored = true })))
        from expire in Gen.Elements(true, false)
        select new Schedule(rows.ToList(), withIds, throttle, multiple, runs.ToList(), paging, expire);

    private static Gen<RunSpec> RunGen(int rowCount) =>
        from spellings in Gen.Choose(0, 2).ListOf(rowCount)
        from faultCount in Gen.Choose(0, 3)
        from faults in FaultGen().ListOf(faultCount)
        from kill in Gen.Frequency((6, Gen.Constant<string?>(null)), (1, Gen.Elements(ChildBatch.Points).Select(p => (string?)p)))
        from killAt in Gen.Choose(1, 3)
        from other in Gen.Elements(true, false)
        select new RunSpec(spellings.ToList(), faults.ToList(), kill, killAt, other);

    // Confirms are where money moves: most faults meet them.
    private static Gen<FaultSpec> FaultGen() =>
        from path in Gen.Frequency((4, Gen.Constant("withdraw/confirm")), (2, Gen.Constant("multiple/confirm")), (1, Gen.Elements(Paths)))
        from kind in Gen.Elements(Enum.GetValues<FaultKind>())
        from every in Gen.Choose(1, 3)
        from times in Gen.Choose(1, 2)
        select new FaultSpec(path, kind, every, times);

    // Smaller schedules: fewer runs, rows, faults; no kill; one worker; single withdraws; no reference column.
    private static IEnumerable<Schedule> Shrink(Schedule s)
    {
        if (s.Runs.Count > 1)
            for (var i = 0; i < s.Runs.Count; i++) yield return s with { Runs = s.Runs.Where((_, j) => j != i).ToList() };
        if (s.Rows.Count > 1)
            for (var i = 0; i < s.Rows.Count; i++)
                yield return s with
                {
                    Rows = s.Rows.Where((_, j) => j != i).ToList(),
                    Runs = s.Runs.Select(r => r with { Spellings = r.Spellings.Where((_, j) => j != i).ToList() }).ToList(),
                };
        for (var i = 0; i < s.Runs.Count; i++)
        {
            var run = s.Runs[i];
            for (var f = 0; f < run.Faults.Count; f++) yield return s with { Runs = Replace(s.Runs, i, run with { Faults = run.Faults.Where((_, j) => j != f).ToList() }) };
            if (run.Kill != null) yield return s with { Runs = Replace(s.Runs, i, run with { Kill = null }) };
            if (run.FromOtherFolder) yield return s with { Runs = Replace(s.Runs, i, run with { FromOtherFolder = false }) };
        }
        if (s.Throttle > 1) yield return s with { Throttle = 1 };
        if (s.Multiple) yield return s with { Multiple = false };
        if (s.WithIds) yield return s with { WithIds = false };
        if (s.Paging != new HistoryPaging()) yield return s with { Paging = new HistoryPaging() };
        if (s.Expire) yield return s with { Expire = false };
    }

    // Rows NordPay gave the identifier of a request whose confirm had started: that confirm may have paid them, and nothing
    // dates when, so they stay in doubt for a person, expiry or not (about_NordPay_Errors, ResponseImplausible).
    private static int ReusedWhileConfirming(string journal)
    {
        var entries = Journal.Peek(journal);
        var reused = entries.Where(e => e.Event == JournalEvent.InDoubt && e.ErrorId == "ResponseImplausible").SelectMany(e => e.References ?? Array.Empty<string>()).ToHashSet();
        return RowRecord.Fold(entries).Values.Count(r => r.State == PayoutState.InDoubt && reused.Contains(r.Reference));
    }

    private static IReadOnlyList<RunSpec> Replace(IReadOnlyList<RunSpec> runs, int index, RunSpec run) => runs.Select((r, j) => j == index ? run : r).ToList();

    private static void Check(PowerShellSession ps, Schedule schedule)
    {
        using var sandbox = Sandboxes.Start(new SandboxOptions { Balances = new Dictionary<string, decimal> { ["USDTBEP20"] = 1_000_000m, ["USDTTRC20"] = 1_000_000m }, History = schedule.Paging });
        ps.SetKey(sandbox.ApiKey, sandbox.BaseUri);
        var home = Journals.NewFolder();
        var other = Journals.NewFolder();
        // A name of its own: a journal an earlier schedule left anywhere (a run that put it in the wrong folder) is never this one's.
        var name = $"batch-{Guid.NewGuid():N}.journal";
        var journal = Path.Combine(home, name);
        // Every run names the journal relative to where it runs from.
        string Relative(bool fromOther) => fromOther ? $"../{Path.GetFileName(home)}/{name}" : name;
        var flags = $"-ThrottleLimit {schedule.Throttle}{(schedule.Multiple ? " -UseMultipleWithdraw" : string.Empty)}";
        var owners = new Dictionary<long, string>();

        foreach (var run in schedule.Runs)
        {
            var rows = Materialize(schedule, run.Spellings);
            foreach (var fault in run.Faults) sandbox.State.Faults.Add(Rule(fault));
            if (run.Kill != null)
                ChildBatch.Run(sandbox, rows, Relative(run.FromOtherFolder), schedule.Throttle, schedule.Multiple, run.Kill, run.KillAt,
                    run.FromOtherFolder ? other : home, FaultTimeoutSec);
            else
                Verify(sandbox, journal, owners, mayStop: true, ps.Run(
                    $"$null = $ExecutionContext.SessionState.Path.SetLocation($args[2]); $args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force {flags} -TimeoutSec {FaultTimeoutSec.ToString(CultureInfo.InvariantCulture)}",
                    rows, Relative(run.FromOtherFolder), run.FromOtherFolder ? other : home));
            sandbox.State.Faults.Clear();
        }

        // The operator: runs the file again, settles every row in doubt by what NordPay really did, until it is complete.
        // Once every request expired, no confirm can land any more and a history that can be read settles every row.
        if (schedule.Expire) sandbox.State.AdvanceClock(TimeSpan.FromMinutes(17));
        var file = Materialize(schedule, schedule.Runs[^1].Spellings);
        for (var round = 0; ; round++)
        {
            var result = ps.Run($"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force {flags}", file, journal);
            Verify(sandbox, journal, owners, mayStop: false, result);
            var summary = Assert.Single(result.Objects<NordPayPayoutSummary>());
            if (schedule.Expire && !schedule.Paging.OffsetIgnored)
                Assert.True(summary.InDoubt == ReusedWhileConfirming(journal), $"{summary.InDoubt} rows in doubt after every request expired: {string.Join(" | ", result.Errors.Select(e => e.ToString()))}");
            if (summary.Complete) break;
            Assert.True(round < 4, $"Not complete after {round + 1} clean runs: {summary}; {string.Join(" | ", result.Errors.Select(e => e.ToString()))}");
            Assert.All(result.Errors, e => Assert.StartsWith("PayoutInDoubt", e.FullyQualifiedErrorId, StringComparison.Ordinal));
            var records = RowRecord.Fold(Journal.Peek(journal)).Values.ToList();
            foreach (var record in records.Where(r => r.State is PayoutState.InDoubt or PayoutState.ConfirmSending))
            {
                bool Pays(Sandbox.Withdrawal w) => record.Key is { } key && w.Address == key.Address && w.Amount == key.Amount;
                // A row given a reused identifier has none of its own: as a person would, it counts the withdrawals of its payout
                // that no row known paid accounts for.
                var paid = record.Identifier != null
                    ? sandbox.State.Ledger.Any(w => w.Identifier == record.Identifier && Pays(w))
                    : sandbox.State.Ledger.Count(Pays) > records.Count(r => r.State == PayoutState.Confirmed && r.Key == record.Key);
                var settled = ps.Run($"$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force {flags} -SettleInDoubt {(paid ? "Paid" : "NotPaid")} -SettleReference $args[2]",
                    file, journal, record.Reference);
                Verify(sandbox, journal, owners, mayStop: false, settled);
            }
        }

        // Every logical payout exactly once: by currency, address and amount's value, as many as the file has.
        var expected = file.GroupBy(r => ((string)r.Properties["Currency"].Value, (string)r.Properties["Address"].Value, Value(r))).ToDictionary(g => g.Key, g => g.Count());
        var actual = sandbox.State.Ledger.GroupBy(w => (w.Currency, w.Address, w.Amount)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.OrderBy(e => e.Key.ToString()), actual.OrderBy(e => e.Key.ToString()));
    }

    // A row reported paid with a withdrawal: the withdrawal is in the ledger, is the row's own (one of the requests its
    // journal entries made, or a lookalike row's: rows in doubt of one currency, address and amount settle by count once
    // their requests expired, and the history cannot tell which of them made which), and no other row ever claimed it.
    // A run with faults may stop (say, the currency list timed out).
    private static void Verify(SandboxServer sandbox, string journal, Dictionary<long, string> owners, bool mayStop, RunResult result)
    {
        Assert.True(mayStop || result.Terminating == null, $"The run stopped: {result.Terminating}");
        var entries = Journal.Peek(journal);
        var keys = RowRecord.Fold(entries).Values.Where(r => r.Key != null).ToDictionary(r => r.Reference, r => r.Key!);
        var requests = entries.Where(e => e.Event == JournalEvent.Requested && e.Identifier != null)
            .SelectMany(e => e.References.SelectMany(r => keys.Where(k => k.Key == r || keys.TryGetValue(r, out var key) && k.Value == key)
                .Select(k => (Reference: k.Key, Identifier: e.Identifier!.Value))))
            .ToLookup(p => p.Reference, p => p.Identifier);
        foreach (var paid in result.Objects<NordPayPayoutResult>().Where(r => r.WithdrawalId == null && r.State == "Paid"))
            Assert.True(sandbox.State.Ledger.Any(w => requests[paid.Reference].Contains(w.Identifier) && w.Address == paid.Address && w.Amount == paid.Amount),
                $"{paid.Reference} reported paid, but no withdrawal of its own requests is in the ledger");
        foreach (var paid in result.Objects<NordPayPayoutResult>().Where(r => r.WithdrawalId != null))
        {
            var withdrawal = sandbox.State.Ledger.SingleOrDefault(w => w.Id == paid.WithdrawalId);
            Assert.True(withdrawal != null, $"{paid.Reference} reported paid with withdrawal {paid.WithdrawalId}, which is not in the ledger");
            Assert.True(withdrawal!.Address == paid.Address && withdrawal.Amount == paid.Amount && withdrawal.Currency == paid.Currency,
                $"{paid.Reference} reported paid with withdrawal {paid.WithdrawalId}, which pays {withdrawal.Amount} {withdrawal.Currency} to {withdrawal.Address}");
            Assert.True(requests[paid.Reference].Contains(withdrawal.Identifier),
                $"{paid.Reference} reported paid with withdrawal {paid.WithdrawalId}, made by request {withdrawal.Identifier}, which is not one of its own");
            if (owners.TryGetValue(withdrawal.Id, out var owner))
                Assert.True(owner == paid.Reference, $"Withdrawal {withdrawal.Id} reported for both {owner} and {paid.Reference}");
            owners[withdrawal.Id] = paid.Reference;
        }
    }

    private static PSObject[] Materialize(Schedule schedule, IReadOnlyList<int> spellings) =>
        schedule.Rows.Select((row, i) =>
        {
            var currency = row.Currency == 0 ? "USDTBEP20" : "USDTTRC20";
            var address = row.Currency == 0 ? Rows.Evm(row.Wallet) : Rows.Tron(row.Wallet);
            var amount = Spellings[row.Currency * 2 + row.Value][spellings[i]];
            return schedule.WithIds ? Rows.Referenced($"P{i + 1}", currency, address, amount) : Rows.Payout(currency, address, amount);
        }).ToArray();

    private static decimal Value(PSObject row) => decimal.Parse((string)row.Properties["Amount"].Value, CultureInfo.InvariantCulture);

    private static FaultRule Rule(FaultSpec spec)
    {
        var rule = new FaultRule { PathSuffix = spec.Path, Every = spec.Every, Times = spec.Times };
        return spec.Kind switch
        {
            FaultKind.DropBefore => rule with { Drop = Drop.BeforeProcessing },
            FaultKind.DropAfter => rule with { Drop = Drop.AfterProcessing },
            FaultKind.Empty204After => rule with { Status = 204, Processed = true },
            FaultKind.HtmlAfter => rule with { Status = 200, Body = "<html><body>OK</body></html>", ContentType = "text/html", Processed = true },
            FaultKind.NoIdAfter => rule with { Status = 200, Body = """{"detail":"ok","status":"pending"}""", Processed = true },
            FaultKind.TextIdAfter => rule with { Status = 200, Body = """{"detail":"ok","status":"pending","id":"x1"}""", Processed = true },
            FaultKind.ServerErrorAfter => rule with { Status = 500, Body = """{"detail":"Internal Server Error"}""", Processed = true },
            FaultKind.ServerErrorBefore => rule with { Status = 503, Body = "" },
            FaultKind.RateLimited => rule with { Status = 429, RetryAfterSeconds = 0, Body = """{"detail":"Too many requests"}""" },
            // NordPay documents nothing of 429s: a gateway may answer one to a call it let through.
            FaultKind.RateLimitedAfter => rule with { Status = 429, RetryAfterSeconds = 0, Body = """{"detail":"Too many requests"}""", Processed = true },
            FaultKind.TimeoutBefore => rule with { Latency = SlowerThanTheTimeout },
            FaultKind.TimeoutAfter => rule with { Latency = SlowerThanTheTimeout, Processed = true },
            FaultKind.DuplicateKeyAfter => rule with { Lie = Lie.Duplicate, LieField = Lied(spec.Path, "amount", "total_amount", "id", "items") },
            FaultKind.LeftOutAfter => rule with { Lie = Lie.Omit, LieField = Lied(spec.Path, "address", "currency", "id", "items") },
            FaultKind.ReusedIdentifier => rule with { Lie = Lie.ReuseIdentifier },
            FaultKind.OversizedAfter => rule with { PadKilobytes = 2048 },
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
    }

    // The field a lie is about, in the answer the path gives: a withdraw request's, a multiple request's, a confirm's, a history page's.
    private static string Lied(string path, string request, string multiple, string confirm, string history) =>
        path switch { "withdraw/request" => request, "multiple/request" => multiple, "balance/withdraws" => history, _ => confirm };
}
