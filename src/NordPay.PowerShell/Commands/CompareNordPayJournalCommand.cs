using System.Collections.Generic;
using System.Management.Automation;
using NordPay.Batch;
using NordPay.Models;

namespace NordPay.Commands
{
    /// <summary>
    /// Compares batch journals with NordPay's withdraw history over their time span and emits each disagreement: a
    /// withdrawal no row claims, a paid row whose withdrawal is missing or cancelled, a row in doubt with its candidates.
    /// Never writes a journal.
    /// </summary>
    [Cmdlet(VerbsData.Compare, "NordPayJournal", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(NordPayJournalDiscrepancy))]
    public sealed class CompareNordPayJournalCommand : NordPayJournalCmdlet
    {
        private readonly List<(string Path, IReadOnlyList<JournalEntry> Entries)> _journals = new List<(string, IReadOnlyList<JournalEntry>)>();

        protected override void ProcessRecord() => _journals.AddRange(ReadJournals());

        protected override void EndProcessing()
        {
            if (_journals.Count == 0) return;
            Connect();
            foreach (var discrepancy in AwaitOrFail(token => Reconciliation.CompareAsync(Client, _journals, token))) WriteObject(discrepancy);
        }
    }
}
