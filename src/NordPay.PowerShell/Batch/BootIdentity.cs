using System;
using System.IO;

namespace NordPay.Batch
{
    /// <summary>
    /// Which boot of the operating system this is. A journal entry written without a forced flush survives the death of
    /// the process that wrote it, but not a crash of the system: a marker written on this same boot is evidence, one
    /// written before a restart may be lost. Known on Linux; elsewhere null, and markers are not relied on.
    /// </summary>
    internal static class BootIdentity
    {
        private static readonly Lazy<string?> Boot = new Lazy<string?>(Read);

        public static string? Current => Boot.Value;

        private static string? Read()
        {
            try
            {
                var id = File.ReadAllText("/proc/sys/kernel/random/boot_id").Trim();
                return id.Length == 0 ? null : id;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                return null;
            }
        }
    }
}
