using System;
using System.Collections.Generic;
using System.Management.Automation;
using NordPay.Batch;
using NordPay.Core;

namespace NordPay.Commands
{
    /// <summary>
    /// Base of the cmdlets that read batch journals: -Path with wildcards, from the pipeline too (Get-ChildItem, a run's
    /// summary). Journals are only read, also while a run holds them; the key is needed only to read NordPay's history.
    /// </summary>
    public abstract class NordPayJournalCmdlet : NordPayApiCmdlet
    {
        private readonly HashSet<string> _read = new HashSet<string>(StringComparer.Ordinal);

        protected const string PathSet = "Path";
        protected const string LiteralPathSet = "LiteralPath";

        /// <summary>Journal files; wildcards are expanded.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = PathSet)]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string[] Path { get; set; } = null!;

        /// <summary>
        /// Journal files, exactly as written (pay[1].journal). Files from Get-ChildItem and a run's summary bind here: a path they
        /// give names one file, whose brackets are no wildcards.
        /// </summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "LP", "FullName", "JournalPath")]
        [ValidateNotNullOrEmpty]
        public string[] LiteralPath { get; set; } = null!;

        /// <summary>
        /// The journals -Path names, each read once; a path that names none, or a journal that cannot be read, is an error of
        /// its own and the others are read.
        /// </summary>
        private protected IEnumerable<(string Path, IReadOnlyList<JournalEntry> Entries)> ReadJournals()
        {
            var literal = ParameterSetName == LiteralPathSet;
            foreach (var path in literal ? LiteralPath : Path)
            {
                IReadOnlyList<string> files;
                try
                {
                    files = literal ? ResolveLiteralFile(path) : ResolveExistingFiles(path, nameof(Path));
                }
                catch (NordPayException ex)
                {
                    WriteNordPayError(ex, path);
                    continue;
                }
                if (files.Count == 0) WriteNordPayError(Journal.NotFound(path), path);
                foreach (var file in files)
                {
                    if (!_read.Add(file)) continue;
                    (IReadOnlyList<JournalEntry> Entries, bool TornLastLine) journal;
                    try
                    {
                        journal = Journal.Read(file);
                    }
                    catch (NordPayException ex)
                    {
                        WriteNordPayError(ex, file);
                        continue;
                    }
                    if (journal.TornLastLine) WriteVerbose($"The last line of {file} is not finished (a run writing it, or a crash): it is not read, and left as it is.");
                    yield return (file, journal.Entries);
                }
            }
        }

        // A literal path names one file or none; a PSPath (FileSystem::/srv/pay[1].journal) is resolved like any other.
        private IReadOnlyList<string> ResolveLiteralFile(string path)
        {
            var file = ResolveFilePath(path, nameof(LiteralPath));
            return System.IO.File.Exists(file) ? new[] { file } : Array.Empty<string>();
        }
    }
}
