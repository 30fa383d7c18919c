using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using NordPay.Api;
using Xunit;

namespace NordPay.Tests.Api;

/// <summary>
/// What the module decides for .NET Framework's HTTP stack (Windows PowerShell 5.1): its connection defaults, the
/// environment's proxy, and which failures mean a call was never sent. The stack itself runs on Windows only.
/// </summary>
public class FrameworkHttpTests
{
    [Theory]
    [InlineData(2, 100_000, 64, 30_000)] // powershell.exe's defaults
    [InlineData(100, 10_000, 100, 10_000)] // another module's choices that already suffice stay
    public void Framework_connection_defaults_change_only_toward_what_a_batch_needs(int limit, int idle, int expectedLimit, int expectedIdle)
    {
        Assert.Equal((expectedLimit, expectedIdle), HttpClients.FrameworkDefaults(limit, idle));
    }

    [Fact]
    public void Framework_allows_a_connection_for_each_row_paid_at_once()
    {
        var range = typeof(NordPay.Commands.InvokeNordPayPayoutCommand).GetProperty("ThrottleLimit")!
            .GetCustomAttributes(typeof(System.Management.Automation.ValidateRangeAttribute), false).Cast<System.Management.Automation.ValidateRangeAttribute>().Single();
        Assert.True(HttpClients.FrameworkDefaults(2, 100_000).ConnectionLimit >= Convert.ToInt32(range.MaxRange));
    }

    public static TheoryData<Exception> FailuresBeforeSending => new()
    {
        new HttpRequestException("x", new WebException("x", WebExceptionStatus.SecureChannelFailure)),
        new HttpRequestException("x", new WebException("x", WebExceptionStatus.TrustFailure)),
        new HttpRequestException("The SSL connection could not be established", new AuthenticationException("x")),
        new HttpRequestException("x", new WebException("x", WebExceptionStatus.ConnectFailure)),
        new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused)),
    };

    // The server may have read the request before the connection went: in doubt.
    public static TheoryData<Exception> ConnectionsLost => new()
    {
        new HttpRequestException("x", new WebException("x", WebExceptionStatus.KeepAliveFailure)),
        new HttpRequestException("x", new WebException("x", WebExceptionStatus.ConnectionClosed)),
        new HttpRequestException("x", new IOException("x", new SocketException((int)SocketError.ConnectionReset))),
    };

    [Theory]
    [MemberData(nameof(FailuresBeforeSending))]
    public void A_failed_TLS_handshake_or_connect_is_a_call_never_sent(Exception failure) => Assert.True(Transport.NeverSent(failure));

    [Theory]
    [MemberData(nameof(ConnectionsLost))]
    public void A_lost_connection_is_not_a_call_never_sent(Exception failure) => Assert.False(Transport.NeverSent(failure));

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static readonly Func<string, string?> HttpsProxyOnly = Environment(("HTTPS_PROXY", "http://proxy.corp:3128"));

    [Fact]
    public void On_Framework_the_environment_proxy_is_read()
    {
        var proxy = HttpClients.SystemProxy(netFramework: true, HttpsProxyOnly);
        Assert.NotNull(proxy);
        Assert.Equal(new Uri("http://proxy.corp:3128"), proxy!.GetProxy(new Uri("https://nord-pay.com/api/v1/balance")));
        Assert.Null(HttpClients.SystemProxy(netFramework: true, Environment()));
    }

    [Fact]
    public void Elsewhere_the_environment_proxy_is_left_to_dotnet() => Assert.Null(HttpClients.SystemProxy(netFramework: false, HttpsProxyOnly));

    private static readonly EnvironmentProxy CorpProxies = EnvironmentProxy.From(Environment(("https_proxy", "proxy.corp:3128"),
        ("HTTP_PROXY", "http://plain.corp:8080"), ("NO_PROXY", "internal.example, .corp.local,*.lan")))!;

    [Fact]
    public void The_environment_proxy_goes_by_scheme()
    {
        Assert.Equal(new Uri("http://proxy.corp:3128"), CorpProxies.GetProxy(new Uri("https://nord-pay.com/")));
        Assert.Equal(new Uri("http://plain.corp:8080"), CorpProxies.GetProxy(new Uri("http://nord-pay.com/")));
        Assert.True(EnvironmentProxy.From(Environment(("HTTP_PROXY", "http://p:1")))!.IsBypassed(new Uri("https://nord-pay.com/")),
            "HTTP_PROXY is for http only");
    }

    [Theory]
    [InlineData("https://internal.example/")]
    [InlineData("https://api.internal.example/")]
    [InlineData("https://x.corp.local/")]
    [InlineData("https://box.lan/")]
    public void The_environment_proxy_bypasses_the_hosts_NO_PROXY_names(string bypassed) => Assert.True(CorpProxies.IsBypassed(new Uri(bypassed)));

    [Fact]
    public void The_environment_proxy_bypasses_no_host_NO_PROXY_only_ends_like() =>
        Assert.False(CorpProxies.IsBypassed(new Uri("https://notinternal.example/")));

    [Fact]
    public void A_NO_PROXY_of_a_star_bypasses_every_host() =>
        Assert.True(EnvironmentProxy.From(Environment(("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")))!.IsBypassed(new Uri("https://nord-pay.com/")));

    [Theory]
    [InlineData("http://127.0.0.1:5000/")]
    [InlineData("http://[::1]:5000/")]
    [InlineData("http://localhost/")]
    public void The_environment_proxy_bypasses_loopback(string loopback) => Assert.True(CorpProxies.IsBypassed(new Uri(loopback)));

    [Fact]
    public void An_environment_proxy_that_is_no_uri_is_ignored() => Assert.Null(EnvironmentProxy.From(Environment(("HTTPS_PROXY", "not a uri at all"))));

    private static readonly EnvironmentProxy ProxyWithUserInfo = EnvironmentProxy.From(Environment(("HTTPS_PROXY", "http://svc%40corp:p%3Ass@proxy.corp:3128")))!;

    [Fact]
    public void The_environment_proxys_credential_is_taken_from_its_uri()
    {
        Assert.Equal(new Uri("http://proxy.corp:3128"), ProxyWithUserInfo.GetProxy(new Uri("https://nord-pay.com/")));
        var credential = ProxyWithUserInfo.Credentials!.GetCredential(new Uri("http://proxy.corp:3128"), "Basic")!;
        Assert.Equal(("svc@corp", "p:ss"), (credential.UserName, credential.Password));
    }

    [Fact]
    public void The_environment_proxys_credential_is_given_only_to_it() =>
        Assert.Null(ProxyWithUserInfo.Credentials!.GetCredential(new Uri("http://elsewhere:3128"), "Basic"));
}
