using System.Globalization;
using NordPay.Api;
using Xunit;

namespace NordPay.Tests.Core;

public class AmountTests
{
    [Theory]
    [InlineData("12.5", "12.5")]
    [InlineData("100", "100")]
    [InlineData("0.10", "0.10")]
    [InlineData(" 7.25 ", "7.25")]
    [InlineData("007.50", "7.50")]
    [InlineData("0.123456789012345678", "0.123456789012345678")]
    [InlineData("12345678901.123456789012345678", "12345678901.123456789012345678")]
    [InlineData("10.123456789012345678901234", "10.123456789012345678901234")]
    public void Strings_are_read_exactly_with_every_digit(string input, string expected)
    {
        Assert.Equal(expected, Amount.Format(Amount.ParseInput(input)));
    }

    [Theory]
    [InlineData("de-DE")]
    [InlineData("fr-FR")]
    [InlineData("en-US")]
    public void The_current_culture_changes_nothing(string culture)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo(culture);
            Assert.Equal("1.5", Amount.Format(Amount.ParseInput("1.5")));
            Assert.Equal("InvalidAmountFormat", Assert.Throws<NordPayException>(() => Amount.ParseInput("1,5")).ErrorId);
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }
    }

    [Theory]
    [InlineData("1,5", "InvalidAmountFormat", "decimal separator")]
    [InlineData("1,234.50", "InvalidAmountFormat", "group separator")]
    [InlineData("1,234,567", "InvalidAmountFormat", "group separator")]
    [InlineData("1 000", "InvalidAmountFormat", "group separator")]
    [InlineData("1'000", "InvalidAmountFormat", "group separator")]
    [InlineData("1.5e3", "InvalidAmountFormat", "exponent")]
    [InlineData("1E-5", "InvalidAmountFormat", "exponent")]
    [InlineData("$5", "InvalidAmountFormat", "currency")]
    [InlineData("€5", "InvalidAmountFormat", "currency")]
    [InlineData("5 USDT", "InvalidAmountFormat", "currency")]
    [InlineData("USD 5", "InvalidAmountFormat", "currency")]
    [InlineData("abc", "InvalidAmountFormat", "not a plain decimal")]
    [InlineData("+5", "InvalidAmountFormat", "")]
    [InlineData(".5", "InvalidAmountFormat", "each side")]
    [InlineData("5.", "InvalidAmountFormat", "each side")]
    [InlineData("NaN", "InvalidAmountFormat", "")]
    [InlineData("", "AmountMissing", "empty")]
    [InlineData("   ", "AmountMissing", "empty")]
    [InlineData("0", "AmountNotPositive", "positive")]
    [InlineData("0.000", "AmountNotPositive", "positive")]
    [InlineData("-1", "AmountNotPositive", "negative")]
    [InlineData("0.12345678901234567890123456789", "AmountPrecisionExceeded", "never rounded")]
    [InlineData("99999999999999999999999999999999", "AmountPrecisionExceeded", "")]
    public void Ambiguous_or_unsafe_strings_are_refused(string input, string errorId, string explanation)
    {
        var error = Assert.Throws<NordPayException>(() => Amount.ParseInput(input));
        Assert.Equal(errorId, error.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal("Amount", error.Field);
        Assert.Contains(explanation, error.Message + " " + error.RecommendedAction, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Numbers_are_accepted_when_they_carry_the_value_exactly()
    {
        Assert.Equal("100", Amount.Format(Amount.ParseInput(100)));
        Assert.Equal("100", Amount.Format(Amount.ParseInput(100L)));
        Assert.Equal("1.50", Amount.Format(Amount.ParseInput(1.50m)));
        Assert.Equal("0.123456789012345678", Amount.Format(Amount.ParseInput(0.123456789012345678m)));
    }

    [Fact]
    public void An_unquoted_amount_with_a_comma_is_refused_as_a_list()
    {
        var error = Assert.Throws<NordPayException>(() => Amount.ParseInput(new object[] { 1, 5 }));
        Assert.Equal("InvalidAmountFormat", error.ErrorId);
        Assert.Contains("unquoted 1,5 is the two numbers 1 and 5", error.Message);
        Assert.Contains("'1.5'", error.RecommendedAction);
    }

    [Theory]
    // What PowerShell makes of an unquoted -Amount, a JSON number or a calculation: the typed digits may already be gone.
    [InlineData(2.000000000000000001d)]
    [InlineData(12.5d)]
    [InlineData(0.1d)]
    [InlineData(0.123456789012345678d)]
    [InlineData(1e-7d)]
    [InlineData(1e17d)]
    [InlineData(5d)]
    public void Floating_point_amounts_are_refused_not_rounded(double value)
    {
        var error = Assert.Throws<NordPayException>(() => Amount.ParseInput(value));
        Assert.Equal("AmountIsFloatingPoint", error.ErrorId);
        Assert.Contains("Quote the amount", error.RecommendedAction);
        Assert.Equal("AmountIsFloatingPoint", Assert.Throws<NordPayException>(() => Amount.ParseInput((float)value)).ErrorId);
    }

    [Fact]
    public void Floating_point_values_that_are_no_amount_at_all_say_so()
    {
        Assert.Equal("InvalidAmountFormat", Assert.Throws<NordPayException>(() => Amount.ParseInput(double.NaN)).ErrorId);
        Assert.Equal("AmountNotPositive", Assert.Throws<NordPayException>(() => Amount.ParseInput(-2.5d)).ErrorId);
        Assert.Equal("AmountNotPositive", Assert.Throws<NordPayException>(() => Amount.ParseInput(0)).ErrorId);
    }

    [Theory]
    [InlineData("de-DE", "1.500", "1500", "1.5")]
    [InlineData("de-DE", "12.345", "12345", "12.3450")]
    [InlineData("nl-NL", "250.125", "250125", "250.1250")]
    public void A_text_that_means_another_amount_in_the_users_culture_is_refused(string culture, string text, string grouped, string point)
    {
        var error = Assert.Throws<NordPayException>(() => Amount.ParseInput(text, new System.Globalization.CultureInfo(culture)));
        Assert.Equal("AmountAmbiguous", error.ErrorId);
        Assert.Contains($"reads as {grouped}", error.Message);
        Assert.Contains($"or {point} if you mean", error.RecommendedAction);
    }

    [Theory]
    [InlineData("de-DE", "0.500")]
    [InlineData("de-DE", "1.5")]
    [InlineData("de-DE", "1.5000")]
    [InlineData("en-US", "1.500")]
    [InlineData("fr-FR", "1.500")]
    public void A_text_that_can_mean_one_amount_in_the_users_culture_is_read_as_written(string culture, string text)
    {
        Assert.Equal(text, Amount.Format(Amount.ParseInput(text, new System.Globalization.CultureInfo(culture))));
    }

    [Fact]
    public void A_null_amount_is_refused_as_missing()
    {
        Assert.Equal("AmountMissing", Assert.Throws<NordPayException>(() => Amount.ParseInput(null)).ErrorId);
    }

    [Fact]
    public void An_amount_neither_text_nor_a_number_is_refused_as_an_invalid_format()
    {
        Assert.Equal("InvalidAmountFormat", Assert.Throws<NordPayException>(() => Amount.ParseInput(new object())).ErrorId);
        Assert.Equal("InvalidAmountFormat", Assert.Throws<NordPayException>(() => Amount.ParseInput(true)).ErrorId);
    }

    [Theory]
    [InlineData("0E-18", "0")]
    [InlineData("1.000000000000000000", "1.000000000000000000")]
    [InlineData("40.707300000000000000", "40.707300000000000000")]
    [InlineData("100", "100")]
    [InlineData("1.5e2", "150")]
    [InlineData("2.55E+1", "25.5")]
    [InlineData("-0.5", "-0.5")]
    [InlineData("-0", "0")]
    [InlineData("79228162514264337593543950335", "79228162514264337593543950335")]
    [InlineData("0.0000000000000000000000000001", "0.0000000000000000000000000001")]
    public void Server_values_are_read_leniently(string text, string expected)
    {
        Assert.True(Amount.TryParseServer(text, out var value));
        Assert.Equal(decimal.Parse(expected, CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("100000.000000000000000000000001")]
    [InlineData("0.12345678901234567890123456789")]
    [InlineData("1e-30")]
    [InlineData("79228162514264337593543950336")]
    [InlineData("1,5")]
    [InlineData(".")]
    public void A_server_value_a_decimal_cannot_hold_exactly_is_not_read_rounded(string text)
    {
        Assert.False(Amount.TryParseServer(text, out _));
    }
}
