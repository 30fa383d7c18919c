using System;
using System.IO;
using NordPay.Core;
using NordPay.Models;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Base of the cmdlets that change a policy (Set-NordPayPolicy, Remove-NordPayPolicy): every change is confirmed
    /// (ConfirmImpact High, and -WhatIf shows it), and a policy that cannot be read or kept stops the call.
    /// </summary>
    public abstract class NordPayPolicyCmdlet : NordPayCmdlet
    {
        /// <summary>A profile's policy in one scope; null when it has none there.</summary>
        protected NordPayPolicy? Load(string profile, NordPayKeyScope scope)
        {
            try
            {
                return Session.Policy(profile, scope);
            }
            catch (NordPayException ex)
            {
                throw Terminating(ex, profile);
            }
        }

        /// <summary>Keeps the changed policy (or, when null, removes the profile's policy of the scope) once ShouldProcess agrees.</summary>
        protected bool Change(string profile, NordPayKeyScope scope, NordPayPolicy? changed, string action)
        {
            if (!ShouldProceed(Session.PolicyPlace(profile, scope), action, force: false)) return false;
            try
            {
                if (changed == null) Session.RemovePolicy(profile, scope);
                else Session.SavePolicy(changed);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw Terminating(new NordPayException("PolicyNotSaved", ErrorKind.InvalidOperation,
                    $"The {Session.PolicyPlace(profile, scope)} could not be written: {ex.Message}. It is unchanged.", "Scope",
                    recommendedAction: "Check that this account may write to the folder of the persisted profiles (NORDPAY_CONFIG_DIR).", inner: ex), profile);
            }
            WriteVerbose(changed == null ? $"Removed the {Session.PolicyPlace(profile, scope)}." : $"Policy {changed.Name} set: {action}.");
            return true;
        }
    }
}
