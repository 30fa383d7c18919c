using System.Collections;
using FsCheck;
using FsCheck.Fluent;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;
using static NordPay.Tests.Commands.PolicyTests;

namespace NordPay.Tests.Commands;

/// <summary>
/// One pipeline of a schedule: the runspace it runs in, how it names the key (the default profile, -Profile treasury
/// for the same key, or -ApiKey under a profile whose own key is another), its shape, and its amounts in halves.
/// </summary>
public sealed record PipelineSpec(int Runspace, int Route, int Shape, IReadOnlyList<int> Halves)
{
    public static readonly string[] Routes = { "default profile", "-Profile treasury", "-ApiKey" };
    public static readonly string[] Shapes = { "a loop of one-row pipelines", "one two-step pipeline", "Invoke-NordPayPayout" };

    public IEnumerable<decimal> Amounts => Halves.Select(h => h / 2m);

    public override string ToString() => $"runspace {Runspace}, {Routes[Route]}, {Shapes[Shape]} [{string.Join(" ", Amounts)}]";
}

/// <summary>Where the policy is set (its profile and scope), the pipelines, and whether the runspaces run them at once.</summary>
public sealed record InterleavingSpec(string PolicyProfile, string Scope, bool AtOnce, IReadOnlyList<PipelineSpec> Pipelines)
{
    public override string ToString() => $"policy of {PolicyProfile} ({Scope}), {(AtOnce ? "runspaces at once" : "in turn")}: {string.Join("; ", Pipelines)}";
}

/// <summary>
/// Limits that hold however the module is driven, as a property of the cmdlets themselves: whatever runspaces of the
/// process (at once or in turn), names for the key and shapes of pipeline a schedule mixes, NordPay's ledger never holds
/// a payout over the per-payout limit, a pipeline over the per-run limit, or a day over the per-day limit.
/// ProcessLimitsTests holds the same property for the day ledger alone, over many more schedules.
/// </summary>
public class PolicyInterleavingProperty
{
    private const decimal PerPayout = 10m, PerRun = 20m, PerDay = 30m;

    // NORDPAY_POLICY_SCHEDULES runs more (or fewer) schedules.
    private static readonly int Schedules = int.TryParse(Environment.GetEnvironmentVariable("NORDPAY_POLICY_SCHEDULES"), out var n) ? n : 12;

    private const string Loop = "$route = $args[1]; $args[0] | ForEach-Object { New-NordPayWithdrawRequest -Currency $_.Currency -Address $_.Address -Amount $_.Amount @route | Confirm-NordPayWithdraw -Force @route }";
    private const string TwoStep = "$route = $args[1]; $args[0] | New-NordPayWithdrawRequest @route | Confirm-NordPayWithdraw -Force @route";
    private const string Batch = "$route = $args[1]; $args[0] | Invoke-NordPayPayout -JournalPath $args[2] -Force @route";

    [Fact]
    public void No_interleaving_of_cmdlet_pipelines_across_runspaces_or_profiles_pays_past_a_limit()
    {
        var runspaces = new[] { PowerShellSession.Interactive() };
        runspaces = runspaces.Concat(Enumerable.Range(0, 2).Select(_ => PowerShellSession.Interactive(runspaces[0].Store))).ToArray();
        try
        {
            Prop.ForAll(Arb.From(ScheduleGen()), (InterleavingSpec schedule) => NeverPastALimit(runspaces, schedule))
                .Check(Config.QuickThrowOnFailure.WithMaxTest(Schedules).WithQuietOnSuccess(true));
        }
        finally
        {
            foreach (var runspace in runspaces) runspace.Dispose();
        }
    }

