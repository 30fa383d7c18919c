using System;

namespace NordPay.Core
{
    /// <summary>The one error type of the module: a stable ErrorId, a kind, and the API's own words.</summary>
    public sealed class NordPayException : Exception
    {
        public NordPayException(string errorId, ErrorKind kind, string message, string? field = null,
            int? statusCode = null, string? apiDetail = null, string? recommendedAction = null, Exception? inner = null)
            : base(message, inner)
        {
            ErrorId = errorId;
            Kind = kind;
            Field = field;
            StatusCode = statusCode;
            ApiDetail = apiDetail;
            RecommendedAction = recommendedAction;
        }

        /// <summary>Stable, PascalCase, never localised: scripts switch on it.</summary>
        public string ErrorId { get; }
        public ErrorKind Kind { get; }
        /// <summary>The input field the error is about (Currency, Address, Amount, Identifier), when known.</summary>
        public string? Field { get; }
        public int? StatusCode { get; }
        /// <summary>The API's own error text, verbatim.</summary>
        public string? ApiDetail { get; }
        public string? RecommendedAction { get; }

        /// <summary>The same error with more said about it.</summary>
        public NordPayException WithMessage(string message) =>
            new NordPayException(ErrorId, Kind, message, Field, StatusCode, ApiDetail, RecommendedAction, InnerException);

        /// <summary>True when no later row can succeed either (bad or missing credentials).</summary>
        public bool StopsBatch => Kind == ErrorKind.AuthenticationError || Kind == ErrorKind.PermissionDenied;
    }
}
