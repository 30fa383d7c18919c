using System.Management.Automation.Host;
using System.Management.Automation.Runspaces;

namespace NordPay.Hosting;

/// <summary>PowerShell sessions opened in-process as pwsh opens them, the built module imported as users import it.</summary>
public static class HostedEngine
{
    /// <summary>Imports the built module by its manifest, the script's $args[0] (<see cref="ModuleLayout.ManifestPath"/>); a failed import stops the script.</summary>
    public const string ImportModule = "Import-Module -Name $args[0] -ErrorAction Stop";

    /// <summary>An open runspace with PowerShell's default commands and this host, or with none, as an unattended job has.</summary>
    public static Runspace OpenRunspace(PSHost? host)
    {
        var state = InitialSessionState.CreateDefault2();
        var runspace = host == null ? RunspaceFactory.CreateRunspace(state) : RunspaceFactory.CreateRunspace(host, state);
        runspace.Open();
        return runspace;
    }
}
