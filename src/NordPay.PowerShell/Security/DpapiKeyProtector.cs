using System;
using System.ComponentModel;
using System.Runtime.InteropServices;
using System.Text;

namespace NordPay.Security
{
    /// <summary>
    /// Windows DPAPI for the current user (CryptProtectData): the blob opens only for this account on this
    /// machine, so it does not travel to another account, a scheduled task's service account or another machine.
    /// Compiles everywhere; available on Windows only.
    /// </summary>
    internal sealed class DpapiKeyProtector : IKeyProtector
    {
        private const int UiForbidden = 0x1;
        private static readonly byte[] Entropy = Encoding.UTF8.GetBytes("NordPay.PowerShell API key");

        public bool IsAvailable => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        public byte[] Protect(byte[] data) => Transform(data, protect: true);

        public byte[] Unprotect(byte[] data) => Transform(data, protect: false);

        private static byte[] Transform(byte[] data, bool protect)
        {
            var input = Pin(data);
            var entropy = Pin(Entropy);
            var output = new Blob();
            try
            {
                var ok = protect
                    ? CryptProtectData(ref input, null, ref entropy, IntPtr.Zero, IntPtr.Zero, UiForbidden, ref output)
                    : CryptUnprotectData(ref input, IntPtr.Zero, ref entropy, IntPtr.Zero, IntPtr.Zero, UiForbidden, ref output);
                if (!ok) throw new Win32Exception(Marshal.GetLastWin32Error());
                var result = new byte[output.Length];
                Marshal.Copy(output.Data, result, 0, output.Length);
                return result;
            }
            finally
            {
                Marshal.FreeHGlobal(input.Data);
                Marshal.FreeHGlobal(entropy.Data);
                if (output.Data != IntPtr.Zero) LocalFree(output.Data);
            }
        }

        private static Blob Pin(byte[] bytes)
        {
            var blob = new Blob { Length = bytes.Length, Data = Marshal.AllocHGlobal(Math.Max(bytes.Length, 1)) };
            Marshal.Copy(bytes, 0, blob.Data, bytes.Length);
            return blob;
        }

        [StructLayout(LayoutKind.Sequential)]
        private struct Blob
        {
            public int Length;
            public IntPtr Data;
        }

        [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern bool CryptProtectData(ref Blob dataIn, string? description, ref Blob entropy, IntPtr reserved,
            IntPtr prompt, int flags, ref Blob dataOut);

        [DllImport("crypt32.dll", SetLastError = true, CharSet = CharSet.Unicode)]
        private static extern bool CryptUnprotectData(ref Blob dataIn, IntPtr description, ref Blob entropy, IntPtr reserved,
            IntPtr prompt, int flags, ref Blob dataOut);

        [DllImport("kernel32.dll")]
        private static extern IntPtr LocalFree(IntPtr memory);
    }
}
