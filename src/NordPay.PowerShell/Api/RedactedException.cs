using System;
using NordPay.Security;

namespace NordPay.Api
{
    /// <summary>
    /// Stands in for an exception whose text carried a secret (a server can put any text in a protocol error):
    /// the original's type name, stack trace and chain, with every message redacted.
    /// </summary>
    public sealed class RedactedException : Exception
    {
        private readonly string? _stackTrace;

        private RedactedException(Exception original, Redactor redactor)
            : base(redactor.Redact(original.Message), original.InnerException == null ? null : new RedactedException(original.InnerException, redactor))
        {
            OriginalType = original.GetType().FullName ?? original.GetType().Name;
            _stackTrace = original.StackTrace;
            HResult = original.HResult;
        }

        /// <summary>The type of the exception this one stands in for, such as System.Net.Http.HttpRequestException.</summary>
        public string OriginalType { get; }

        public override string? StackTrace => _stackTrace;

        public override string ToString()
        {
            var text = $"{OriginalType} (redacted): {Message}";
            if (InnerException != null) text += $" ---> {InnerException}{Environment.NewLine}   --- End of inner exception stack trace ---";
            return _stackTrace == null ? text : text + Environment.NewLine + _stackTrace;
        }

        /// <summary>The exception itself when no text in its chain shows a secret, else a redacted stand-in.</summary>
        internal static Exception Of(Exception exception, Redactor redactor)
        {
            for (var e = exception; e != null; e = e.InnerException)
                if (redactor.Redact(e.Message) != e.Message) return new RedactedException(exception, redactor);
            return exception;
        }
    }
}
