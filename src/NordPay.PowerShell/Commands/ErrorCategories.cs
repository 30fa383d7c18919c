using System;
using System.Management.Automation;
using NordPay.Core;

namespace NordPay.Commands
{
    /// <summary>The one map from a failure's kind to the ErrorCategory PowerShell shows; every ErrorKind has its line.</summary>
    internal static class ErrorCategories
    {
        public static ErrorCategory Of(ErrorKind kind) => kind switch
        {
            ErrorKind.InvalidArgument => ErrorCategory.InvalidArgument,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.ObjectNotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            ErrorKind.ResourceExists => ErrorCategory.ResourceExists,
            ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
            ErrorKind.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
            ErrorKind.ResourceBusy => ErrorCategory.ResourceBusy,
            ErrorKind.AuthenticationError => ErrorCategory.AuthenticationError,
            ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            ErrorKind.InvalidResult => ErrorCategory.InvalidResult,
            ErrorKind.ProtocolError => ErrorCategory.ProtocolError,
            ErrorKind.ConnectionError => ErrorCategory.ConnectionError,
            ErrorKind.OperationTimeout => ErrorCategory.OperationTimeout,
            ErrorKind.SecurityError => ErrorCategory.SecurityError,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "An ErrorKind with no ErrorCategory."),
        };
    }
}
