using System.Management.Automation;
using NordPay.Commands;
using Xunit;

namespace NordPay.Tests.Commands;

public class ErrorCategoriesTests
{
    public static TheoryData<ErrorKind> EveryKind()
    {
        var kinds = new TheoryData<ErrorKind>();
        foreach (var kind in Enum.GetValues<ErrorKind>()) kinds.Add(kind);
        return kinds;
    }

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void Every_error_kind_maps_to_the_category_of_its_name(ErrorKind kind)
    {
        Assert.Equal(Enum.Parse<ErrorCategory>(kind.ToString()), ErrorCategories.Of(kind));
    }

    [Fact]
    public void A_kind_outside_the_enum_is_refused_by_name()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => ErrorCategories.Of((ErrorKind)999));
        Assert.Equal("kind", error.ParamName);
    }
}
