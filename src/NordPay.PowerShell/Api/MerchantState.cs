namespace NordPay.Api
{
    /// <summary>
    /// What a process has learned of one merchant's NordPay (one base URI and key): its clock, which withdrawals
    /// of its history are accounted for, which request identifiers it gave, and how fast it may be called. Shared by
    /// every call of every runspace of the process, so no two calls claim one withdrawal and all of them heed one rate limit.
    /// </summary>
    internal sealed class MerchantState
    {
        public ServerClock Clock { get; } = new ServerClock();
        public WithdrawalClaims Claims { get; } = new WithdrawalClaims();
        public RequestIdentifiers Requests { get; } = new RequestIdentifiers();
        internal CallPacer Pacer { get; } = new CallPacer();
    }
}
