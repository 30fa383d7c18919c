using System.Diagnostics;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Runtime.Loader;

// The crash tests' child process: runs a batch through Invoke-NordPayPayout in a hosted PowerShell engine and
// kills itself at the Nth time the batch passes a named point (a journal write, a request, a confirm).
//   NordPay.CrashRunner <module dir> <base uri> <api key> <rows file> <journal> <throttle> <multiple> <point> <occurrence>
// Exit codes: 0 finished (the point was never reached often enough), 2 usage; a kill leaves 137.
if (args.Length != 9)
{
    Console.Error.WriteLine("usage: NordPay.CrashRunner <module dir> <base uri> <api key> <rows file> <journal> <throttle> <multiple> <point> <occurrence>");
    return 2;
}
var moduleDirectory = args[0];
AssemblyLoadContext.Default.Resolving += (context, name) =>
    name.Name == "NordPay.PowerShell" ? context.LoadFromAssemblyPath(Path.Combine(moduleDirectory, "NordPay.PowerShell.dll")) : null;
return Runner.Run(moduleDirectory, new Uri(args[1]), args[2], args[3], args[4], int.Parse(args[5]), bool.Parse(args[6]), args[7], int.Parse(args[8]));

internal static class Runner
{
    public static int Run(string moduleDirectory, Uri baseUri, string key, string rowsFile, string journal, int throttle, bool multiple,
        string point, int occurrence)
    {
        var seen = 0;
        NordPay.Batch.CrashPoints.Hook = reached =>
        {
            if (reached == point && Interlocked.Increment(ref seen) == occurrence) Process.GetCurrentProcess().Kill();
        };

        var rows = File.ReadAllLines(rowsFile).Select(line => line.Split(',')).Select(cells =>
        {
            var row = new PSObject();
            row.Properties.Add(new PSNoteProperty("PayoutId", cells[0]));
            row.Properties.Add(new PSNoteProperty("Currency", cells[1]));
            row.Properties.Add(new PSNoteProperty("Address", cells[2]));
            row.Properties.Add(new PSNoteProperty("Amount", cells[3]));
            return row;
        }).ToArray();

        using var runspace = RunspaceFactory.CreateRunspace(InitialSessionState.CreateDefault2());
        runspace.Open();
        using var ps = PowerShell.Create();
        ps.Runspace = runspace;
        ps.AddScript("""
            param($module, $key, $baseUri, $rows, $journal, $throttle, $multiple)
            Import-Module ([System.IO.Path]::Combine($module, 'NordPay.psd1')) -ErrorAction Stop
            Set-NordPayApiKey -ApiKey $key -BaseUri $baseUri
            $rows | Invoke-NordPayPayout -JournalPath $journal -Force -ThrottleLimit $throttle -UseMultipleWithdraw:$multiple -RetryIntervalSec 0.005
            """)
            .AddArgument(moduleDirectory).AddArgument(new NetworkCredential(string.Empty, key).SecurePassword).AddArgument(baseUri)
            .AddArgument(rows).AddArgument(journal).AddArgument(throttle).AddArgument(multiple);
        foreach (var result in ps.Invoke()) Console.WriteLine(result);
        foreach (var error in ps.Streams.Error) Console.Error.WriteLine(error);
        return 0;
    }
}
