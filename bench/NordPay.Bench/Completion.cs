using NordPay.Models;

namespace NordPay.Bench;

/// <summary>
/// Whether a measured run did what it was timed doing: a batch's summary says Complete with every row paid, and the
/// sandbox's ledger grew by exactly the run's rows, none paid twice. Said beside each figure; a run that fails a check
/// is marked INCOMPLETE and the benchmark exits non-zero, so no figure stands for a run that broke.
/// </summary>
internal static class Completion
{
    public static bool AllComplete { get; private set; } = true;

    /// <summary>A part that checks its runs itself found one broken.</summary>
    public static void Fail() => AllComplete = false;

    /// <summary>Runs a measured run of <paramref name="rows"/> rows and checks it.</summary>
    public static (Measurement Measured, string Check) Checked(SandboxProcess sandbox, int rows, Func<Measurement> run)
    {
        var before = sandbox.Ledger().Count;
        var measured = run();
        return (measured, Check(sandbox, before, rows, measured));
    }

    /// <summary>Checks a run of <paramref name="rows"/> rows that started when the ledger held <paramref name="ledgerBefore"/> withdrawals.</summary>
    public static string Check(SandboxProcess sandbox, int ledgerBefore, int rows, Measurement measured)
    {
        var ledger = sandbox.Ledger();
        var grew = ledger.Count - ledgerBefore;
        var added = ledger.Skip(ledgerBefore).ToList();
        var twice = added.Count - added.Distinct().Count();
        var summary = measured.Summary;
        var problems = new List<string>();
        if (summary != null && !(summary.Complete && summary.Paid == rows)) problems.Add($"summary {summary}");
        if (measured.Rows != rows) problems.Add($"{measured.Rows} of {rows} rows reported paid");
        if (grew != rows) problems.Add($"ledger +{grew} for {rows} rows");
        if (twice > 0) problems.Add($"{twice} paid twice");
        if (problems.Count == 0) return $"complete: {rows} paid{(summary == null ? string.Empty : ", summary Complete")}, ledger +{grew}, 0 twice";
        AllComplete = false;
        return "INCOMPLETE: " + string.Join("; ", problems);
    }
}
