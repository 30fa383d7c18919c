using Xunit;

namespace NordPay.Tests.TestHost;

/// <summary>Theory data from pairs (this xunit's TheoryData of two takes no sequence).</summary>
internal static class TheoryRows
{
    public static TheoryData<string, string> Of(IEnumerable<(string, string)> rows)
    {
        var data = new TheoryData<string, string>();
        foreach (var (first, second) in rows) data.Add(first, second);
        return data;
    }
}
