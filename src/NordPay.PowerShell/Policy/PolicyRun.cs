using System;
using System.Collections.Generic;
using NordPay.Models;

namespace NordPay.Policy
{
    /// <summary>
    /// A policy applied row by row for one call of New-NordPayWithdrawRequest or Confirm-NordPayWithdraw. The call (one
    /// pipeline) is the run: its total is what the call admitted so far. A day's total is read from the withdraw history
    /// once per currency and call, when the first payout in it is admitted, and the call's own payouts are added to it.
    /// </summary>
    public sealed class PolicyRun
    {
        private readonly Func<string, DayTotal> _readDay;
        private readonly Dictionary<string, decimal> _admitted = new Dictionary<string, decimal>(StringComparer.Ordinal);
        private readonly Dictionary<string, DayTotal> _days = new Dictionary<string, DayTotal>(StringComparer.Ordinal);

        public PolicyRun(NordPayPolicy policy, Func<string, DayTotal> readDay)
        {
            Policy = policy;
            _readDay = readDay;
        }

        public NordPayPolicy Policy { get; }

        /// <summary>Counts a payout into the run, or throws the first rule it breaks; nothing is counted then.</summary>
        public void Admit(string currency, string address, decimal amount)
        {
            if (PolicyRules.CheckPayout(Policy, currency, address, amount) is { } refused) throw refused;
            var limit = Policy.LimitOf(currency)!;
            var total = Admitted(currency) + amount;
            var what = $"With this payout, this call's {currency} payouts";
            if (PolicyRules.CheckRun(Policy, limit, total, what) is { } overRun) throw overRun;
            if (PolicyRules.LimitsDay(Policy, currency))
            {
                if (!_days.TryGetValue(currency, out var day)) _days[currency] = day = _readDay(currency);
                if (PolicyRules.CheckDay(Policy, limit, total, day, what) is { } overDay) throw overDay;
            }
            _admitted[currency] = total;
        }

        /// <summary>Takes back an admitted payout that was then not made.</summary>
        public void Release(string currency, decimal amount) => _admitted[currency] = Admitted(currency) - amount;

        private decimal Admitted(string currency) => _admitted.TryGetValue(currency, out var sum) ? sum : 0m;
    }
}
