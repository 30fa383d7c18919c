namespace NordPay.Tests.TestHost;

/// <summary>Values for hand-written NordPay answers.</summary>
internal static class Answers
{
    /// <summary>An expiry a plausible request carries: later today, as NordPay's own are minutes away.</summary>
    public static string Soon { get; } = DateTimeOffset.UtcNow.AddHours(6).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
}
