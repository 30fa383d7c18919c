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
Console.WriteLine($"NordPay sandbox listening on {server.BaseUri}");
Console.WriteLine($"API key: {server.ApiKey}");
Console.WriteLine($"The /v1 API (response envelope) is at {server.V1BaseUri}. Press Ctrl+C to stop.");

var stop = new TaskCompletionSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.TrySetResult();
};
AppDomain.CurrentDomain.ProcessExit += (_, _) => stop.TrySetResult();
await stop.Task;
return 0;
