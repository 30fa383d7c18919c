using System.Collections.Generic;
using NordPay.Models;

namespace NordPay.Api
{
    /// <summary>A confirmed multiple withdrawal: its batch's id and, once the history shows them, each payout's own withdrawal.</summary>
    internal sealed class MultipleWithdrawConfirmResult
    {
        public MultipleWithdrawConfirmResult(long? batchId, string status, IReadOnlyList<NordPayWithdrawal>? withdrawals, string detail, bool reconciled)
        {
            BatchId = batchId;
            Status = status;
            Withdrawals = withdrawals;
            Detail = detail;
            Reconciled = reconciled;
        }

        /// <summary>The id the multiple confirm answered with; null when its answer was lost.</summary>
        public long? BatchId { get; }
        public string Status { get; }
        /// <summary>Each payout's withdrawal, in the order the payouts were given; null when the history does not show them yet.</summary>
        public IReadOnlyList<NordPayWithdrawal>? Withdrawals { get; }
        public string Detail { get; }
        /// <summary>True when the confirm's answer was lost and every withdrawal was found in the history instead.</summary>
        public bool Reconciled { get; }
    }
}
