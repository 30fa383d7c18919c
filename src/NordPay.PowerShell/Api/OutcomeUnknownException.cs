using System;

namespace NordPay.Api
{
    /// <summary>Raised inside the client when a call that may move money may have been received, and its answer proves nothing.</summary>
    internal sealed class OutcomeUnknownException : Exception
    {
        public OutcomeUnknownException(string reason) : base(reason)
        {
        }
    }
}
