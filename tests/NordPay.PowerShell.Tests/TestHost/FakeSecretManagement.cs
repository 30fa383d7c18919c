namespace NordPay.Tests.TestHost;

/// <summary>
/// A stand-in for Microsoft.PowerShell.SecretManagement (not served here): a script module of that name whose
/// Get-Secret and Set-Secret keep secrets for the whole test process, as a registered vault would across sessions.
/// </summary>
internal static class FakeSecretManagement
{
    private static readonly Lazy<string> ModulePath = new(() =>
    {
        var directory = Path.Combine(Path.GetTempPath(), "nordpay-tests", "Microsoft.PowerShell.SecretManagement");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "Microsoft.PowerShell.SecretManagement.psm1");
        File.WriteAllText(path, """
            function script:Vaults {
                $vaults = [System.AppDomain]::CurrentDomain.GetData('NordPayTests.FakeVaults')
                if ($null -eq $vaults) { $vaults = [hashtable]::Synchronized(@{}); [System.AppDomain]::CurrentDomain.SetData('NordPayTests.FakeVaults', $vaults) }
                $vaults
            }
            function Set-Secret {
                [CmdletBinding()]
                param([string] $Vault, [string] $Name, [securestring] $SecureStringSecret)
                (Vaults)["$Vault/$Name"] = $SecureStringSecret
            }
            function Get-Secret {
                [CmdletBinding()]
                param([string] $Vault, [string] $Name)
                $key = "$Vault/$Name"
                (Vaults)["reads/$key"] = 1 + [int](Vaults)["reads/$key"]
                if (-not (Vaults).ContainsKey($key)) { throw "Get-Secret: The secret $Name was not found in vault $Vault." }
                (Vaults)[$key]
            }
            Export-ModuleMember -Function Set-Secret, Get-Secret
            """);
        return path;
    });

    /// <summary>Imports the stand-in into a session.</summary>
    public static void ImportInto(PowerShellSession session)
    {
        var result = session.Run("Import-Module -Name $args[0] -ErrorAction Stop", ModulePath.Value);
        if (result.Terminating != null) throw result.Terminating;
    }

    /// <summary>How many times Get-Secret read this secret.</summary>
    public static int Reads(PowerShellSession session, string vault, string name) =>
        (int)session.Run("[int][System.AppDomain]::CurrentDomain.GetData('NordPayTests.FakeVaults')[$args[0]]", $"reads/{vault}/{name}").Output.Single().BaseObject;
}
