using System;

namespace NordPay.Batch
{
    /// <summary>
    /// Named points in a batch run (around each journal write, before each request, around each confirm, after each
    /// report line).
    /// Nothing happens at them, except in the crash tests, whose runner kills its own process there.
    /// </summary>
    internal static class CrashPoints
    {
        internal static Action<string>? Hook { get; set; }

        public static void At(string point) => Hook?.Invoke(point);
    }
}
