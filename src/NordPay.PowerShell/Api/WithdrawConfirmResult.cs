namespace NordPay.Api
{
    /// <summary>What the confirm endpoint answers: the withdrawal's id, status and NordPay's message.</summary>
    public sealed class WithdrawConfirmResult
    {
        public WithdrawConfirmResult(long id, string status, string detail, bool reconciled = false)
        {
            Id = id;
            Status = status;
            Detail = detail;
            Reconciled = reconciled;
        }

        public long Id { get; }
        public string Status { get; }
        public string Detail { get; }

        /// <summary>True when the confirm's answer was lost and the withdrawal was found in the withdraw history instead.</summary>
        public bool Reconciled { get; }
    }
}
