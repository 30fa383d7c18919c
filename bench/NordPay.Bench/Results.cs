using System.Text;
using NordPay.Hosting;

namespace NordPay.Bench;

/// <summary>The results, as Markdown: printed as they come, and written to bench/results.md by a run of every part.</summary>
internal sealed class Results
{
    private readonly StringBuilder _report = new();

    public Results()
    {
        Line($"NordPay benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, .NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        Line(string.Empty);
    }

    public void Line(string text)
    {
        Console.WriteLine(text);
        _report.AppendLine(text);
    }

    public void Heading(string title)
    {
        Line("## " + title);
        Line(string.Empty);
    }

    /// <summary>A table's header: the first <paramref name="textColumns"/> columns hold text, the others numbers (right-aligned).</summary>
    public void Table(int textColumns, params string[] columns)
    {
        Line("| " + string.Join(" | ", columns) + " |");
        Line("|" + string.Concat(columns.Select((_, i) => i < textColumns ? "---|" : "---:|")));
    }

    /// <summary>Replaces the recorded results.</summary>
    public void Write()
    {
        var written = Path.Combine(ModuleLayout.RepoRoot, "bench", "results.md");
        File.WriteAllText(written, _report.ToString());
        Console.WriteLine($"Written to {written}");
    }
}
