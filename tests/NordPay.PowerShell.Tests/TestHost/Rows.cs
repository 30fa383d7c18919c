using System.Management.Automation;

namespace NordPay.Tests.TestHost;

/// <summary>Rows shaped as Import-Csv makes them: [pscustomobject]s whose values are all strings.</summary>
internal static class Rows
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

    /// <summary>A valid EVM address in its EIP-55 checksummed form, distinct per n.</summary>
    public static string Evm(int n) => AddressEncoding.Eip55(AddressEncoding.Body("evm", n));

    /// <summary>A valid TRC20 address (base58check, version 0x41), distinct per n.</summary>
    public static string Tron(int n) => AddressEncoding.Base58Check(0x41, AddressEncoding.Body("tron", n));

    /// <summary>A payout row with its own reference column, as a CSV with a PayoutId column gives it.</summary>
    public static PSObject Referenced(string reference, string currency, string address, string amount) =>
        Row(("PayoutId", reference), ("Currency", currency), ("Address", address), ("Amount", amount));
}
