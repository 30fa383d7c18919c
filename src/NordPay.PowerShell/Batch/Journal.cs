using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using NordPay.Core;
using NordPay.Security;

namespace NordPay.Batch
{
    /// <summary>
    /// The batch journal: an append-only JSON-lines file, one entry per row state change, each flushed to disk
    /// before the call it announces. It is held open with no other writer allowed, so two runs cannot share it, while
    /// <see cref="Read"/> can still read it. A torn last line (a crash mid-write) is cut off on open: the call it
    /// announced was never made.
    /// </summary>
    internal sealed class Journal : IDisposable
    {
        private readonly FileStream _stream;
        private readonly Redactor _redactor;
        private readonly object _gate = new object();
        private readonly object _forceGate = new object();
        private long _written;
        private long _forced;

        private Journal(string path, FileStream stream, IReadOnlyList<JournalEntry> entries, bool repairedTornLine, Redactor redactor)
        {
            Path = path;
            _stream = stream;
            Entries = entries;
            RepairedTornLine = repairedTornLine;
            _redactor = redactor;
        }

        public string Path { get; }

        /// <summary>What earlier runs wrote.</summary>
        public IReadOnlyList<JournalEntry> Entries { get; }

        /// <summary>True when the last line was torn by a crash and was cut off.</summary>
        public bool RepairedTornLine { get; }

