using System.Net;
using System.Runtime.InteropServices;

namespace NordPay.Api
{
    /// <summary>
    /// On .NET Framework (Windows PowerShell 5.1) old defaults can leave TLS 1.2 off; NordPay needs it.
    /// The setting is process-wide, so TLS 1.2 is only ever added, never anything removed.
    /// </summary>
    internal static class Tls
    {
        public static bool IsNetFramework { get; } = RuntimeInformation.FrameworkDescription.StartsWith(".NET Framework", System.StringComparison.Ordinal);

        /// <summary>The protocols with TLS 1.2 added; SystemDefault (the OS decides) and sets that have it stay as they are.</summary>
        public static SecurityProtocolType WithTls12(SecurityProtocolType current) =>
            current == 0 || (current & SecurityProtocolType.Tls12) != 0 ? current : current | SecurityProtocolType.Tls12;

        /// <summary>Adds TLS 1.2 on .NET Framework when it is missing; true when it did.</summary>
        public static bool EnsureTls12()
        {
            if (!IsNetFramework) return false;
            var current = ServicePointManager.SecurityProtocol;
            var wanted = WithTls12(current);
            if (wanted == current) return false;
            ServicePointManager.SecurityProtocol = wanted;
            return true;
        }
    }
}
