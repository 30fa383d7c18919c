using System.Net;
using NordPay.Api;
using NordPay.Security;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Security;

/// <summary>The redactor, the DPAPI protector's platform check and TLS 1.2 on .NET Framework.</summary>
public class SecurityTests
{
    [Theory]
    [InlineData("key np_secret_value_123 in text", "key *** in text")]
    [InlineData("X-API-KEY: anything-here", "X-API-KEY: ***")]
    [InlineData("Proxy-Authorization: Basic dXNlcjpwYXNz", "Proxy-Authorization: ***")]
    [InlineData("authorization = Bearer eyJhbGciOi.eyJzdWIi\r\nHost: x", "authorization = ***\r\nHost: x")]
    [InlineData("""{"Authorization":"Basic dXNlcjpwYXNz","amount":"5"}""", """{"Authorization":"***","amount":"5"}""")]
    [InlineData("""{"postback_secret":"abc\"def","amount":"5"}""", """{"postback_secret":"***","amount":"5"}""")]
    [InlineData("""{"api_key": "zzz", "X-Api-Token":"t"}""", """{"api_key": "***", "X-Api-Token":"***"}""")]
    [InlineData("""{"detail":"Not enough balance"}""", """{"detail":"Not enough balance"}""")]
    // The Kelvin sign folds onto k: such a text has none of the words the patterns need spelled in ASCII, and is scanned all the same.
    [InlineData("{\"api_\u212Aey\": \"zzz\"}", "{\"api_\u212Aey\": \"***\"}")]
    [InlineData("X-API-\u212AEY: anything-here", "X-API-\u212AEY: ***")]
    public void The_redactor_masks_the_key_a_credential_header_or_a_secret_field(string text, string expected)
    {
        Assert.Equal(expected, new Redactor("np_secret_value_123").Redact(text));
    }

    [Theory]
    [InlineData("""{"echo":"\u006e\u0070\u005f\u0073\u0065\u0063\u0072\u0065\u0074\u005f\u0076\u0061\u006c\u0075\u0065\u005f\u0031\u0032\u0033"}""")]
    [InlineData("""{"echo":"\u006E\u0070_secret\u005F\u0076alue_12\u0033"}""")]
    [InlineData("""{"echo":"NP_SECRET_VALUE_123"}""")]
    [InlineData("""{"echo":"Np_\u0053ecret_VALUE_123"}""")]
    [InlineData("key np_secret_value_123 and again Np_Secret_Value_123.")]
    [InlineData("""path C:\\jobs\\payout.csv and np\u005Fsecret\u005fvalue\u005f123""")]
    public void The_redactor_masks_the_key_in_any_letter_case_or_mix_of_JSON_escapes(string text)
    {
        var redacted = new Redactor("np_secret_value_123").Redact(text);
        Assert.Contains(Redactor.Mask, redacted);
        Assert.DoesNotContain("secret", redacted, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("value", redacted, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\\u00", redacted, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("np_secret_value_12", "np_secret_value_12")]
    [InlineData("""{"a":"\u006e\u0070_secret"}""", """{"a":"\u006e\u0070_secret"}""")]
    [InlineData(@"C:\jobs\np_secret_value_1234x", @"C:\jobs\***4x")]
    public void The_redactor_masks_exactly_the_key(string text, string expected)
    {
        Assert.Equal(expected, new Redactor("np_secret_value_123").Redact(text));
    }

    // A key with URL or HTML special characters (a base64 key's + / =), echoed by a server, a proxy or a WAF page as a URL
    // or an HTML page writes it: percent-encoded, or as character references, in part or whole.
    [Theory]
    [InlineData("Invalid API key np%2BLive%2FKey%3D0123%26%3CAbCd%3E%22xy")]
    [InlineData("Invalid API key %6E%70%2b%4C%69%76%65%2F%4B%65%79%3D%30%31%32%33%26%3C%41%62%43%64%3E%22%78%79")]
    [InlineData("Invalid API key np+Live/Key=0123&amp;&lt;AbCd&gt;&quot;xy")]
    [InlineData("Invalid API key &#110;&#112;&#43;&#76;ive/Key=0123&#x26;&#X3c;AbCd&#062;&#34;xy")]
    public void The_redactor_masks_the_key_percent_encoded_or_as_HTML_character_references(string text)
    {
        var redacted = new Redactor("np+Live/Key=0123&<AbCd>\"xy").Redact(text);
        Assert.Equal("Invalid API key ***", redacted);
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
            $$"""{"identifier":"8a3c1a62-5a3b-4c1e-9f3e-4b8c2d1e0f00","currency":"USDTBEP20","address":"{{Rows.Evm(1)}}","amount":"5","expires_at":"{{Answers.Soon}}","postback_secret":"ps_leak_me"}"""));
        var log = new List<(LogLevel Level, string Text)>();
        var client = new NordPayClient(new NordPayConnection(sandbox.BaseUri, PowerShellSession.Secure(sandbox.ApiKey)), Clients.Fast, (l, t) => log.Add((l, t)));
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
    public void On_NET_the_process_protocols_are_left_alone_even_without_TLS_12()
    {
#pragma warning disable SYSLIB0014, SYSLIB0039 // the process-wide setting, with an old protocol, is the point of this test
        var before = ServicePointManager.SecurityProtocol;
        try
        {
            ServicePointManager.SecurityProtocol = SecurityProtocolType.Tls11;
            Assert.False(Tls.EnsureTls12());
            Assert.Equal(SecurityProtocolType.Tls11, ServicePointManager.SecurityProtocol);
        }
        finally
        {
            ServicePointManager.SecurityProtocol = before;
        }
#pragma warning restore SYSLIB0014, SYSLIB0039
    }
}
