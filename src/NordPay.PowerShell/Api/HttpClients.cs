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

        public static HttpClient For(ProxySettings? proxy) => Clients.GetOrAdd(KeyOf(proxy), _ => Create(proxy));

        private static HttpClient Create(ProxySettings? proxy)
        {
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
