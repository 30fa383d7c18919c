using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Api
{
    /// <summary>
    /// The NordPay calls a batch run and the policies make: <see cref="NordPayClient"/>, or a fake NordPay in the tests of
    /// the exactly-once protocol, which need neither a server nor PowerShell.
    /// </summary>
    internal interface INordPayApi
    {
        /// <summary>What this process learned of the merchant: NordPay's clock, the withdrawals claimed, the request identifiers seen.</summary>
        MerchantState Merchant { get; }

        /// <summary>NordPay's clock now, taken early; this machine's when no answer showed NordPay's yet.</summary>
        DateTimeOffset ServerNow();

        /// <summary>The earliest NordPay's clock can read now, once any answer showed it.</summary>
        DateTimeOffset? ServerEarliest(DateTimeOffset local);

        /// <summary>When, on NordPay's clock, a confirm sent at <paramref name="sentAt"/> can have created its withdrawal.</summary>
        TimeWindow ConfirmWindow(DateTimeOffset sentAt, DateTimeOffset? serverSentAt, DateTimeOffset? expiresAt);

        Task<IReadOnlyList<NordPayCurrency>> GetCurrenciesAsync(CancellationToken cancellation);

        Task<IReadOnlyDictionary<string, decimal>> GetBalancesAsync(CancellationToken cancellation);

        Task<IReadOnlyDictionary<string, WithdrawLimit>> GetWithdrawLimitsAsync(CancellationToken cancellation);

        Task<NordPayWithdrawRequest> RequestWithdrawAsync(string currency, string address, decimal amount, CancellationToken cancellation);

        /// <summary>Sent at most once; an answer that proves nothing is looked up in the history, else OutcomeUnknown.</summary>
        Task<WithdrawConfirmResult> ConfirmWithdrawAsync(Guid identifier, NordPayWithdrawRequest? request, CancellationToken cancellation);

        Task<NordPayMultipleWithdrawRequest> RequestMultipleWithdrawAsync(string currency, IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts,
            CancellationToken cancellation);

        Task<MultipleWithdrawConfirmResult> ConfirmMultipleWithdrawAsync(NordPayMultipleWithdrawRequest request, IReadOnlyList<KeyValuePair<string, decimal>> addressesAndAmounts,
            CancellationToken cancellation);

        /// <summary>The withdraw history newest first, read until <paramref name="enough"/> says so, or to its end.</summary>
        Task<IReadOnlyList<NordPayWithdrawal>> ReadHistoryAsync(string? currency, Func<IReadOnlyList<NordPayWithdrawal>, bool> enough, CancellationToken cancellation);

        /// <summary>Withdrawals by id from the history; ids not there are left out.</summary>
        Task<IReadOnlyList<NordPayWithdrawal>> FindWithdrawalsAsync(string? currency, IReadOnlyCollection<long> ids, CancellationToken cancellation);

        /// <summary>The withdrawals of a confirm whose outcome is unknown, one per payout, claimed by nothing else; otherwise why it proves nothing.</summary>
        Task<HistoryMatch> FindInHistoryAsync(IReadOnlyList<PayoutKey> payouts, TimeWindow window, object owner, CancellationToken cancellation);

        /// <summary>Lookalike payouts whose requests expired: the withdrawals of theirs the history holds; otherwise why it proves nothing.</summary>
        Task<HistoryMatch> CountInHistoryAsync(PayoutKey key, IReadOnlyList<object> owners, TimeWindow window, CancellationToken cancellation);
    }
}
