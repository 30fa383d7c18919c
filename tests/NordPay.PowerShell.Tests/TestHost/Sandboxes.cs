using NordPay.Sandbox;

namespace NordPay.Tests.TestHost;

/// <summary>Starts a fresh sandbox on a free loopback port, with a key unique to the test.</summary>
public static class Sandboxes
{
    public static SandboxServer Start(SandboxOptions? options = null) =>
        SandboxServer.StartAsync((options ?? new SandboxOptions()) with { Port = 0, ApiKey = "np_test_" + Guid.NewGuid().ToString("N") })
            .GetAwaiter().GetResult();

    /// <summary>The POSTs a sandbox received on a path ending with the suffix.</summary>
    public static int Posts(this SandboxServer sandbox, string pathSuffix) =>
        sandbox.State.Received.Count(r => r.Method == "POST" && r.Path.EndsWith(pathSuffix, StringComparison.Ordinal));
}
