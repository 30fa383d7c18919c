using System.Text.RegularExpressions;
using Xunit;

namespace NordPay.Tests.TestHost;

/// <summary>Reads a run's report (-ReportPath): a CSV whose every cell is quoted.</summary>
internal static class ReportFile
{
    private static string[] Cells(string line) =>
        Regex.Matches(line, "\"((?:[^\"]|\"\")*)\"(?:,|$)").Select(m => m.Groups[1].Value.Replace("\"\"", "\"")).ToArray();

    /// <summary>The header and each line's cells by column name.</summary>
    public static (string[] Header, List<Dictionary<string, string>> Rows) Read(string report)
    {
        var lines = File.ReadAllLines(report);
        var header = Cells(lines[0]);
        return (header, lines.Skip(1).Select(l =>
        {
            var cells = Cells(l);
            Assert.Equal(header.Length, cells.Length);
            return header.Zip(cells).ToDictionary(p => p.First, p => p.Second);
        }).ToList());
    }
}
