using NordPay.Api;
using NordPay.Sandbox;

namespace NordPay.Tests.TestHost;

/// <summary>API clients of the sandbox, as the module's cmdlets make them, for tests of the client itself.</summary>
internal static class Clients
{
    // Retries fast, so that exhausting them costs the tests little time.
    public static readonly NordPayClientOptions Fast = new() { RetryInterval = TimeSpan.FromMilliseconds(5) };

    public static NordPayClient For(SandboxServer sandbox, bool v1 = false, string? key = null, NordPayClientOptions? options = null,
        Action<NordPay.Api.LogLevel, string>? log = null) =>
        new(new NordPayConnection(v1 ? sandbox.V1BaseUri : sandbox.BaseUri, PowerShellSession.Secure(key ?? sandbox.ApiKey)), options ?? Fast, log);
}
