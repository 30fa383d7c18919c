using NordPay.Security;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Security;

/// <summary>
/// Owner-only files on Windows: the protected ACL the module writes, which folders and files it refuses to read as
/// others may change them (decided from their SDDL), and a rename that waits out a reader. Windows applies the ACLs.
/// </summary>
public class PrivateFilesTests
{
    private const string User = "S-1-5-21-1004336348-1177238915-682003330-1001";

    [Fact]
    public void The_owner_only_ACL_is_protected_granting_only_the_user_SYSTEM_or_Administrators()
    {
        Assert.Equal($"D:P(A;OICI;FA;;;{User})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", WindowsAcl.OwnerOnly(User, directory: true));
        Assert.Equal($"D:P(A;;FA;;;{User})(A;;FA;;;SY)(A;;FA;;;BA)", WindowsAcl.OwnerOnly(User, directory: false));
    }

    [Fact]
    public void A_folder_with_the_owner_only_ACL_has_no_other_writer()
    {
        Assert.Empty(WindowsAcl.OtherWriters($"O:{User}G:{User}" + WindowsAcl.OwnerOnly(User, directory: true), User, directory: true));
    }

    [Theory]
    // A folder the module made.
    [InlineData($"O:{User}G:S-1-5-21-1004336348-1177238915-682003330-513D:PAI(A;OICI;FA;;;{User})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)", true, "")]
    // D:\payouts\nordpay made by an administrator: a data drive's root lets Authenticated Users modify.
    [InlineData("O:BAG:S-1-5-21-1-2-3-513D:AI(A;OICIID;FA;;;BA)(A;OICIID;FA;;;SY)(A;OICIIOID;SDGXGWGR;;;AU)(A;ID;0x1301bf;;;AU)(A;OICIID;0x1200a9;;;BU)", true, "Authenticated Users")]
    // C:\nordpay: Users may read and add subfolders (and create files only inside them, inherit-only): nothing of this folder's changes.
    [InlineData("O:BAD:AI(A;OICIID;FA;;;BA)(A;OICIID;FA;;;SY)(A;OICIID;0x1200a9;;;BU)(A;CIID;LC;;;BU)(A;CIIOID;DC;;;BU)(A;OICIIOID;GA;;;CO)", true, "")]
    // Owned by another account, which may rewrite the ACL whatever it says.
    [InlineData($"O:S-1-5-21-1-2-3-1005D:P(A;OICI;FA;;;{User})", true, "S-1-5-21-1-2-3-1005 (its owner)")]
    // No ACL at all: everyone may do anything.
    [InlineData("O:BAD:NO_ACCESS_CONTROL", true, "Everyone")]
    // A deny entry does not make up for an allowing one.
    [InlineData($"O:{User}D:(D;;FW;;;BU)(A;;FA;;;{User})(A;;0x1301bf;;;BU)", false, "Users")]
    // Write data on a file, write DAC or delete child on a folder, and rights the module cannot read: all count.
    [InlineData($"O:{User}D:(A;;FW;;;S-1-5-21-1-2-3-1007)", false, "S-1-5-21-1-2-3-1007")]
    [InlineData($"O:{User}D:(A;;WD;;;WD)(A;;0x40;;;IU)", true, "Everyone, Interactive users")]
    [InlineData($"O:{User}D:(A;;KA;;;BG)", true, "Guests")]
    [InlineData($"O:{User}D:(A;;0x1200a9;;;WD)(A;;FR;;;AU)", false, "")]
    public void Others_who_may_change_a_folder_or_file_are_read_from_its_SDDL(string sddl, bool directory, string expected)
    {
        Assert.Equal(expected, string.Join(", ", WindowsAcl.OtherWriters(sddl, User, directory)));
    }

    [Fact]
    public void A_configuration_file_others_may_change_or_in_a_folder_others_may_change_is_refused()
    {
        var folder = Journals.NewFolder();
        var file = Path.Combine(folder, "policies.json");
        File.WriteAllText(file, "{}");
        var mine = $"O:{User}" + WindowsAcl.OwnerOnly(User, directory: true);
        var open = $"O:{User}D:(A;OICI;FA;;;{User})(A;OICIID;0x1301bf;;;AU)";

        Assert.Null(PrivateFiles.Refusal(file, _ => mine, User));
        var folderRefused = PrivateFiles.Refusal(file, path => path == folder ? open : mine, User)!;
        Assert.Equal(("ConfigurationNotPrivate", NordPay.Core.ErrorKind.SecurityError), (folderRefused.ErrorId, folderRefused.Kind));
        Assert.Contains($"The folder {folder} can be changed by others (Authenticated Users)", folderRefused.Message);
        Assert.Contains("icacls", folderRefused.RecommendedAction);
        Assert.Contains($"The file {file} can be changed by others", PrivateFiles.Refusal(file, path => path == file ? open : mine, User)!.Message);
        // A file not written yet: its folder decides.
        Assert.NotNull(PrivateFiles.Refusal(Path.Combine(folder, "profiles.json"), path => path == folder ? open : throw new FileNotFoundException(path), User));
    }

    private static string ProfilesFile()
    {
        var path = Path.Combine(Journals.NewFolder(), "profiles.json");
        File.WriteAllText(path, "old");
        return path;
    }

    // ERROR_SHARING_VIOLATION: a reader (an antivirus, an editor) holds the file.
    private static IOException SharingViolation() => new("The process cannot access the file because it is being used by another process.", unchecked((int)0x80070020));

    [Fact]
    public void A_rename_waits_out_a_reader()
    {
        var path = ProfilesFile();
        var pauses = new List<TimeSpan>();
        var refusals = 2;
        void BusyTwice(string temporary, string target)
        {
            if (refusals-- > 0) throw SharingViolation();
            File.Replace(temporary, target, null);
        }
        PrivateFiles.Write(path, "new"u8.ToArray(), BusyTwice, pauses.Add);
        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(2, pauses.Count);
    }

    [Fact]
    public void A_rename_gives_up_on_a_reader_after_two_seconds_leaving_the_file_as_it_was()
    {
        var path = ProfilesFile();
        var pauses = new List<TimeSpan>();
        Assert.Throws<IOException>(() => PrivateFiles.Write(path, "newer"u8.ToArray(), (_, _) => throw SharingViolation(), pauses.Add));
        Assert.Equal(TimeSpan.FromSeconds(2), pauses.Aggregate(TimeSpan.Zero, (total, pause) => total + pause));
        Assert.Equal("old", File.ReadAllText(path));
    }

    [Fact]
    public void A_rename_that_fails_for_another_reason_is_not_tried_again()
    {
        var pauses = new List<TimeSpan>();
        Assert.Throws<IOException>(() => PrivateFiles.Write(ProfilesFile(), "newer"u8.ToArray(), (_, _) => throw new IOException("disk full"), pauses.Add));
        Assert.Empty(pauses);
    }
}
