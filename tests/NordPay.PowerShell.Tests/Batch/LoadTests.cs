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
public class LoadTests
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
    public void Five_thousand_rows_are_paid_once_each_with_script_blocks_downstream_and_PowerShell_touched_on_the_pipeline_thread_only(int throttle, bool verbose)
    {
        var violations = PipelineThread.Violations;
        using var sandbox = Sandbox();
        using var ps = PowerShellSession.For(sandbox);
        var rows = LoadRows(5000);
        var (journal, report) = NewFiles();

        var run = ps.Run(PayDownstream, rows, journal, report, throttle, verbose);

        Assert.Null(run.Terminating);
        Assert.Empty(run.Errors);
        var summary = Assert.Single(run.Objects<NordPayPayoutSummary>());
        Assert.Equal((5000, 5000, 0, 0, true), (summary.Rows, summary.Paid, summary.Failed, summary.InDoubt, summary.Complete));
        Assert.Equal(5000, Assert.Single(run.Objects<int>()));
        AssertLedgerHoldsEachRowOnce(sandbox, rows);
        var (_, lines) = ReportFile.Read(report);
        Assert.Equal(rows.Select(r => (string)r.Properties["PayoutId"].Value), lines.Select(l => l["PayoutId"]));
        Assert.All(lines, l => Assert.Equal("Paid", l["Outcome"]));
        Assert.Equal(violations, PipelineThread.Violations);
    }

    [Fact]
    public void Every_PowerShell_API_a_NordPay_cmdlet_calls_fails_off_its_pipeline_thread_and_is_counted()
    {
        // Made on this thread, which stands for its pipeline thread; PowerShell itself is not running it.
        var cmdlet = new GetNordPayBalanceCommand();
        var guarded = typeof(NordPayCmdlet).GetMembers(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Where(m => m is MethodInfo { IsSpecialName: false } or PropertyInfo)
            .Where(m => typeof(PSCmdlet).GetMember(m.Name, BindingFlags.Instance | BindingFlags.Public).Length > 0)
            .ToList();
        Assert.Superset(new HashSet<string> { "MyInvocation", "SessionState", "GetVariableValue", "WriteObject", "WriteError", "WriteWarning", "WriteVerbose", "WriteDebug", "WriteProgress", "WriteInformation", "ShouldProcess", "ThrowTerminatingError" },
            guarded.Select(m => m.Name).ToHashSet());

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

        foreach (var member in guarded)
        {
            var before = PipelineThread.Violations;
            Exception? offThread = null;
            var worker = new Thread(() => offThread = Failure(() => Call(member)));
            worker.Start();
            worker.Join();
            Assert.True(offThread is InvalidOperationException && offThread.Message.Contains("not its pipeline thread", StringComparison.Ordinal),
                $"{member.Name} reached PowerShell off the pipeline thread: {offThread}");
            Assert.Equal(before + 1, PipelineThread.Violations);
            // On its own thread the guard lets the call through to PowerShell (which, with no pipeline running, may refuse it).
            Assert.DoesNotContain("not its pipeline thread", Failure(() => Call(member))?.Message ?? string.Empty, StringComparison.Ordinal);
            Assert.Equal(before + 1, PipelineThread.Violations);
        }
    }

    [Theory]
    // The 700th confirm's answer cannot be journaled: the disk is full. It was paid, and nothing here proves it.
    [InlineData("before-write:confirmed", true, "JournalWriteFailed")]
    // A fault of the module's own once the 700th confirm's answer was journaled.
    [InlineData("after-write:confirmed", false, "BatchFault")]
    public void A_worker_that_faults_stops_the_batch_with_every_row_accounted_for_and_the_rerun_pays_each_row_once(string point, bool diskFull, string errorId)
    {
        using var sandbox = Sandbox();
        using var ps = PowerShellSession.For(sandbox);
        var rows = LoadRows(2000);
        var (journal, report) = NewFiles();
        var confirmed = 0;
        var fault = diskFull ? "No space left on device" : "a fault of the module's own";
        CrashPoints.Hook = reached =>
        {
            if (reached == point && Interlocked.Increment(ref confirmed) == 700) throw diskFull ? new IOException(fault) : new InvalidOperationException(fault);
        };
        Exception? stopped;
        try
        {
            stopped = RunToItsEnd(ps, PayDownstream, rows, journal, report, 8, false);
        }
        finally
        {
            CrashPoints.Hook = null;
        }

        Assert.Equal(errorId, (stopped as IContainsErrorRecord)?.ErrorRecord.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains(fault, stopped!.Message, StringComparison.Ordinal);
        var (_, lines) = ReportFile.Read(report);
        Assert.Equal(rows.Length, lines.Count);
        var outcomes = lines.GroupBy(l => l["Outcome"]).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(1, outcomes["InDoubt"]);
        Assert.True(outcomes.Keys.All(o => o is "Paid" or "InDoubt" or "NotPaid"), string.Join(", ", outcomes.Keys));
        Assert.All(lines.Where(l => l["Outcome"] == "NotPaid"), l => Assert.Equal(errorId, l["ErrorId"]));
        // No row whose confirm never left is in doubt in the journal.
        Assert.Single(RowRecord.Fold(Journals.Read(journal)).Values, r => r.State is PayoutState.InDoubt or PayoutState.ConfirmSending);
        // NordPay paid the rows reported paid and the one in doubt; none of those reported not paid.
        Assert.Equal(outcomes["Paid"] + 1, sandbox.State.Ledger.Count);

        var rerun = ps.Run(PayDownstream, rows, journal, report, 8, false);
        Assert.Null(rerun.Terminating);
        Assert.Empty(rerun.Errors);
        var summary = Assert.Single(rerun.Objects<NordPayPayoutSummary>());
        Assert.True(summary.Complete);
        Assert.Equal(outcomes["Paid"], summary.AlreadyPaid);
        AssertLedgerHoldsEachRowOnce(sandbox, rows);
    }

    [Fact]
    public void A_pipeline_stopped_downstream_stops_the_workers_with_every_row_accounted_for_and_the_rerun_pays_each_row_once()
    {
        using var sandbox = Sandbox();
        using var ps = PowerShellSession.For(sandbox);
        var rows = LoadRows(2000);
        var (journal, report) = NewFiles();

        var stopped = RunToItsEnd(ps, "$n = 0; $args[0] | Invoke-NordPayPayout -JournalPath $args[1] -ReportPath $args[2] -ThrottleLimit 8 -Force | ForEach-Object { if (++$n -eq 300) { throw 'the downstream command failed' } }",
            rows, journal, report);

        Assert.Contains("the downstream command failed", stopped?.Message ?? string.Empty, StringComparison.Ordinal);
        var paidWhenStopped = sandbox.State.Ledger.Count;
        var (_, lines) = ReportFile.Read(report);
        Assert.Equal(rows.Length, lines.Count);
        // The rows the workers paid after the pipeline left are in the report as paid, and no row is sent once the run ended.
        Assert.Equal(paidWhenStopped, lines.Count(l => l["Outcome"] == "Paid"));
        Assert.All(lines.Where(l => l["Outcome"] != "Paid"), l => Assert.Equal("NotPaid", l["Outcome"]));
        Assert.InRange(paidWhenStopped, 300, rows.Length - 1);
        Thread.Sleep(200);
        Assert.Equal(paidWhenStopped, sandbox.State.Ledger.Count);

        var rerun = ps.Run(PayDownstream, rows, journal, report, 8, false);
        Assert.Empty(rerun.Errors);
        Assert.True(Assert.Single(rerun.Objects<NordPayPayoutSummary>()).Complete);
        AssertLedgerHoldsEachRowOnce(sandbox, rows);
    }
}
