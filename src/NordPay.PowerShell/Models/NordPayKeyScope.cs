namespace NordPay.Models
{
    /// <summary>Where Set-NordPayApiKey keeps a key, and Set-NordPayPolicy a policy: this PowerShell session only, or persisted for the current user.</summary>
    public enum NordPayKeyScope
    {
        Process,
        CurrentUser,
    }
}
