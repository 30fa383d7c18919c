namespace NordPay.Api
{
    /// <summary>
    /// What a session has learned of one merchant's NordPay (one base URI and key): its clock, and which withdrawals
    /// of its history are accounted for. Shared by every call of the session, so no two calls claim one withdrawal.
    /// </summary>
    public sealed class MerchantState
    {
        public ServerClock Clock { get; } = new ServerClock();
        public WithdrawalClaims Claims { get; } = new WithdrawalClaims();
    }
}
