using System.Globalization;
using NordPay.Bench;
using NordPay.Hosting;

// The NordPay benchmark: starts the sandbox on loopback and measures, side by side, the module's pipeline,
// its batch mode and a plain HttpClient loop; parallel scaling under latency; Import-Module time; memory
// while streaming; and the sandbox's own capacity. Usage (from the repository root):
//   dotnet run -c Release --project bench/NordPay.Bench [-- --rows 10000 --only throughput]   (bench/README.md lists every option)
var options = Options.Parse(args);
if (options.ModuleDirectory != null) ModuleLayout.ModuleDirectory = options.ModuleDirectory;
if (options.ImportChild)
{
    Console.WriteLine(ImportTime.Once().ToString("0.0", CultureInfo.InvariantCulture));
    return 0;
}

var results = new Results();
if (options.Runs("throughput")) await Throughput.Run(options, results);
if (options.Runs("scaling")) Scaling.Run(options, results);
if (options.Runs("import")) ImportTime.Run(results, options.BaselineDirectory);
if (options.Runs("memory")) Memory.Run(options, results);
if (options.Runs("fresh")) await FreshProcesses.Run(options, results);
if (options.Runs("limits")) Limits.Run(options, results);
if (options.Runs("soak")) Soak.Run(options, results);
if (options.Runs("kills")) KillTrials.Run(options, results);
// Only a run of every part replaces the recorded results.
if (options.Only == null) results.Write();
if (!Completion.AllComplete) Console.Error.WriteLine("A measured run did not complete (INCOMPLETE above): its figures stand for a run that broke.");
return Completion.AllComplete ? 0 : 1;
