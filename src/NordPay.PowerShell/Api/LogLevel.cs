namespace NordPay.Api
{
    /// <summary>Where a client log line goes: Verbose (what is done) or Debug (bodies, for support).</summary>
    internal enum LogLevel
    {
        Verbose,
        Debug,
    }
}
