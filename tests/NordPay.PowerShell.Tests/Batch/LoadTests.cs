using System.Management.Automation;
using System.Reflection;
using NordPay.Batch;
using NordPay.Commands;
using NordPay.Pipeline;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Batch;

/// <summary>
/// Batches of thousands of rows with script blocks downstream, which change session state on the pipeline thread while
/// the workers pay: every row paid once and PowerShell touched on the pipeline thread only; a worker that faults, and a
/// pipeline that stops downstream, end the run with every row accounted for, and the re-run pays the rest once. Alone
/// in their collection: they count the guard's violations process-wide and one of them sets the crash-point hook.
/// </summary>
[Collection(nameof(LoadTests))]
[CollectionDefinition(nameof(LoadTests), DisableParallelization = true)]
public class LoadTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    // Summary and Paid results pass a Where-Object and a ForEach-Object; the script writes the summary and the count of Paid results.
    private const string PayDownstream = """
        $paid = 0
        $args[0] | Invoke-NordPayPayout -JournalPath $args[1] -ReportPath $args[2] -ThrottleLimit $args[3] -Force -Verbose:$args[4] |
            Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] -or $_.State -eq 'Paid' } |
            ForEach-Object { if ($_ -is [NordPay.Models.NordPayPayoutSummary]) { $_ } else { $paid++ } }
        $paid
        """;

    private static SandboxServer Sandbox() =>
        Sandboxes.Start(new SandboxOptions { Balances = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase) { ["USDTBEP20"] = 100_000_000m } });

    private static PSObject[] LoadRows(int count) =>
        Enumerable.Range(1, count).Select(i => Rows.Referenced($"L{i}", "USDTBEP20", Rows.Evm(i), $"1.{i:D6}")).ToArray();

    private static (string Journal, string Report) NewFiles()
    {
        var folder = Journals.NewFolder();
        return (Path.Combine(folder, "batch.journal"), Path.Combine(folder, "report.csv"));
    }

    private static void AssertLedgerHoldsEachRowOnce(SandboxServer sandbox, IReadOnlyCollection<PSObject> rows)
    {
        var ledger = sandbox.State.Ledger;
        Assert.Equal(rows.Count, ledger.Count);
        Assert.Equal(rows.Select(r => (string)r.Properties["Address"].Value).OrderBy(a => a, StringComparer.Ordinal),
            ledger.Select(w => w.Address).OrderBy(a => a, StringComparer.Ordinal));
    }

    // Runs a script that is expected to stop (a terminating error stops it whole), and fails the test instead of hanging when it does not end.
    private static Exception? RunToItsEnd(PowerShellSession ps, string script, params object?[] args)
    {
        var (shell, running) = ps.Begin("try {\n" + script + "\n} catch { throw }", args);
        using (shell)
        {
            Assert.True(running.AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(120)), "The run never ended.");
            try
            {
                shell.EndInvoke(running);
                return null;
            }
            catch (RuntimeException ex)
            {
                return ex;
            }
        }
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(4, true)]
    [InlineData(8, false)]
    [InlineData(16, true)]
    public void Five_thousand_rows_are_paid_once_each_with_script_blocks_downstream(int throttle, bool verbose)
    {
        var (sandbox, rows, report, run, _) = FiveThousandRows(throttle, verbose);
        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var summary = Assert.Single(run.Objects<NordPayPayoutSummary>());
        Assert.Equal((5000, 5000, 0, 0, true), (summary.Rows, summary.Paid, summary.Failed, summary.InDoubt, summary.Complete));
        Assert.Equal(5000, Assert.Single(run.Objects<int>()));
        AssertLedgerHoldsEachRowOnce(sandbox, rows);
        var (_, lines) = ReportFile.Read(report);
        Assert.Equal(rows.Select(r => (string)r.Properties["PayoutId"].Value), lines.Select(l => l["PayoutId"]));
        Assert.All(lines, l => Assert.Equal("Paid", l["Outcome"]));
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(4, true)]
    [InlineData(8, false)]
    [InlineData(16, true)]
    public void Five_thousand_rows_with_script_blocks_downstream_touch_PowerShell_on_the_pipeline_thread_only(int throttle, bool verbose) =>
        Assert.Equal(0, FiveThousandRows(throttle, verbose).Violations);

    private (SandboxServer Sandbox, PSObject[] Rows, string Report, RunResult Run, int Violations) FiveThousandRows(int throttle, bool verbose) =>
        runs.Of($"5000 rows, throttle {throttle}, verbose {verbose}", () =>
        {
            var violations = PipelineThread.Violations;
            var sandbox = runs.Keep(Sandbox());
            var ps = runs.Keep(PowerShellSession.For(sandbox));
            var rows = LoadRows(5000);
            var (journal, report) = NewFiles();
            var run = ps.Run(PayDownstream, rows, journal, report, throttle, verbose);
            return (sandbox, rows, report, run, PipelineThread.Violations - violations);
        });

    /// <summary>One call of a guarded member off the pipeline thread, then one on it: how each failed, and the violations each counted.</summary>
    private sealed record GuardedCall(string Member, Exception? OffThread, int CountedOffThread, Exception? OnThread, int CountedOnThread);

    // The members of NordPayCmdlet that reach PowerShell, each called on a cmdlet made on this thread, which stands for its
    // pipeline thread (PowerShell itself is not running it).
    private IReadOnlyList<GuardedCall> GuardedCalls => runs.Of(nameof(GuardedCalls), () =>
    {
        var cmdlet = new GetNordPayBalanceCommand();
        object? Call(MemberInfo member) => member switch
        {
            PropertyInfo property => property.GetValue(cmdlet),
            MethodInfo method => method.Invoke(cmdlet, method.GetParameters().Select(p => p.ParameterType.IsValueType ? Activator.CreateInstance(p.ParameterType) : null).ToArray()),
            _ => null,
        };
        static Exception? Failure(Action call)
        {
            try
            {
                call();
                return null;
            }
            catch (TargetInvocationException ex)
            {
                return ex.InnerException;
            }
        }

        var calls = new List<GuardedCall>();
        foreach (var member in typeof(NordPayCmdlet).GetMembers(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                     .Where(m => m is MethodInfo { IsSpecialName: false } or PropertyInfo)
                     .Where(m => typeof(PSCmdlet).GetMember(m.Name, BindingFlags.Instance | BindingFlags.Public).Length > 0))
        {
            var before = PipelineThread.Violations;
            Exception? offThread = null;
            var worker = new Thread(() => offThread = Failure(() => Call(member)));
            worker.Start();
            worker.Join();
            var countedOff = PipelineThread.Violations - before;
            var onThread = Failure(() => Call(member));
            calls.Add(new GuardedCall(member.Name, offThread, countedOff, onThread, PipelineThread.Violations - before - countedOff));
        }
        return calls;
    });

    [Fact]
    public void Every_PowerShell_API_a_cmdlet_writes_or_reads_through_is_guarded() =>
        Assert.Superset(new HashSet<string> { "MyInvocation", "SessionState", "GetVariableValue", "WriteObject", "WriteError", "WriteWarning", "WriteVerbose", "WriteDebug",
            "WriteProgress", "WriteInformation", "ShouldProcess", "ThrowTerminatingError" },
            GuardedCalls.Select(c => c.Member).ToHashSet());

    [Fact]
    public void Every_PowerShell_API_a_NordPay_cmdlet_calls_fails_off_its_pipeline_thread() =>
        Assert.All(GuardedCalls, c => Assert.True(c.OffThread is InvalidOperationException && c.OffThread.Message.Contains("not its pipeline thread", StringComparison.Ordinal),
            $"{c.Member} reached PowerShell off the pipeline thread: {c.OffThread}"));

    // On its own thread the guard lets the call through to PowerShell (which, with no pipeline running, may refuse it).
    [Fact]
    public void Every_PowerShell_API_a_NordPay_cmdlet_calls_passes_the_guard_on_its_pipeline_thread() =>
        Assert.All(GuardedCalls, c => Assert.DoesNotContain("not its pipeline thread", c.OnThread?.Message ?? string.Empty, StringComparison.Ordinal));

    [Fact]
    public void Every_call_off_the_pipeline_thread_is_counted_as_a_violation() =>
        Assert.All(GuardedCalls, c => Assert.Equal((1, 0), (c.CountedOffThread, c.CountedOnThread)));

    /// <summary>
    /// 2000 rows, eight at a time, whose run is stopped; what it left (its report, its journal's rows, what NordPay paid
    /// by its end and a moment later), and the rerun of the same rows on its journal.
    /// </summary>
    private sealed record StoppedThenRerun(SandboxServer Sandbox, PSObject[] Rows, Exception? Stopped, List<Dictionary<string, string>> Report,
        IReadOnlyCollection<RowRecord> JournalRows, int PaidWhenStopped, int PaidAMomentLater, RunResult Rerun);

    private StoppedThenRerun Stopped(string name, Func<PowerShellSession, PSObject[], string, string, Exception?> stop) => runs.Of(name, () =>
    {
        var sandbox = runs.Keep(Sandbox());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = LoadRows(2000);
        var (journal, report) = NewFiles();
        var stopped = stop(ps, rows, journal, report);
        var paidWhenStopped = sandbox.State.Ledger.Count;
        var (_, lines) = ReportFile.Read(report);
        var journalRows = RowRecord.Fold(Journals.Read(journal)).Values;
        Thread.Sleep(200);
        var paidLater = sandbox.State.Ledger.Count;
        return new StoppedThenRerun(sandbox, rows, stopped, lines, journalRows, paidWhenStopped, paidLater, ps.Run(PayDownstream, rows, journal, report, 8, false));
    });

    // The 700th confirm's answer cannot be journaled: the disk is full. It was paid, and nothing here proves it.
    private const string DiskFull = "before-write:confirmed";
    // A fault of the module's own once the 700th confirm's answer was journaled.
    private const string ModuleFault = "after-write:confirmed";

    private static string FaultErrorId(string point) => point == DiskFull ? "JournalWriteFailed" : "BatchFault";
    private static string FaultMessage(string point) => point == DiskFull ? "No space left on device" : "a fault of the module's own";

    private StoppedThenRerun WorkerFaulted(string point) => Stopped(point, (ps, rows, journal, report) =>
    {
        var confirmed = 0;
        CrashPoints.Hook = reached =>
        {
            if (reached == point && Interlocked.Increment(ref confirmed) == 700)
                throw point == DiskFull ? new IOException(FaultMessage(point)) : new InvalidOperationException(FaultMessage(point));
        };
        try
        {
            return RunToItsEnd(ps, PayDownstream, rows, journal, report, 8, false);
        }
        finally
        {
            CrashPoints.Hook = null;
        }
    });

    [Theory]
    [InlineData(DiskFull)]
    [InlineData(ModuleFault)]
    public void A_worker_that_faults_stops_the_batch_with_every_row_accounted_for(string point)
    {
        var run = WorkerFaulted(point);
        var errorId = FaultErrorId(point);
        Assert.Equal(errorId, (run.Stopped as IContainsErrorRecord)?.ErrorRecord.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains(FaultMessage(point), run.Stopped!.Message, StringComparison.Ordinal);
        Assert.Equal(run.Rows.Length, run.Report.Count);
        var outcomes = run.Report.GroupBy(l => l["Outcome"]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, outcomes["InDoubt"]);
        Assert.True(outcomes.Keys.All(o => o is "Paid" or "InDoubt" or "NotPaid"), string.Join(", ", outcomes.Keys));
        Assert.All(run.Report.Where(l => l["Outcome"] == "NotPaid"), l => Assert.Equal(errorId, l["ErrorId"]));
        // No row whose confirm never left is in doubt in the journal.
        Assert.Single(run.JournalRows, r => r.State is PayoutState.InDoubt or PayoutState.ConfirmSending);
        // NordPay paid the rows reported paid and the one in doubt; none of those reported not paid.
        Assert.Equal(outcomes["Paid"] + 1, run.PaidWhenStopped);
    }

    [Theory]
    [InlineData(DiskFull)]
    [InlineData(ModuleFault)]
    public void The_rerun_of_a_batch_a_worker_stopped_pays_each_row_once(string point)
    {
        var run = WorkerFaulted(point);
        Assert.Null(run.Rerun.Terminating);
        Assert.Empty(run.Rerun.Errors);
        var summary = Assert.Single(run.Rerun.Objects<NordPayPayoutSummary>());
        Assert.True(summary.Complete);
        Assert.Equal(run.Report.Count(l => l["Outcome"] == "Paid"), summary.AlreadyPaid);
        AssertLedgerHoldsEachRowOnce(run.Sandbox, run.Rows);
    }

    private const string StopDownstreamAt300 = "$n = 0; $args[0] | Invoke-NordPayPayout -JournalPath $args[1] -ReportPath $args[2] -ThrottleLimit 8 -Force | " +
        "ForEach-Object { if (++$n -eq 300) { throw 'the downstream command failed' } }";

    private StoppedThenRerun StoppedDownstream => Stopped(nameof(StoppedDownstream), (ps, rows, journal, report) => RunToItsEnd(ps, StopDownstreamAt300, rows, journal, report));

    [Fact]
    public void A_pipeline_stopped_downstream_stops_the_workers_with_every_row_accounted_for()
    {
        var run = StoppedDownstream;
        Assert.Contains("the downstream command failed", run.Stopped?.Message ?? string.Empty, StringComparison.Ordinal);
        Assert.Equal(run.Rows.Length, run.Report.Count);
        // The rows the workers paid after the pipeline left are in the report as paid, and no row is sent once the run ended.
        Assert.Equal(run.PaidWhenStopped, run.Report.Count(l => l["Outcome"] == "Paid"));
        Assert.All(run.Report.Where(l => l["Outcome"] != "Paid"), l => Assert.Equal("NotPaid", l["Outcome"]));
        Assert.InRange(run.PaidWhenStopped, 300, run.Rows.Length - 1);
        Assert.Equal(run.PaidWhenStopped, run.PaidAMomentLater);
    }

    [Fact]
    public void The_rerun_of_a_pipeline_stopped_downstream_pays_each_row_once()
    {
        var run = StoppedDownstream;
        Assert.Empty(run.Rerun.Errors);
        Assert.True(Assert.Single(run.Rerun.Objects<NordPayPayoutSummary>()).Complete);
        AssertLedgerHoldsEachRowOnce(run.Sandbox, run.Rows);
    }
}
