using System.Globalization;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>
/// 9. Kill trials: a batch of 20 rows in a real pwsh, 40 ms added to every call, killed (SIGKILL) when a random number of
/// its rows are paid; then run again at once, and once more after its requests expired. Counts the rows left in doubt
/// at once and for a person (after expiry), and checks that no row was paid twice and none lost.
/// </summary>
internal static class KillTrials
{
    private const int Rows = 20;
    private const string Script = "param($Module, $Csv, $Journal, $Throttle) Import-Module $Module; " +
                                  "Import-Csv $Csv | Invoke-NordPayPayout -JournalPath $Journal -ThrottleLimit $Throttle -Force -ErrorAction SilentlyContinue -InformationAction Ignore | " +
                                  "Where-Object { $_ -is [NordPay.Models.NordPayPayoutSummary] } | ForEach-Object { $_.InDoubt }";

    public static void Run(Options options, Results results)
    {
        var random = new Random(options.Seed);
        results.Heading($"Kill trials: {options.KillTrials} batches of {Rows} rows in a real pwsh, 40 ms per call, killed at random (seed {options.Seed})");
        results.Table(0, "ThrottleLimit", "trials", "in doubt at once (re-run)", "in doubt for a person (after expiry)", "paid twice", "lost");
        var script = Path.Combine(Path.GetTempPath(), "nordpay-bench", "kill-trial.ps1");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, Script);
        foreach (var throttle in new[] { 1, 4 })
        {
            var (atOnce, forPerson, twice, lost) = (0, 0, 0, 0);
            for (var trial = 0; trial < options.KillTrials / 2; trial++)
            {
                using var sandbox = SandboxProcess.Start("--latency-ms", "40", "--balance", "USDTBEP20=1000000");
                var csv = Path.Combine(Path.GetTempPath(), "nordpay-bench", $"kill-{Guid.NewGuid():N}.csv");
                File.WriteAllLines(csv, Enumerable.Range(1, Rows).Select(i => $"USDTBEP20,{Payouts.Address(700 + trial, i)},{Payouts.Amount(i)}").Prepend("Currency,Address,Amount"));
                var journal = Payouts.Journal();
                var environment = new Dictionary<string, string> { ["NORDPAY_API_KEY"] = sandbox.ApiKey, ["NORDPAY_BASE_URI"] = sandbox.BaseUri.ToString() };
                string[] Arguments() => new[] { "-File", script, ModuleLayout.ManifestPath, csv, journal, throttle.ToString(CultureInfo.InvariantCulture) };

                var killAt = random.Next(1, Rows - 1);
                using (var child = ChildProcess.StartPwsh(PwshHost.Pinned, environment, Arguments()))
                {
                    while (!child.HasExited && sandbox.Ledger().Count < killAt) Thread.Sleep(5);
                    if (!child.HasExited) child.Kill(entireProcessTree: true);
                    child.WaitForExit();
                }
                atOnce += InDoubt(ChildProcess.Pwsh(PwshHost.Pinned, environment, Arguments()).Output);
                sandbox.AdvanceClock(TimeSpan.FromMinutes(20));
                var left = InDoubt(ChildProcess.Pwsh(PwshHost.Pinned, environment, Arguments()).Output);
                forPerson += left;
                var ledger = sandbox.Ledger();
                twice += ledger.Count - ledger.Distinct().Count();
                // A row neither paid nor in doubt for a person is lost.
                lost += Rows - ledger.Distinct().Count() - left;
                File.Delete(csv);
            }
            results.Line($"| {throttle} | {options.KillTrials / 2} | {atOnce} | {forPerson} | {twice} | {lost} |");
            if (twice > 0 || lost > 0) Completion.Fail();
        }
        results.Line(string.Empty);
    }

    private static int InDoubt(string output) =>
        int.TryParse(output.Split('\n').Last().Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) ? count : 0;
}
