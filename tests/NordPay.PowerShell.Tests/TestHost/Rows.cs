using System.Management.Automation;

namespace NordPay.Tests.TestHost;

/// <summary>Rows shaped as Import-Csv makes them: [pscustomobject]s whose values are all strings.</summary>
public static class Rows
{
    public static PSObject Row(params (string Name, string? Value)[] cells)
    {
        var row = new PSObject();
        foreach (var (name, value) in cells) row.Properties.Add(new PSNoteProperty(name, value));
        return row;
    }

    public static PSObject Payout(string currency, string address, string? amount) =>
        Row(("Currency", currency), ("Address", address), ("Amount", amount));

    public static PSObject[] Payouts(params (string Currency, string Address, string? Amount)[] rows) =>
        rows.Select(r => Payout(r.Currency, r.Address, r.Amount)).ToArray();

    /// <summary>An EVM-style address, distinct per n.</summary>
    public static string Evm(int n) => "0x" + n.ToString("x40");

    /// <summary>A Tron-style address (T and 33 base58 characters, so no 0), distinct per n.</summary>
    public static string Tron(int n) => "T" + n.ToString("D33").Replace('0', 'z');

    /// <summary>A payout row with its own reference column, as a CSV with a PayoutId column gives it.</summary>
    public static PSObject Referenced(string reference, string currency, string address, string amount) =>
        Row(("PayoutId", reference), ("Currency", currency), ("Address", address), ("Amount", amount));
}
