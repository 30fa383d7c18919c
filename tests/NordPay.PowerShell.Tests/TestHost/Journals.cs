namespace NordPay.Tests.TestHost;

/// <summary>Journal paths for batch tests: each in a new folder of its own.</summary>
public static class Journals
{
    public static string New() => Path.Combine(NewFolder(), "batch.journal");

    public static string NewFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }
}
