using System;
using System.Linq;
using System.Net;

namespace NordPay.Api
{
    /// <summary>
    /// The proxy the environment names: HTTPS_PROXY for https, HTTP_PROXY for http (ALL_PROXY for either), NO_PROXY's
    /// hosts and loopback addresses bypassed, as .NET on Linux and macOS reads them itself. .NET Framework ignores them
    /// (it uses the account's Internet Explorer settings, which a service account rarely has), so there the module reads them.
    /// </summary>
    internal sealed class EnvironmentProxy : IWebProxy, ICredentials
    {
        private readonly Uri? _http;
        private readonly Uri? _https;
        private readonly NetworkCredential? _httpCredential;
        private readonly NetworkCredential? _httpsCredential;
        private readonly string[] _bypass;

        private EnvironmentProxy(Uri? http, Uri? https, string[] bypass)
        {
            (_http, _httpCredential) = http == null ? (null, null) : ProxySettings.SplitUserInfo(http);
            (_https, _httpsCredential) = https == null ? (null, null) : ProxySettings.SplitUserInfo(https);
            _bypass = bypass;
        }

        /// <summary>The environment's proxy, or null when it names none.</summary>
        public static EnvironmentProxy? From(Func<string, string?> environment)
        {
            // Lower case first, as curl reads them; a value that is not a proxy URI is ignored, as .NET ignores it.
            Uri? Read(string name) => Parse(environment(name.ToLowerInvariant())) ?? Parse(environment(name));
            var all = Read("ALL_PROXY");
            var http = Read("HTTP_PROXY") ?? all;
            var https = Read("HTTPS_PROXY") ?? all;
            if (http == null && https == null) return null;
            var noProxy = environment("no_proxy") ?? environment("NO_PROXY") ?? string.Empty;
            var entries = noProxy.Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).Select(entry => entry.Trim()).ToList();
            // "*" bypasses every host (kept as the empty suffix); ".corp.example" and "*.corp.example" name the hosts under it.
            var bypass = entries.Select(entry => entry == "*" ? string.Empty : entry.TrimStart('*').TrimStart('.').ToLowerInvariant())
                .Where(entry => entry.Length > 0 || entries.Contains("*")).ToArray();
            return new EnvironmentProxy(http, https, bypass);
        }

        public ICredentials? Credentials
        {
            get => this;
            set => throw new NotSupportedException("The environment's proxy takes its credential from the proxy URI.");
        }

        public Uri GetProxy(Uri destination) => IsBypassed(destination) ? destination : ProxyFor(destination)!;

        /// <summary>True for a loopback address, a host NO_PROXY names (or a host under it), everything when NO_PROXY is *, and a scheme with no proxy.</summary>
        public bool IsBypassed(Uri host)
        {
            if (host.IsLoopback || ProxyFor(host) == null) return true;
            var name = host.IdnHost.ToLowerInvariant().Trim('[', ']');
            return _bypass.Any(entry => entry.Length == 0 || name == entry || name.EndsWith("." + entry, StringComparison.Ordinal));
        }

        public NetworkCredential? GetCredential(Uri uri, string authType)
        {
            bool Is(Uri? proxy) => proxy != null && string.Equals(proxy.Host, uri.Host, StringComparison.OrdinalIgnoreCase) && proxy.Port == uri.Port;
            return Is(_https) ? _httpsCredential : Is(_http) ? _httpCredential : null;
        }

        private Uri? ProxyFor(Uri destination) =>
            string.Equals(destination.Scheme, "https", StringComparison.OrdinalIgnoreCase) ? _https : _http;

        // "proxy:3128" is http://proxy:3128, as curl reads it.
        private static Uri? Parse(string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) return null;
            var text = value!.Trim();
            if (!text.Contains("://")) text = "http://" + text;
            return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Host.Length > 0
                   && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;
        }
    }
}
