namespace NordPay.Models
{
    /// <summary>What the operator found in the NordPay withdraw history for a row in doubt.</summary>
    public enum NordPaySettlement
    {
        /// <summary>The payout is there: record the row as paid, send nothing.</summary>
        Paid,
        /// <summary>The payout is not there: pay the row again, with a new request.</summary>
        NotPaid,
    }
}
