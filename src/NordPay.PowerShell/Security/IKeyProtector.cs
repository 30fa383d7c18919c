namespace NordPay.Security
{
    /// <summary>Encrypts a persisted key for the current user. DPAPI on Windows; tests substitute their own.</summary>
    internal interface IKeyProtector
    {
        /// <summary>False where this protection does not exist (DPAPI off Windows).</summary>
        bool IsAvailable { get; }

        byte[] Protect(byte[] data);

        byte[] Unprotect(byte[] data);
    }
}
