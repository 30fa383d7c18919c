using NordPay.Sandbox;

namespace NordPay.Tests.TestHost;

/// <summary>Starts a fresh sandbox on a free loopback port, with a key unique to the test.</summary>
public static class Sandboxes
{
    public static SandboxServer Start(IReadOnlyDictionary<string, decimal>? balances = null) =>
        SandboxServer.StartAsync(new SandboxOptions
        {
            Port = 0,
            ApiKey = "np_test_" + Guid.NewGuid().ToString("N"),
            Balances = balances ?? new Dictionary<string, decimal>(),
        }).GetAwaiter().GetResult();
}
