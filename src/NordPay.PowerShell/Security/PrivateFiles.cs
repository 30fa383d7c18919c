using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using NordPay.Core;

namespace NordPay.Security
{
    /// <summary>
    /// Folders and files only their owner can open: on Linux and macOS by mode (0700, 0600); on Windows by a protected
    /// ACL granting the user, SYSTEM and Administrators only, since a file there otherwise takes its folder's ACL (under
    /// D:\payouts, every local user's).
    /// </summary>
    internal static class PrivateFiles
    {
        private static readonly bool Windows = RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        // How long a rename waits for another process to stop reading the file (Windows refuses to replace an open file).
        private static readonly TimeSpan ReplaceWait = TimeSpan.FromSeconds(2);

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
        /// Writes a file only its owner can open: a temporary file, made owner-only while still empty, written through to
        /// the disk, then renamed over it, so the content is never readable by others and a crash never leaves half a file.
        /// </summary>
        public static void Write(string path, byte[] content) => Write(path, content, Replace, Thread.Sleep);

        /// <summary><see cref="Write(string, byte[])"/> with the rename and the pause between its attempts given, for tests.</summary>
        internal static void Write(string path, byte[] content, Action<string, string> replace, Action<TimeSpan> pause)
        {
            var temporary = path + ".tmp";
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                File(temporary);
                stream.Write(content, 0, content.Length);
                // On the disk before the rename: otherwise a power cut can leave the new name with no content.
                stream.Flush(flushToDisk: true);
            }
            var waited = TimeSpan.Zero;
            var step = TimeSpan.FromMilliseconds(50);
            while (true)
            {
                try
                {
                    replace(temporary, path);
                    break;
                }
                catch (IOException ex) when (FileErrors.SharingViolation(ex) && waited < ReplaceWait)
                {
                    pause(step);
                    waited += step;
                }
            }
            // A replaced file keeps the ACL it had (File.Replace carries it over), which may be an older, inherited one.
            if (Windows) File(path);
        }

        /// <summary>
        /// Refuses a file of the configuration folder (or that folder) others may change: on Windows, anyone but the user,
        /// SYSTEM and Administrators allowed to write the file or to add or delete files in its folder. A missing file's
        /// folder is checked all the same: a file others can create is as bad as one they can edit.
        /// </summary>
        public static void Verify(string path)
        {
            if (Windows && Refusal(path, WindowsAcl.Read, WindowsAcl.CurrentUser) is { } refusal) throw refusal;
        }

        /// <summary>Why <paramref name="path"/> or its folder is not private, given how to read their SDDL and the user's SID; null when both are.</summary>
        internal static NordPayException? Refusal(string path, Func<string, string> sddlOf, string userSid)
        {
            var folder = Path.GetDirectoryName(path);
            foreach (var (target, directory) in new[] { (folder, true), (path, false) })
            {
                if (string.IsNullOrEmpty(target) || !(directory ? Directory.Exists(target) : System.IO.File.Exists(target))) continue;
                var others = WindowsAcl.OtherWriters(sddlOf(target!), userSid, directory);
                if (others.Count == 0) continue;
                return new NordPayException("ConfigurationNotPrivate", ErrorKind.SecurityError,
                    $"{(directory ? "The folder" : "The file")} {target} can be changed by others ({string.Join(", ", others)}), who could raise a limit, " +
                    "add an address or send the key elsewhere: nothing is read from it.", KeyStore.DirectoryVariable,
                    recommendedAction: $"Make {folder} the account's own: icacls \"{folder}\" /inheritance:r /grant:r \"<account>:(OI)(CI)F\" " +
                                       $"\"*S-1-5-18:(OI)(CI)F\" \"*S-1-5-32-544:(OI)(CI)F\" /T, or set {KeyStore.DirectoryVariable} to a folder " +
                                       "that does not exist yet (the module creates it owner-only).");
            }
            return null;
        }

        private static void Replace(string temporary, string path)
        {
            if (System.IO.File.Exists(path)) System.IO.File.Replace(temporary, path, null);
            else System.IO.File.Move(temporary, path);
        }

        private static void Restrict(string path, bool directory)
        {
            if (Windows)
            {
                try
                {
                    WindowsAcl.Protect(path, directory);
                }
                catch (System.ComponentModel.Win32Exception ex)
                {
                    throw new IOException($"Could not restrict {path} to its owner ({ex.Message}).", ex);
                }
                return;
            }
            if (chmod(path, directory ? 0x1C0u : 0x180u) != 0) // 0700, 0600
                throw new IOException($"Could not restrict {path} to its owner (errno {Marshal.GetLastWin32Error()}).");
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int chmod(string path, uint mode);
    }
}
