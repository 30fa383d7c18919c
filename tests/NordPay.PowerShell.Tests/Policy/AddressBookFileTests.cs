using NordPay.Policy;
using Xunit;

namespace NordPay.Tests.Policy;

/// <summary>Address books as Export-Csv and spreadsheets write them, imported whole or not at all.</summary>
public class AddressBookFileTests
{
    private const string Tron = "TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye";
    private const string Evm = "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359";

    private static NordPayException Refused(string text) => Assert.Throws<NordPayException>(() => AddressBookFile.Parse(text, "book.csv"));

    [Fact]
    public void Reads_a_book_in_any_form_a_spreadsheet_or_Export_Csv_writes()
    {
        var text = "#TYPE System.Management.Automation.PSCustomObject\r\n\"\uFEFFcurrency\",\"Note\",\"ADDRESS\",\"Label\"\r\n" +
                   $"\"USDTTRC20\",\"a, b\",\"{Tron}\",\"Alice \"\"the payroll\"\"\"\r\n\r\n" +
                   $"USDTBEP20,,  {Evm}  ,\n,,,\n" +
                   $"USDTBEP20,\"two\nlines\",{Evm.ToLowerInvariant()},";
        var entries = AddressBookFile.Parse(text, "book.csv");
        Assert.Equal(new[] { ("USDTTRC20", Tron, "Alice \"the payroll\""), ("USDTBEP20", Evm, (string?)null), ("USDTBEP20", Evm.ToLowerInvariant(), null) },
            entries.Select(e => (e.Currency, e.Address, e.Label)));
    }

    [Theory]
    [InlineData("Currency;Address;Label\nUSDTTRC20;T;x", "has no Currency column; its columns are 'Currency;Address;Label'")]
    [InlineData("Currency,Label\nUSDTTRC20,x", "has no Address column")]
    [InlineData("Currency,Address,Label\n", "lists no address")]
    [InlineData("", "is empty")]
    [InlineData("Currency,Address\nUSDTTRC20,TAwEK\u200Bx\nBTC,bc1q", "Line 2 of book.csv: 'TAwEK\u200Bx' is not a valid address: it contains a blank, control or invisible character (U+200B at character 6)")]
    [InlineData("Currency,Address\nUSDTTRC20,T1\n,T2", "Line 3 of book.csv: The currency is empty.")]
    [InlineData("Currency,Address\nUSDTTRC20,\"T1", "Line 2 of book.csv opens a quoted field that is never closed")]
    public void A_book_with_any_wrong_line_is_refused_whole(string text, string message)
    {
        var error = Refused(text);
        Assert.Equal(("AddressBookInvalid", ErrorKind.InvalidData, "AddressBook"), (error.ErrorId, error.Kind, error.Field));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"), "book.csv");
        var error = Assert.Throws<NordPayException>(() => AddressBookFile.Read(path));
        Assert.Equal("AddressBookNotFound", error.ErrorId);
        Assert.Contains(path, error.Message);
    }
}
