using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Runtime.Loader;

// The crash tests' child process: runs a batch through Invoke-NordPayPayout in a hosted PowerShell engine and
// kills itself at the Nth time the batch passes a named point (a journal write, a request, a confirm).
//   NordPay.CrashRunner <module dir> <base uri> <api key> <rows csv> <journal> <throttle> <multiple> <point> <occurrence> [<location> <timeout sec> [<report>]]
// The rows file is a header line and comma-separated rows; the journal may be relative to <location>; with <report>, the
// batch writes its -ReportPath there.
// Exit codes: 0 finished (the point was never reached often enough), 2 usage; a kill leaves 137.
if (args.Length is not (9 or 11 or 12))
{
    Console.Error.WriteLine("usage: NordPay.CrashRunner <module dir> <base uri> <api key> <rows csv> <journal> <throttle> <multiple> <point> <occurrence> [<location> <timeout sec> [<report>]]");
    return 2;
}
var moduleDirectory = args[0];
AssemblyLoadContext.Default.Resolving += (context, name) =>
    name.Name == "NordPay.PowerShell" ? context.LoadFromAssemblyPath(Path.Combine(moduleDirectory, "NordPay.PowerShell.dll")) : null;
return Runner.Run(moduleDirectory, new Uri(args[1]), args[2], args[3], args[4], int.Parse(args[5]), bool.Parse(args[6]), args[7], int.Parse(args[8]),
    args.Length >= 11 ? args[9] : Environment.CurrentDirectory, args.Length >= 11 ? double.Parse(args[10], System.Globalization.CultureInfo.InvariantCulture) : 30,
    args.Length == 12 ? args[11] : null);

internal static class Runner
{
    public static int Run(string moduleDirectory, Uri baseUri, string key, string rowsFile, string journal, int throttle, bool multiple,
        string point, int occurrence, string location, double timeoutSec, string? report)
    {
        var seen = 0;
        NordPay.Batch.CrashPoints.Hook = reached =>
        {
            if (reached == point && Interlocked.Increment(ref seen) == occurrence) Process.GetCurrentProcess().Kill();
        };

        var lines = File.ReadAllLines(rowsFile);
        var headers = lines[0].Split(',');
        var rows = lines.Skip(1).Select(line =>
        {
            var row = new PSObject();
            foreach (var (name, value) in headers.Zip(line.Split(','))) row.Properties.Add(new PSNoteProperty(name, value));
            return row;
        }).ToArray();

        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("""
            param($module, $key, $baseUri, $rows, $journal, $throttle, $multiple, $location, $timeout, $report)
            Import-Module ([System.IO.Path]::Combine($module, 'NordPay.psd1')) -ErrorAction Stop
            Set-NordPayApiKey -ApiKey $key -BaseUri $baseUri
            $null = $ExecutionContext.SessionState.Path.SetLocation($location)
            $reporting = if ($report) { @{ ReportPath = $report } } else { @{} }
            $rows | Invoke-NordPayPayout -JournalPath $journal -Force -ThrottleLimit $throttle -UseMultipleWithdraw:$multiple -RetryIntervalSec 0.005 -TimeoutSec $timeout @reporting
            """)
            .AddArgument(moduleDirectory).AddArgument(new NetworkCredential(string.Empty, key).SecurePassword).AddArgument(baseUri)
            .AddArgument(rows).AddArgument(journal).AddArgument(throttle).AddArgument(multiple).AddArgument(location).AddArgument(timeoutSec).AddArgument(report);
        foreach (var result in ps.Invoke()) Console.WriteLine(result);
        foreach (var error in ps.Streams.Error) Console.Error.WriteLine(error);
        return 0;
    }
}
