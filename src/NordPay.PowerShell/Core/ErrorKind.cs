namespace NordPay.Core
{
    /// <summary>
    /// What kind of failure happened. Each value is named after the PowerShell ErrorCategory it maps to (Commands/ErrorCategories),
    /// so the API layer needs no PowerShell types.
    /// </summary>
    public enum ErrorKind
    {
        InvalidArgument,
        InvalidData,
        ObjectNotFound,
        InvalidOperation,
        ResourceExists,
        LimitsExceeded,
        ResourceUnavailable,
        ResourceBusy,
        AuthenticationError,
        PermissionDenied,
        InvalidResult,
        ProtocolError,
        ConnectionError,
        OperationTimeout,
        SecurityError,
    }
}
