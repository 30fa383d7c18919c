using System;
using System.IO;
using System.Runtime.InteropServices;

namespace NordPay.Security
{
    /// <summary>Folders and files only their owner can open: on Linux and macOS by mode (0700, 0600); on Windows the user's profile folders already are.</summary>
    public static class PrivateFiles
    {
        /// <summary>Creates the folder (and any parent it creates) owner-only; an existing folder is made owner-only too.</summary>
        public static string Folder(string path)
        {
            var missing = new System.Collections.Generic.Stack<string>();
            for (var dir = path; !string.IsNullOrEmpty(dir) && !Directory.Exists(dir); dir = Path.GetDirectoryName(dir)) missing.Push(dir!);
            Directory.CreateDirectory(path);
            foreach (var created in missing) Restrict(created, directory: true);
            Restrict(path, directory: true);
            return path;
        }

        /// <summary>Makes a file owner-only; call it while the file is still empty.</summary>
        public static void File(string path) => Restrict(path, directory: false);

        /// <summary>
        /// Writes a file only its owner can open: a temporary file, made owner-only while still empty, then renamed over
        /// it, so the content is never readable by others and a crash never leaves half a file.
        /// </summary>
        public static void Write(string path, byte[] content)
        {
            var temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                File(temporary);
                stream.Write(content, 0, content.Length);
            }
            if (System.IO.File.Exists(path)) System.IO.File.Replace(temporary, path, null);
            else System.IO.File.Move(temporary, path);
        }

        private static void Restrict(string path, bool directory)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) return;
            if (chmod(path, directory ? 0x1C0u : 0x180u) != 0) // 0700, 0600
                throw new IOException($"Could not restrict {path} to its owner (errno {Marshal.GetLastWin32Error()}).");
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);
    }
}
