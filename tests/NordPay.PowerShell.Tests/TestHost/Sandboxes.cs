using NordPay.Sandbox;

namespace NordPay.Tests.TestHost;

/// <summary>Starts a fresh sandbox on a free loopback port, with a key unique to the test.</summary>
internal static class Sandboxes
{
    public static SandboxServer Start(SandboxOptions? options = null) =>
        SandboxServer.StartAsync((options ?? new SandboxOptions()) with { Port = 0, ApiKey = "np_test_" + Guid.NewGuid().ToString("N") })
            .GetAwaiter().GetResult();

    /// <summary>A loopback URI on a port nothing listens on: every connection is refused.</summary>
    public static Uri ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>The POSTs a sandbox received on a path ending with the suffix.</summary>
    public static int Posts(this SandboxServer sandbox, string pathSuffix) =>
        sandbox.State.Received.Count(r => r.Method == "POST" && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal));
}
