using NordPay.Core;
using NordPay.Security;
using Xunit;

namespace NordPay.Tests.Security;

/// <summary>The configuration and spill folders: fully qualified, or refused, on Windows as elsewhere.</summary>
public class UserFoldersTests
{
    private static UserFolders Windows(string? configDir, string localAppData = @"C:\Users\svc\AppData\Local") =>
        new(windows: true, name => name == KeyStore.DirectoryVariable ? configDir : null,
            folder => folder == Environment.SpecialFolder.LocalApplicationData ? localAppData : @"C:\Users\svc");

    [Theory]
    [InlineData(@"\nordpay")]
    [InlineData(@"/nordpay")]
    [InlineData(@"C:nordpay")]
    [InlineData(@"nordpay")]
    [InlineData(@"..\nordpay")]
    public void A_config_folder_that_follows_the_current_drive_or_folder_is_refused_on_Windows(string configured)
    {
        var refused = Assert.Throws<NordPayException>(() => Windows(configured).Config);
        Assert.Equal("InvalidConfigDirectory", refused.ErrorId);
        Assert.Contains(configured, refused.Message);
    }

    [Theory]
    [InlineData(@"D:\payouts\nordpay")]
    [InlineData(@"D:/payouts/nordpay")]
    [InlineData(@"\\fileserver\payouts\nordpay")]
    public void A_fully_qualified_config_folder_is_used_as_it_is(string configured)
    {
        Assert.Equal(configured, Windows(configured).Config);
    }

    [Fact]
    public void The_local_application_data_folder_is_the_default_on_Windows()
    {
        Assert.Equal(@"C:\Users\svc\AppData\Local\NordPay.PowerShell", Windows(null).Config);
        Assert.Equal(@"C:\Users\svc\AppData\Local\NordPay.PowerShell\spill", Windows(null).Spill);
    }

    [Theory]
    [InlineData("")]
    [InlineData(@"AppData\Local")]
    public void An_account_without_a_local_application_data_folder_gets_no_relative_folder(string localAppData)
    {
        var folders = Windows(null, localAppData);
        Assert.Equal("InvalidConfigDirectory", Assert.Throws<NordPayException>(() => folders.Config).ErrorId);
        var spill = Assert.Throws<NordPayException>(() => folders.Spill);
        Assert.Contains("NORDPAY_CONFIG_DIR", spill.RecommendedAction);
    }

    [Fact]
    public void Elsewhere_a_home_folder_that_is_missing_gives_no_relative_folder_either()
    {
        var folders = new UserFolders(windows: false, _ => null, _ => "");
        Assert.Equal("InvalidConfigDirectory", Assert.Throws<NordPayException>(() => folders.Config).ErrorId);
        Assert.Equal("/home/svc/.config/nordpay-powershell", new UserFolders(false, _ => null, _ => "/home/svc").Config);
        Assert.Equal("/var/cache/nordpay-powershell/spill", new UserFolders(false, n => n == "XDG_CACHE_HOME" ? "/var/cache" : null, _ => "/home/svc").Spill);
    }
}
