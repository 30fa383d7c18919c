using System.Collections;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Net;
using System.Security;
using NordPay.Core;

namespace NordPay.Session
{
    /// <summary>
    /// A SecretManagement vault, reached through its own cmdlets (module-qualified, so no other command of the same
    /// name can stand in): the key goes in with Set-Secret and comes back with Get-Secret, never into the pipeline.
    /// </summary>
    internal sealed class SecretVault
    {
        private readonly PSCmdlet _cmdlet;

        public SecretVault(PSCmdlet cmdlet) => _cmdlet = cmdlet;

        /// <summary>Stores a key in a SecretManagement vault.</summary>
        public void Write(string vault, string secretName, SecureString key) =>
            InvokeSecretManagement("param($vault, $name, $key) Microsoft.PowerShell.SecretManagement\\Set-Secret -Vault $vault -Name $name -SecureStringSecret $key -ErrorAction Stop",
                vault, secretName, key);

        /// <summary>Reads a key from a SecretManagement vault, through Get-Secret.</summary>
        public SecureString Read(string vault, string secretName)
        {
            var output = InvokeSecretManagement("param($vault, $name) Microsoft.PowerShell.SecretManagement\\Get-Secret -Vault $vault -Name $name -ErrorAction Stop",
                vault, secretName);
            var value = output.Select(o => o?.BaseObject).FirstOrDefault();
            return value switch
            {
                SecureString secure => secure,
                PSCredential credential => credential.Password,
                string text => new NetworkCredential(string.Empty, text).SecurePassword,
                _ => throw new NordPayException("VaultSecretUnreadable", ErrorKind.InvalidData,
                    $"The secret '{secretName}' in vault '{vault}' is not a string, a SecureString or a PSCredential.", "SecretName"),
            };
        }

        private System.Collections.ObjectModel.Collection<PSObject> InvokeSecretManagement(string script, params object[] args)
        {
            try
            {
                // A scope of its own: the script's parameters (the key among them) never land in the caller's variables.
                // None: the secret comes back to this code, never into the calling pipeline.
                return _cmdlet.InvokeCommand.InvokeScript(script, useNewScope: true, PipelineResultTypes.None, (IList?)null, args);
            }
            catch (RuntimeException ex)
            {
                throw new NordPayException("VaultSecretUnreadable", ErrorKind.ResourceUnavailable,
                    $"SecretManagement could not reach the secret: {ex.Message}", "Vault",
                    recommendedAction: "Install and register the vault (Microsoft.PowerShell.SecretManagement), and unlock it for unattended jobs.");
            }
        }
    }
}
