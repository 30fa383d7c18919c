using System.Net;
using NordPay.Api;
using NordPay.Security;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Api;

/// <summary>The redactor, the DPAPI protector's platform check and TLS 1.2 on .NET Framework.</summary>
public class SecurityTests
{
    [Theory]
    [InlineData("key np_secret_value_123 in text", "key *** in text")]
    [InlineData("X-API-KEY: anything-here", "X-API-KEY: ***")]
    [InlineData("Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: *** dXNlcjpwYXNz")]
    [InlineData("""{"postback_secret":"abc\"def","amount":"5"}""", """{"postback_secret":"***","amount":"5"}""")]
    [InlineData("""{"api_key": "zzz", "X-Api-Token":"t"}""", """{"api_key": "***", "X-Api-Token":"***"}""")]
    [InlineData("""{"detail":"Not enough balance"}""", """{"detail":"Not enough balance"}""")]
    public void The_redactor_masks_the_key_key_headers_and_secret_fields(string text, string expected)
    {
        Assert.Equal(expected, new Redactor("np_secret_value_123").Redact(text));
    }

    [Fact]
    public void A_short_key_shows_no_hint_at_all()
    {
        Assert.Equal("...wxyz", Redactor.Hint("np_0123456789_wxyz"));
        Assert.Equal("***", Redactor.Hint("short_key"));
    }

    [Fact]
    public async Task Debug_bodies_are_redacted()
    {
        using var sandbox = Sandboxes.Start();
        sandbox.State.Faults.Add(NordPay.Sandbox.FaultRule.Answer("withdraw/request", 200,
            $$"""{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","amount":"5","expires_at":"{{Answers.Soon}}","postback_secret":"ps_leak_me"}"""));
        var log = new List<(LogLevel Level, string Text)>();
        var client = new NordPayClient(new NordPayConnection(sandbox.BaseUri, PowerShellSession.Secure(sandbox.ApiKey)), ClientTests.Fast, (l, t) => log.Add((l, t)));
        await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        Assert.Contains(log, l => l.Level == LogLevel.Debug && l.Text.Contains("\"postback_secret\":\"***\"", StringComparison.Ordinal));
        Assert.DoesNotContain(log, l => l.Text.Contains("ps_leak_me", StringComparison.Ordinal) || l.Text.Contains(sandbox.ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public void DPAPI_exists_on_Windows_only()
    {
        Assert.Equal(OperatingSystem.IsWindows(), new DpapiKeyProtector().IsAvailable);
        Assert.Equal(OperatingSystem.IsWindows(), KeyStore.ForCurrentUser().CanProtect);
    }

    [Theory]
    [InlineData(SecurityProtocolType.SystemDefault, SecurityProtocolType.SystemDefault)]
#pragma warning disable SYSLIB0039 // the old protocols are the point of this test
    [InlineData(SecurityProtocolType.Tls, SecurityProtocolType.Tls | SecurityProtocolType.Tls12)]
    [InlineData(SecurityProtocolType.Tls | SecurityProtocolType.Tls11, SecurityProtocolType.Tls | SecurityProtocolType.Tls11 | SecurityProtocolType.Tls12)]
#pragma warning restore SYSLIB0039
    [InlineData(SecurityProtocolType.Tls12, SecurityProtocolType.Tls12)]
    [InlineData(SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13, SecurityProtocolType.Tls12 | SecurityProtocolType.Tls13)]
    public void TLS_12_is_added_never_anything_removed(SecurityProtocolType current, SecurityProtocolType expected)
    {
        Assert.Equal(expected, Tls.WithTls12(current));
    }

    [Fact]
    public void On_NET_the_process_protocols_are_left_alone()
    {
        Assert.False(Tls.IsNetFramework);
        Assert.False(Tls.EnsureTls12());
    }
}
