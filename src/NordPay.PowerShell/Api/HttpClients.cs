using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;

namespace NordPay.Api
{
    /// <summary>
    /// One HttpClient per proxy configuration for the whole process, so connections are pooled across rows,
    /// cmdlets and sessions. The per-attempt timeout is a token, so the clients' own timeout is off.
    /// </summary>
    internal static class HttpClients
    {
        private static readonly ConcurrentDictionary<string, HttpClient> Clients = new ConcurrentDictionary<string, HttpClient>();

        private static readonly string UserAgent = $"NordPay.PowerShell/{typeof(HttpClients).Assembly.GetName().Version?.ToString(3)}";

        /// <summary>Connections per host on .NET Framework: as many as Invoke-NordPayPayout's rows at once (-ThrottleLimit 64).</summary>
        public const int FrameworkConnectionLimit = 64;

        /// <summary>How long an idle connection is kept on .NET Framework: below the 60-75 s after which servers close one.</summary>
        public static readonly TimeSpan FrameworkIdleTime = TimeSpan.FromSeconds(30);

        public static HttpClient For(ProxySettings? proxy) => Clients.GetOrAdd(KeyOf(proxy), _ => Create(proxy));

        /// <summary>
        /// .NET Framework's process-wide connection defaults with the module's needs applied, only ever raising the limit and
        /// shortening the idle time. Its defaults (2 connections per host, 100 s idle) queue calls past the second while their
        /// timeout runs (a confirm timed out in that queue was never sent, but would be in doubt), and reuse connections the
        /// server has already closed.
        /// </summary>
        public static (int ConnectionLimit, int IdleMilliseconds) FrameworkDefaults(int connectionLimit, int idleMilliseconds) =>
            (Math.Max(connectionLimit, FrameworkConnectionLimit), Math.Min(idleMilliseconds, (int)FrameworkIdleTime.TotalMilliseconds));

        /// <summary>
        /// The proxy to set when none is given: on .NET Framework the one the environment names (HTTPS_PROXY, HTTP_PROXY,
        /// NO_PROXY), which it ignores; elsewhere none, as .NET reads them itself.
        /// </summary>
        public static IWebProxy? SystemProxy(bool netFramework, Func<string, string?> environment) =>
            netFramework ? EnvironmentProxy.From(environment) : null;

        private static HttpClient Create(ProxySettings? proxy)
        {
            if (Tls.IsNetFramework)
            {
                // Read when a ServicePoint is made, and one is made again after each idle time: the defaults, not one host's.
                var (limit, idle) = FrameworkDefaults(ServicePointManager.DefaultConnectionLimit, ServicePointManager.MaxServicePointIdleTime);
                ServicePointManager.DefaultConnectionLimit = limit;
                ServicePointManager.MaxServicePointIdleTime = idle;
            }
            // No automatic redirects: a redirect would carry the X-API-KEY header to wherever it points.
            var handler = new HttpClientHandler { AllowAutoRedirect = false };
            if (proxy != null)
            {
                handler.UseProxy = true;
                handler.Proxy = new WebProxy(proxy.Address)
                {
                    BypassProxyOnLocal = false,
                    UseDefaultCredentials = proxy.UseDefaultCredentials,
                    Credentials = proxy.UseDefaultCredentials ? CredentialCache.DefaultCredentials : proxy.Credential,
                };
            }
            else if (SystemProxy(Tls.IsNetFramework, Environment.GetEnvironmentVariable) is { } environment)
            {
                handler.UseProxy = true;
                handler.Proxy = environment;
            }
            var http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", UserAgent);
            return http;
        }

        // The password enters the key only as a hash, so a changed password gets a new client.
        private static string KeyOf(ProxySettings? proxy)
        {
            if (proxy == null) return "system";
            using var sha = SHA256.Create();
            var secret = proxy.Credential == null ? string.Empty
                : Convert.ToBase64String(sha.ComputeHash(Encoding.UTF8.GetBytes(proxy.Credential.UserName + "\0" + proxy.Credential.Password)));
            return $"{proxy.Address}|{proxy.UseDefaultCredentials}|{secret}";
        }
    }
}
