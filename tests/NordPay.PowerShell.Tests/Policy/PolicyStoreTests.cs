using System.Runtime.InteropServices;
using NordPay.Policy;
using Xunit;

namespace NordPay.Tests.Policy;

/// <summary>Persisted policies: exact limits, the address book, owner-only, and a file that cannot be read stops payouts.</summary>
public class PolicyStoreTests
{
    private static string NewFolder() => Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"), "config");

    private static NordPayPolicy Policy(string profile) =>
        NordPayPolicy.Empty(profile, NordPayKeyScope.CurrentUser)
            .WithLimit(new NordPayCurrencyLimit("USDTTRC20", 500.50m, 2000.000000000000000001m, null))
            .WithLimit(new NordPayCurrencyLimit("BTC", 0.01m, 0.1m, 0.25m))
            .WithAddressBook(new[] { new NordPayAddressBookEntry("BTC", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", "cold wallet"), new NordPayAddressBookEntry("USDTTRC20", "TAwEKizQ4eVAguEySQAwKhzCPyKrQeVDye", null) },
                "/srv/payouts/addresses.csv");

    [Fact]
    public void A_policy_reads_back_as_saved_digit_for_digit_in_an_owner_only_file()
    {
        var store = new PolicyStore(NewFolder());
        var saved = Policy("payroll");
        store.Save(saved);
        store.Save(Policy("other").WithoutLimits(new[] { "BTC" }));

        var read = store.Find("payroll")!;
        Assert.Equal(saved.Fingerprint, read.Fingerprint);
        Assert.Equal(saved.Limits.Select(l => (l.Currency, Amount.Format(l.MaxPerPayout), Amount.Format(l.MaxPerRun), l.MaxPerDay)),
            read.Limits.Select(l => (l.Currency, Amount.Format(l.MaxPerPayout), Amount.Format(l.MaxPerRun), l.MaxPerDay)));
        Assert.Equal("500.50", Amount.Format(read.LimitOf("USDTTRC20")!.MaxPerPayout));
        Assert.Equal(saved.AddressBook, read.AddressBook);
        Assert.Equal(("/srv/payouts/addresses.csv", saved.SetBy, saved.SetAt), (read.AddressBookPath, read.SetBy, read.SetAt));
        Assert.Equal(new[] { "other", "payroll" }, store.List().Select(p => p.Profile));
        Assert.Null(store.Find("Payroll")); // profile names are exact

        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(store.Path)!));
        }
        Assert.True(store.Remove("payroll"));
        Assert.False(store.Remove("payroll"));
        Assert.Null(store.Find("payroll"));
        Assert.NotNull(store.Find("other"));
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"policies\":{\"default\":{\"setAt\":\"2026-01-01T00:00:00Z\",\"setBy\":\"x\",\"limits\":[{\"currency\":\"BTC\",\"maxPerPayout\":\"1,5\",\"maxPerRun\":\"2\"}]}}}")]
    [InlineData("{\"policies\":{\"default\":{\"setBy\":\"x\",\"limits\":[]}}}")]
    [InlineData("[]")]
    public void A_file_that_cannot_be_read_is_an_error_never_no_policy(string content)
    {
        var folder = NewFolder();
        Directory.CreateDirectory(folder);
        var store = new PolicyStore(folder);
        File.WriteAllText(store.Path, content);
        var error = Assert.Throws<NordPayException>(() => store.Find("default"));
        Assert.Equal(("PolicyFileUnreadable", ErrorKind.InvalidData), (error.ErrorId, error.Kind));
        Assert.Contains(store.Path, error.Message);
    }

    [Fact]
    public void The_fingerprint_names_the_rules_by_value()
    {
        var a = NordPayPolicy.Empty("a", NordPayKeyScope.Process).WithLimit(new NordPayCurrencyLimit("BTC", 0.5m, 1m, null));
        var b = NordPayPolicy.Empty("b", NordPayKeyScope.CurrentUser).WithLimit(new NordPayCurrencyLimit("BTC", 0.50m, 1.000m, null));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, a.WithLimit(new NordPayCurrencyLimit("BTC", 0.5m, 1m, 1m)).Fingerprint);
        Assert.NotEqual(a.Fingerprint, a.WithAddressBook(new[] { new NordPayAddressBookEntry("BTC", "bc1q", null) }, null).Fingerprint);
        Assert.Equal($"a (Process, {a.Fingerprint})", a.Name);
        Assert.Matches("^[0-9a-f]{12}$", a.Fingerprint);
    }
}
