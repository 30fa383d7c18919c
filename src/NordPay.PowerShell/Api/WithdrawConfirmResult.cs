using NordPay.Models;

namespace NordPay.Api
{
    /// <summary>What the confirm endpoint answers: the withdrawal's id, status and NordPay's message.</summary>
    internal sealed class WithdrawConfirmResult
    {
        public WithdrawConfirmResult(long id, string status, string detail, bool reconciled = false)
        {
            Id = id;
            Status = status;
            Detail = detail;
            Reconciled = reconciled;
        }

        /// <summary>The withdrawal's id (for a multiple confirm, the batch's id).</summary>
        public long Id { get; }
        public string Status { get; }
        public string Detail { get; }

        /// <summary>True when the confirm's answer was lost and the withdrawal was found in the withdraw history instead.</summary>
        public bool Reconciled { get; }

        /// <summary>A confirm's answer: only a positive integer id proves the withdrawal exists.</summary>
        internal static WithdrawConfirmResult Read(JsonPayload payload)
        {
            var id = payload.Int64("id");
            if (id <= 0) throw payload.Unreadable($"field 'id' is not a withdrawal id: {id}");
            return new WithdrawConfirmResult(id, payload.String("status"), payload.OptionalString("detail") ?? string.Empty);
        }
    }
}
