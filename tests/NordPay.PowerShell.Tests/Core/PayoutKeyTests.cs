using Xunit;

namespace NordPay.Tests.Core;

public class PayoutKeyTests
{
    private const string Evm = "0x52908400098527886E0F7030069857D2E4169EE7";

    [Fact]
    public void An_evm_address_in_any_letter_case_is_one_payout() =>
        AssertOnePayout(new PayoutKey("USDTBEP20", Evm, 2.5m), new PayoutKey("USDTBEP20", Evm.ToLowerInvariant(), 2.5m));

    [Fact]
    public void An_amount_in_any_spelling_is_one_payout() =>
        AssertOnePayout(new PayoutKey("USDTBEP20", Evm, 2.5m), new PayoutKey("USDTBEP20", Evm, 2.500m));

    private static void AssertOnePayout(PayoutKey key, PayoutKey same)
    {
        Assert.Equal(key, same);
        Assert.True(key == same);
        Assert.Equal(key.GetHashCode(), same.GetHashCode());
        Assert.Equal(key.Text, same.Text);
    }

    [Fact]
    public void Any_other_address_keeps_its_letter_case()
    {
        Assert.NotEqual(new PayoutKey("TRX", "TJRabPrwbZy45sbavfcjinPJC18kjpRTv8", 1m), new PayoutKey("TRX", "tjrabprwbzy45sbavfcjinpjc18kjprtv8", 1m));
    }

    [Fact]
    public void Another_currency_or_amount_is_another_payout()
    {
        var key = new PayoutKey("USDTBEP20", Evm, 2.5m);
        Assert.NotEqual(key, new PayoutKey("USDTERC20", Evm, 2.5m));
        Assert.NotEqual(key, new PayoutKey("USDTBEP20", Evm, 2.51m));
    }

    [Fact]
    public void The_address_sent_is_the_one_given()
    {
        Assert.Equal(Evm, new PayoutKey("USDTBEP20", Evm, 1m).Address);
    }
}
