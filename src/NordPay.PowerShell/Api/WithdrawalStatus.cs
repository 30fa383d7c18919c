using System;
using NordPay.Core;

namespace NordPay.Api
{
    /// <summary>A withdrawal's status as this module tells them apart; NordPay's own text is kept wherever it is shown.</summary>
    internal enum WithdrawalState
    {
        /// <summary>Waiting for the merchant's admin: it will pay unless someone cancels it.</summary>
        Pending,
        /// <summary>Sent, with its tx_hash.</summary>
        Processed,
        Cancelled,
        /// <summary>Failed, rejected, or a status this module does not know.</summary>
        Other,
    }

    /// <summary>
    /// Every rule a withdrawal's status decides, in one place. NordPay documents pending (waiting for the merchant's
    /// admin) and shows processed (sent, with its tx_hash) and cancelled; a withdrawal that failed, was rejected or
    /// cancelled, or has a status this module does not know, pays nothing as far as anyone can prove: its row is never
    /// reported paid.
    /// </summary>
    internal static class WithdrawalStatus
    {
        /// <summary>The state a status text names, in any case.</summary>
        public static WithdrawalState Of(string? status) =>
            string.Equals(status, "pending", StringComparison.OrdinalIgnoreCase) ? WithdrawalState.Pending
            : string.Equals(status, "processed", StringComparison.OrdinalIgnoreCase) ? WithdrawalState.Processed
            : string.Equals(status, "cancelled", StringComparison.OrdinalIgnoreCase) ? WithdrawalState.Cancelled
            : WithdrawalState.Other;

        public static bool Pays(string? status) => Of(status) is WithdrawalState.Pending or WithdrawalState.Processed;

        /// <summary>Whether a withdrawal of this status counts toward a day's total and a repeat: all but a cancelled one.</summary>
        public static bool Counts(string? status) => Of(status) != WithdrawalState.Cancelled;

        /// <summary>Whether the merchant's admin has still to approve it (Get-NordPayWithdrawal -Wait waits for these).</summary>
        public static bool AwaitsApproval(string? status) => Of(status) == WithdrawalState.Pending;

        /// <summary>A row whose withdrawal exists but pays nothing: not paid, and not paid again without the operator's word.</summary>
        public static NordPayException NotPaid(long withdrawalId, string? status, string payout) =>
            new NordPayException("WithdrawalNotPaid", ErrorKind.InvalidResult,
                $"NordPay reports withdrawal {withdrawalId} of {payout} as '{status}': nothing was paid. It is not paid again automatically.", "Status",
                recommendedAction: "Find out why in the NordPay panel (a wrong address fails again), then pay it again with -SettleInDoubt NotPaid -SettleReference <reference>.");
    }
}