        /// <summary>Opens (or creates) a journal for this run alone. The path is absolute: cmdlets resolve it through PowerShell's provider.</summary>
        public static Journal Open(string path, Redactor redactor)
        {
            var full = RequireUsablePath(path);
            FileStream stream;
            try
            {
                var directory = System.IO.Path.GetDirectoryName(full);
                if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
                stream = new FileStream(full, FileMode.OpenOrCreate, FileAccess.ReadWrite, WriterShare, 4096, FileOptions.None);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw Unusable(full, ex);
            }
            try
            {
                var (entries, cut) = Load(stream, full, repair: true);
                stream.Seek(0, SeekOrigin.End);
                return new Journal(full, stream, entries, cut, redactor);
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }

        /// <summary>
        /// Reads a journal as it stands, without taking it or repairing it, also while a run holds it (-WhatIf,
        /// Get-NordPayJournal, Compare-NordPayJournal). A torn last line (a run writing it, or a crash) is left out, and left as it is.
        /// </summary>
        public static (IReadOnlyList<JournalEntry> Entries, bool TornLastLine) Read(string path)
        {
            var full = RequireUsablePath(path);
            try
            {
                using var stream = OpenForReading(full);
                return Load(stream, full, repair: false);
            }
            catch (Exception ex) when (ex is FileNotFoundException || ex is DirectoryNotFoundException)
            {
                throw NotFound(full, ex);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw Unusable(full, ex);
            }
        }

        /// <summary>The error of a journal path that names no file.</summary>
        public static NordPayException NotFound(string path, Exception? inner = null) =>
            new NordPayException("JournalNotFound", ErrorKind.ObjectNotFound, $"There is no journal {path}.", "Path", inner: inner,
                recommendedAction: "Give the -JournalPath a batch was run with (wildcards such as *.journal are allowed).");

        /// <summary>What earlier runs wrote, as -WhatIf reads it; a journal not made yet has no entries.</summary>
        public static IReadOnlyList<JournalEntry> Peek(string path) =>
            File.Exists(RequireUsablePath(path)) ? Read(path).Entries : Array.Empty<JournalEntry>();

        private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

        // Windows enforces sharing modes: a run lets readers in and keeps every other writer out. Linux and macOS have
        // none; .NET emulates them with flock, where only FileShare.None (an exclusive lock) keeps a second run out.
        private static FileShare WriterShare => IsWindows ? FileShare.Read : FileShare.None;

        // Off Windows, .NET would take a shared flock, which a run's exclusive lock refuses: open(2) takes no lock at all.
        private static FileStream OpenForReading(string full)
        {
            if (IsWindows) return new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var descriptor = open(full, RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 0x1000000 : 0x80000); // O_RDONLY | O_CLOEXEC
            if (descriptor < 0)
            {
                var errno = Marshal.GetLastWin32Error();
                throw errno switch
                {
                    2 => new FileNotFoundException($"No such file (errno {errno}).", full),
                    20 => new DirectoryNotFoundException($"A folder of the path is a file (errno {errno})."),
                    13 => new UnauthorizedAccessException($"Access denied (errno {errno})."),
                    _ => (Exception)new IOException($"open failed (errno {errno})."),
                };
            }
            return new FileStream(new SafeFileHandle((IntPtr)descriptor, ownsHandle: true), FileAccess.Read);
        }

        [DllImport("libc", SetLastError = true)]
        private static extern int open(string path, int flags);

        private static string RequireUsablePath(string path)
        {
            if (!System.IO.Path.IsPathRooted(path)) throw new ArgumentException($"The journal path '{path}' is not absolute.", nameof(path));
            if (Directory.Exists(path))
                throw new NordPayException("JournalPathInvalid", ErrorKind.InvalidArgument,
                    $"The journal path {path} is a folder; it must name a file.", "JournalPath",
                    recommendedAction: "Name a file, for example payouts.journal inside that folder.");
            return path;
        }

        // Only a sharing violation means another run holds the journal; anything else is a path that cannot be used.
        private static NordPayException Unusable(string full, Exception ex)
        {
            if (ex is UnauthorizedAccessException)
                return new NordPayException("JournalAccessDenied", ErrorKind.PermissionDenied,
                    $"The journal {full} cannot be opened: {ex.Message}", "JournalPath", inner: ex,
                    recommendedAction: "Give this account read and write access to the journal and its folder, or use another path.");
            if (IsSharingViolation(ex, full))
                return new NordPayException("JournalLocked", ErrorKind.ResourceBusy,
                    $"The journal {full} is in use by another run; two runs never share a journal.", "JournalPath", inner: ex,
                    recommendedAction: "Wait for the other run to finish, or use another journal for another batch.");
            return new NordPayException("JournalPathInvalid", ErrorKind.InvalidArgument,
                $"The journal {full} cannot be created or opened: {ex.Message}", "JournalPath", inner: ex,
                recommendedAction: "Check the path: every folder in it must be a folder (not a file) that this account can write to.");
        }

        private static bool IsSharingViolation(Exception ex, string full)
        {
            if (!(ex is IOException) || ex is FileNotFoundException || ex is DirectoryNotFoundException || ex is PathTooLongException) return false;
            // Windows: ERROR_SHARING_VIOLATION (32) or ERROR_LOCK_VIOLATION (33). Elsewhere .NET reports the failed
            // advisory lock (EWOULDBLOCK) on a file that exists.
            var code = ex.HResult & 0xFFFF;
            return code == 32 || code == 33 || File.Exists(full);
        }

        /// <summary>
        /// Appends an entry; it reaches the operating system before this returns, so a killed process loses none.
        /// Returns its place in the journal, for <see cref="Force"/>.
        /// </summary>
        public long Append(JournalEntry entry)
        {
            var bytes = Encoding.UTF8.GetBytes(_redactor.Redact(entry.ToJson()) + "\n");
            lock (_gate)
            {
                Writing(() =>
                {
                    CrashPoints.At("before-write:" + JournalEntry.Text(entry.Event));
                    _stream.Write(bytes, 0, bytes.Length);
                    _stream.Flush(false);
                });
                CrashPoints.At("after-write:" + JournalEntry.Text(entry.Event));
                return ++_written;
            }
        }

        // A journal that cannot be written (a full disk, a lost share) stops the batch with an error of its own: no call
        // is made that the journal cannot announce.
        private void Writing(Action write)
        {
            try
            {
                write();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new NordPayException("JournalWriteFailed", ErrorKind.ResourceUnavailable,
                    $"The journal {Path} could not be written ({ex.Message.TrimEnd('.')}): the batch stopped, and no call it could not record was made.", "JournalPath",
                    inner: ex, recommendedAction: "Free space or restore access to the journal's folder, then run the batch again with the same journal.");
            }
        }

        /// <summary>
        /// Forces the entries up to <paramref name="place"/> to the disk (fsync), as a confirm-sending entry must be before
        /// its confirm: losing any other entry only makes a re-run repeat a harmless step. Forces are shared: one fsync
        /// covers every entry appended before it, whichever worker asked (group commit).
        /// </summary>
        public void Force(long place)
        {
            lock (_forceGate)
            {
                if (_forced >= place) return;
                long written;
                lock (_gate)
                {
                    written = _written;
                    Writing(() => _stream.Flush(true));
                }
                _forced = written;
            }
        }

        public void Dispose() => _stream.Dispose();

        private static (IReadOnlyList<JournalEntry> Entries, bool Cut) Load(FileStream stream, string path, bool repair)
        {
            // Read to the end as it is now: a run may be appending, and its last line may not be finished.
            var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            var bytes = buffer.GetBuffer();
            var length = (int)buffer.Length;
            var entries = new List<JournalEntry>();
            // A text editor may have saved the journal with a UTF-8 byte order mark.
            var start = length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            var lineNumber = 0;
            while (start < length)
            {
                var end = Array.IndexOf(bytes, (byte)'\n', start, length - start);
                lineNumber++;
                if (end < 0)
                {
                    // No newline. A whole entry is kept (an editor saved the file without its last newline: cutting it
                    // would forget a payout); anything else is a write that never finished, cut off so the next entry starts clean.
                    var whole = TryParse(Encoding.UTF8.GetString(bytes, start, length - start));
                    if (whole != null) entries.Add(whole);
                    if (repair)
                    {
                        if (whole != null) stream.Write(NewLine, 0, NewLine.Length);
                        else stream.SetLength(start);
                        stream.Flush(true);
                    }
                    return (RowIdentity.UpgradeDerived(entries, path), whole == null);
                }
                var line = Encoding.UTF8.GetString(bytes, start, end - start);
                if (line.Trim().Length > 0)
                {
                    try
                    {
                        entries.Add(JournalEntry.FromJson(line));
                    }
                    catch (Exception ex) when (Unreadable(ex))
                    {
                        throw new NordPayException("JournalCorrupt", ErrorKind.InvalidData,
                            $"Line {lineNumber} of the journal {path} cannot be read ({ex.Message}); nothing was paid.", "JournalPath",
                            recommendedAction: "Inspect the journal: only its last line may be incomplete. Restore it from a backup rather than deleting it.");
                    }
                }
                start = end + 1;
            }
            return (RowIdentity.UpgradeDerived(entries, path), false);
        }

        private static readonly byte[] NewLine = { (byte)'\n' };

        private static JournalEntry? TryParse(string line)
        {
            try
            {
                return JournalEntry.FromJson(line);
            }
            catch (Exception ex) when (Unreadable(ex))
            {
                return null;
            }
        }

        private static bool Unreadable(Exception ex) =>
            ex is JsonException || ex is FormatException || ex is KeyNotFoundException || ex is InvalidOperationException;
    }
}