    private static Gen<InterleavingSpec> ScheduleGen() =>
        from profile in Gen.Elements("default", "treasury")
        from scope in Gen.Elements("Process", "CurrentUser")
        from atOnce in Gen.Elements(true, false)
        from count in Gen.Choose(2, 7)
        from pipelines in (from runspace in Gen.Choose(0, 2)
                           from route in Gen.Choose(0, 2)
                           from shape in Gen.Choose(0, 2)
                           from rows in Gen.Choose(1, 4)
                           from halves in Gen.Choose(2, 24).ListOf(rows)
                           select new PipelineSpec(runspace, route, shape, halves.ToList())).ListOf(count)
        select new InterleavingSpec(profile, scope, atOnce, pipelines.ToList());

    private static bool NeverPastALimit(PowerShellSession[] runspaces, InterleavingSpec schedule)
    {
        using var sandbox = Sandboxes.Start();
        var key = PowerShellSession.Secure(sandbox.ApiKey);
        foreach (var runspace in runspaces)
        {
            foreach (var profile in new[] { "default", "treasury" })
                runspace.Run("Remove-NordPayPolicy -Profile $args[0] -Scope Process, CurrentUser -Confirm:$false -ErrorAction SilentlyContinue", profile);
            runspace.SetKey(sandbox.ApiKey, sandbox.BaseUri);
            runspace.Run("Set-NordPayConfiguration -RetryIntervalSec 0.005");
            runspace.Run("Set-NordPayApiKey -Profile treasury -ApiKey $args[0] -BaseUri $args[1]", key, sandbox.BaseUri);
            runspace.Run("Set-NordPayApiKey -Profile ops -ApiKey $args[0] -BaseUri $args[1]", PowerShellSession.Secure("np_other_" + Guid.NewGuid().ToString("N")), sandbox.BaseUri);
        }
        SetPolicy(runspaces[0], $"USDTBEP20 -MaxPerPayout {PerPayout} -MaxPerRun {PerRun} -MaxPerDay {PerDay} -Profile {schedule.PolicyProfile} -Scope {schedule.Scope}");

        // Each pipeline pays addresses of its own, so that the ledger tells what each paid.
        void Run(PipelineSpec pipeline, int index)
        {
            var rows = pipeline.Amounts.Select(a => Rows.Payout("USDTBEP20", Rows.Evm(index + 1), a.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
            var route = pipeline.Route switch
            {
                0 => new Hashtable(),
                1 => new Hashtable { ["Profile"] = "treasury" },
                _ => new Hashtable { ["Profile"] = "ops", ["ApiKey"] = key },
            };
            var script = pipeline.Shape switch { 0 => Loop, 1 => TwoStep, _ => Batch };
            var result = runspaces[pipeline.Runspace].Run(script, rows, route, Path.Combine(Journals.NewFolder(), "batch.journal"));
            // Only the policy refuses (a batch over a limit stops before paying), or a day's history that runspaces paying at
            // once made uncertain (HistoryUnreliable, nothing paid): every other row is paid, so the check is not vacuous.
            Assert.All(result.Errors.Append(result.TerminatingRecord).OfType<System.Management.Automation.ErrorRecord>(),
                e => Assert.True(System.Text.RegularExpressions.Regex.IsMatch(e.FullyQualifiedErrorId, "^(Policy[A-Za-z]+|PreflightFailed|HistoryUnreliable),"), e.Exception.ToString() + e.ScriptStackTrace));
        }

        var numbered = schedule.Pipelines.Select((p, i) => (Pipeline: p, Index: i)).ToList();
        if (schedule.AtOnce)
            Task.WaitAll(numbered.GroupBy(p => p.Pipeline.Runspace)
                .Select(inOne => Task.Run(() => { foreach (var (pipeline, index) in inOne) Run(pipeline, index); })).ToArray());
        else
            foreach (var (pipeline, index) in numbered) Run(pipeline, index);

        var ledger = sandbox.State.Ledger;
        var perPipeline = numbered.Where(p => p.Pipeline.Shape != 0).Select(p => ledger.Where(w => w.Address == Rows.Evm(p.Index + 1)).Sum(w => w.Amount));
        return ledger.All(w => w.Amount <= PerPayout) && perPipeline.All(total => total <= PerRun) && ledger.Sum(w => w.Amount) <= PerDay;
    }
}
