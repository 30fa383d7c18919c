using System.Runtime.InteropServices;
using NordPay.Sandbox;

// The local NordPay sandbox: `dotnet run --project src/NordPay.Sandbox [-- --port N --api-key KEY]`.
SandboxOptions options;
try
{
    options = SandboxOptions.FromArgs(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    return 2;
}

await using var server = await SandboxServer.StartAsync(options);
// Ctrl+C, and SIGTERM from `kill`, a service manager or a container stop, end the wait below. The web host takes
// SIGTERM for itself (it stops the server, and no process exit follows), so waiting for ProcessExit never ended.
// Registered before "listening" is printed, so a signal sent once the sandbox is ready is never missed.
var stop = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
void Stop(PosixSignalContext signal)
{
    signal.Cancel = true;
    stop.TrySetResult();
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
Console.WriteLine($"NordPay sandbox listening on {server.BaseUri}");
Console.WriteLine($"API key: {server.ApiKey}");
Console.WriteLine($"The /v1 API (response envelope) is at {server.V1BaseUri}. Press Ctrl+C to stop.");

await stop.Task;
return 0;
