using System.Net;
using System.Net.Sockets;
using System.Security.Authentication;
using NordPay.Api;
using Xunit;

namespace NordPay.Tests.Windows;

/// <summary>
/// What the module decides for .NET Framework's HTTP stack (Windows PowerShell 5.1): its connection defaults, the
/// environment's proxy, and which failures mean a call was never sent. The stack itself runs on Windows only.
/// </summary>
public class FrameworkHttpTests
{
    [Theory]
    [InlineData(2, 100_000, 64, 30_000)] // powershell.exe's defaults
    [InlineData(100, 10_000, 100, 10_000)] // another module's choices that already suffice stay
    public void Framework_connection_defaults_are_only_raised_and_idle_time_only_shortened(int limit, int idle, int expectedLimit, int expectedIdle)
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

    public static TheoryData<Exception, bool> Failures => new()
    {
        { new HttpRequestException("x", new WebException("x", WebExceptionStatus.SecureChannelFailure)), true },
        { new HttpRequestException("x", new WebException("x", WebExceptionStatus.TrustFailure)), true },
        { new HttpRequestException("The SSL connection could not be established", new AuthenticationException("x")), true },
        { new HttpRequestException("x", new WebException("x", WebExceptionStatus.ConnectFailure)), true },
        { new HttpRequestException("x", new SocketException((int)SocketError.ConnectionRefused)), true },
        // The server may have read the request before the connection went: in doubt.
        { new HttpRequestException("x", new WebException("x", WebExceptionStatus.KeepAliveFailure)), false },
        { new HttpRequestException("x", new WebException("x", WebExceptionStatus.ConnectionClosed)), false },
        { new HttpRequestException("x", new IOException("x", new SocketException((int)SocketError.ConnectionReset))), false },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failed_TLS_handshake_is_a_call_never_sent_and_a_lost_connection_is_not(Exception failure, bool neverSent)
    {
        Assert.Equal(neverSent, Transport.NeverSent(failure));
    }

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void On_Framework_the_environment_proxy_is_read_and_elsewhere_left_to_dotnet()
    {
        var environment = Environment(("HTTPS_PROXY", "http://proxy.corp:3128"));
        var proxy = HttpClients.SystemProxy(netFramework: true, environment);
        Assert.NotNull(proxy);
        Assert.Equal(new Uri("http://proxy.corp:3128"), proxy!.GetProxy(new Uri("https://nord-pay.com/api/v1/balance")));
        Assert.Null(HttpClients.SystemProxy(netFramework: false, environment));
        Assert.Null(HttpClients.SystemProxy(netFramework: true, Environment()));
    }

    [Fact]
    public void The_environment_proxy_goes_by_scheme_and_bypasses_no_proxy_hosts_and_loopback()
    {
        var proxy = EnvironmentProxy.From(Environment(("https_proxy", "proxy.corp:3128"), ("HTTP_PROXY", "http://plain.corp:8080"),
            ("NO_PROXY", "internal.example, .corp.local,*.lan")))!;
        Assert.Equal(new Uri("http://proxy.corp:3128"), proxy.GetProxy(new Uri("https://nord-pay.com/")));
        Assert.Equal(new Uri("http://plain.corp:8080"), proxy.GetProxy(new Uri("http://nord-pay.com/")));
        foreach (var bypassed in new[] { "https://internal.example/", "https://api.internal.example/", "https://x.corp.local/", "https://box.lan/",
                     "http://127.0.0.1:5000/", "http://[::1]:5000/", "http://localhost/" })
            Assert.True(proxy.IsBypassed(new Uri(bypassed)), bypassed);
        Assert.False(proxy.IsBypassed(new Uri("https://notinternal.example/")));
        Assert.True(EnvironmentProxy.From(Environment(("HTTPS_PROXY", "http://p:1"), ("NO_PROXY", "*")))!.IsBypassed(new Uri("https://nord-pay.com/")));
        Assert.True(EnvironmentProxy.From(Environment(("HTTP_PROXY", "http://p:1")))!.IsBypassed(new Uri("https://nord-pay.com/")),
            "HTTP_PROXY is for http only");
        Assert.Null(EnvironmentProxy.From(Environment(("HTTPS_PROXY", "not a uri at all"))));
    }

    [Fact]
    public void The_environment_proxys_credential_is_taken_from_its_uri_and_given_only_to_it()
    {
        var proxy = EnvironmentProxy.From(Environment(("HTTPS_PROXY", "http://svc%40corp:p%3Ass@proxy.corp:3128")))!;
        Assert.Equal(new Uri("http://proxy.corp:3128"), proxy.GetProxy(new Uri("https://nord-pay.com/")));
        var credential = proxy.Credentials!.GetCredential(new Uri("http://proxy.corp:3128"), "Basic")!;
        Assert.Equal(("svc@corp", "p:ss"), (credential.UserName, credential.Password));
        Assert.Null(proxy.Credentials.GetCredential(new Uri("http://elsewhere:3128"), "Basic"));
    }
}
