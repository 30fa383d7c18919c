using System.Diagnostics;
using System.Management.Automation;
using System.Net;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>PowerShell sessions in this process, with a host that keeps nothing, the module imported and the sandbox's key set.</summary>
internal static class HostedSession
{
    public static PowerShell Open(SandboxProcess sandbox)
    {
        var ps = PowerShell.Create();
        ps.Runspace = HostedEngine.OpenRunspace(new ModuleHost(new QuietUI()));
        ps.AddScript(HostedEngine.ImportModule + "; Set-NordPayApiKey -ApiKey $args[1] -BaseUri $args[2]")
            .AddArgument(ModuleLayout.ManifestPath)
            .AddArgument(new NetworkCredential(string.Empty, sandbox.ApiKey).SecurePassword)
            .AddArgument(sandbox.BaseUri).Invoke();
        return ps;
    }

    /// <summary>Runs a script, timestamping each output object as it arrives: per-row latency is the gap between outputs.</summary>
    public static Measurement Run(PowerShell ps, string script, params object[] arguments)
    {
        ps.Commands.Clear();
        ps.Streams.ClearStreams();
        ps.AddScript(script);
        foreach (var argument in arguments) ps.AddArgument(argument);
        var output = new PSDataCollection<PSObject>();
        var clock = Stopwatch.StartNew();
        var stamps = new List<double>();
        output.DataAdded += (_, _) => stamps.Add(clock.Elapsed.TotalMilliseconds);
        PipelineThread.Run(() =>
        {
            ps.Invoke(null, output);
            return output.Count;
        });
        clock.Stop();
        if (Environment.GetEnvironmentVariable("NORDPAY_BENCH_TRACE") == "1")
            Console.WriteLine($"trace: {stamps.Count} outputs, first at {stamps.FirstOrDefault():0} ms, last at {stamps.LastOrDefault():0} ms, total {clock.ElapsedMilliseconds} ms");
        if (ps.Streams.Error.Count > 0) throw new InvalidOperationException("The run failed: " + ps.Streams.Error[0]);
        // Rows paid, as the module reports them; the first gap includes the run's start-up (preflight), so it is left out.
        var rows = output.Count(o => o?.BaseObject.GetType().Name is "NordPayWithdrawConfirmation" or "NordPayPayoutResult");
        var gaps = stamps.Zip(stamps.Skip(1), (a, b) => b - a).ToList();
        return new Measurement(rows, clock.Elapsed.TotalSeconds, gaps) { Summary = output.Select(o => o?.BaseObject).OfType<NordPay.Models.NordPayPayoutSummary>().LastOrDefault() };
    }
}
