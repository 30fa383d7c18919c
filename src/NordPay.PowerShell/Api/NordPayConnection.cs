using System;
using System.Net;
using System.Security;
using NordPay.Core;

namespace NordPay.Api
{
    /// <summary>
    /// Where to send requests and with which key. The key is a SecureString here; a client reveals it once, into its
    /// transport (which sends it only as the X-API-KEY header) and its redactor.
    /// </summary>
    public sealed class NordPayConnection
    {
        public static readonly Uri DefaultBaseUri = new Uri("https://api.nord-pay.com/");

        public NordPayConnection(Uri baseUri, SecureString apiKey)
        {
            BaseUri = NormalizeBaseUri(baseUri);
            ApiKey = apiKey;
        }

        public Uri BaseUri { get; }
        public SecureString ApiKey { get; }

        /// <summary>
        /// Checks a base URI: absolute, and https unless it is a loopback address (the local sandbox),
        /// so the key never crosses a network in clear text. Paths resolve relative to it, so it ends in '/'.
        /// </summary>
        public static Uri NormalizeBaseUri(Uri uri)
        {
            if (!uri.IsAbsoluteUri || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
                throw new NordPayException("InvalidBaseUri", ErrorKind.InvalidArgument,
                    $"'{uri}' is not an absolute http or https URI.", "BaseUri",
                    recommendedAction: "Use a URI such as https://api.nord-pay.com/.");
            if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
                throw new NordPayException("InsecureBaseUri", ErrorKind.InvalidArgument,
                    $"'{uri}' uses plain http; the API key is only sent over https, or over http to a loopback address.",
                    "BaseUri", recommendedAction: "Use https.");
            var text = uri.GetLeftPart(UriPartial.Path);
            return new Uri(text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/");
        }

        internal string RevealKey() => new NetworkCredential(string.Empty, ApiKey).Password;

        /// <summary>Names the merchant account this connection reaches (its host and a hash of its key), never the key itself.</summary>
        internal string Account
        {
            get
            {
                using var sha = System.Security.Cryptography.SHA256.Create();
                var hash = sha.ComputeHash(System.Text.Encoding.UTF8.GetBytes(RevealKey()));
                return BaseUri.GetLeftPart(UriPartial.Authority) + "|" + Convert.ToBase64String(hash);
            }
        }
    }
}
