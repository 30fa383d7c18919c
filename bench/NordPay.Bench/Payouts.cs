using System.Globalization;
using System.Management.Automation;

namespace NordPay.Bench;

/// <summary>The rows every path pays: a new address per chunk and row, so that no run repeats another's payout.</summary>
internal static class Payouts
{
    public static PSObject[] Rows(int chunk, int count) => Enumerable.Range(1, count).Select(i =>
    {
        var row = new PSObject();
        row.Properties.Add(new PSNoteProperty("Currency", "USDTBEP20"));
        row.Properties.Add(new PSNoteProperty("Address", Address(chunk, i)));
        row.Properties.Add(new PSNoteProperty("Amount", Amount(i)));
        return row;
    }).ToArray();

    public static string Address(int chunk, int i) => "0x" + (10_000_000L * (chunk + 1) + i).ToString("x40", CultureInfo.InvariantCulture);

    public static string Amount(int i) => "1." + i.ToString(CultureInfo.InvariantCulture);

    /// <summary>A new journal path for a batch run.</summary>
    public static string Journal() => Path.Combine(Path.GetTempPath(), "nordpay-bench", Guid.NewGuid().ToString("N") + ".journal");
}
