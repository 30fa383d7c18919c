namespace NordPay.Api
{
    /// <summary>What the confirm endpoint answers: the withdrawal's id, status and NordPay's message.</summary>
    public sealed class WithdrawConfirmResult
    {
        public WithdrawConfirmResult(long id, string status, string detail)
        {
            Id = id;
            Status = status;
            Detail = detail;
        }

        public long Id { get; }
        public string Status { get; }
        public string Detail { get; }
    }
}
