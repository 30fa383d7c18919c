using System;
using System.Linq;
using System.Net;
using System.Security;
using NordPay.Core;

namespace NordPay.Api
{
    /// <summary>
    /// Where to send requests and with which key. The key is a SecureString here; a client reveals it once, into its
    /// transport (which sends it only as the X-API-KEY header) and its redactor.
    /// </summary>
    internal sealed class NordPayConnection
    {
        public static readonly Uri DefaultBaseUri = new Uri("https://api.nord-pay.com/");

        public NordPayConnection(Uri baseUri, SecureString apiKey)
        {
            BaseUri = NormalizeBaseUri(baseUri);
            ApiKey = NormalizeKey(apiKey);
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

        /// <summary>
        /// A key as it goes in the header: outer blanks (the newline of a key read from a file) trimmed; a blank, control or
        /// non-ASCII character inside refused, since the header would not carry what the redactor knows to mask.
        /// </summary>
        public static SecureString NormalizeKey(SecureString key)
        {
            var text = new NetworkCredential(string.Empty, key).Password;
            var trimmed = text.Trim();
            if (trimmed.Any(c => c < '!' || c > '~'))
                throw new NordPayException("InvalidApiKey", ErrorKind.InvalidArgument,
                    "The API key holds a blank, a control character or a non-ASCII character; it is not used.", "ApiKey",
                    recommendedAction: "Copy the key from the NordPay panel again.");
            if (trimmed.Length == text.Length) return key;
            var normalized = new NetworkCredential(string.Empty, trimmed).SecurePassword;
            normalized.MakeReadOnly();
            return normalized;
        }

        internal string RevealKey() => new NetworkCredential(string.Empty, ApiKey).Password;

        /// <summary>The key as a policy binds it: this account, and the key's hint for people.</summary>
        internal Models.NordPayPolicyKey PolicyKey => new Models.NordPayPolicyKey(Account, Security.Redactor.Hint(RevealKey()));

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
