using System;
using NordPay.Core;

namespace NordPay.Api
{
    /// <summary>
    /// Which withdrawal statuses pay. NordPay documents pending (waiting for the merchant's admin) and shows processed
    /// (sent, with its tx_hash) and cancelled; a withdrawal that failed, was rejected or cancelled, or has a status this
    /// module does not know, pays nothing as far as anyone can prove: its row is never reported paid.
    /// </summary>
    internal static class WithdrawalStatus
    {
        public static bool Pays(string? status) =>
            string.Equals(status, "pending", StringComparison.OrdinalIgnoreCase) || string.Equals(status, "processed", StringComparison.OrdinalIgnoreCase);

        /// <summary>A row whose withdrawal exists but pays nothing: not paid, and not paid again without the operator's word.</summary>
        public static NordPayException NotPaid(long withdrawalId, string? status, string payout) =>
            new NordPayException("WithdrawalNotPaid", ErrorKind.InvalidResult,
                $"NordPay reports withdrawal {withdrawalId} of {payout} as '{status}': nothing was paid. It is not paid again automatically.", "Status",
                recommendedAction: "Find out why in the NordPay panel (a wrong address fails again), then pay it again with -SettleInDoubt NotPaid -SettleReference <reference>.");
    }
}
