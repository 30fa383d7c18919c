using NordPay.Batch;

namespace NordPay.Tests.TestHost;

/// <summary>Journal paths for batch tests: each in a new folder of its own.</summary>
internal static class Journals
{
    public static string New() => Path.Combine(NewFolder(), "batch.journal");

    /// <summary>A journal's entries, as a run reads them.</summary>
    public static IReadOnlyList<JournalEntry> Read(string path) => Journal.Read(path).Entries;

    /// <summary>Writes entries as a run writes them, to a new journal at the path.</summary>
    public static void Write(string path, params JournalEntry[] entries)
    {
        using var journal = Journal.Open(path, NordPay.Security.Redactor.None);
        foreach (var entry in entries) journal.Append(entry);
    }

    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
