using System;
using System.Collections.Generic;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Policy
{
    /// <summary>
    /// A policy applied row by row for one call of New-NordPayWithdrawRequest or Confirm-NordPayWithdraw. The call (one
    /// pipeline) is the run: its total is what the call admitted so far. A day's total is read from the withdraw history
    /// once per currency and call, when the first payout in it is admitted; the call's own payouts are added to it, and
    /// what other runs of this process admitted that the history may not show yet (the day ledger). Only a run that pays
    /// (a confirm) counts its payouts in the ledger; a request pays nothing.
    /// </summary>
    internal sealed class PolicyRun
    {
        private readonly Func<string, DayTotal> _readDay;
        private readonly DayLedger _ledger;
        private readonly string _account;
        private readonly bool _pays;
        private readonly RepeatGuard? _repeats;
        private readonly Dictionary<string, decimal> _admitted = new Dictionary<string, decimal>(StringComparer.Ordinal);
        private readonly Dictionary<string, (DayTotal Total, DateTimeOffset ReadAt)> _days = new Dictionary<string, (DayTotal, DateTimeOffset)>(StringComparer.Ordinal);

        /// <param name="account">The account paid (NordPayConnection.Account): the ledger's runs of other accounts do not count.</param>
        /// <param name="ledger">The process's ledger (DayLedger.Process); one of its own when null.</param>
        /// <param name="repeats">The policy's repeat guard; null when the policy has none or the call allows repeats.</param>
        public PolicyRun(NordPayPolicy policy, Func<string, DayTotal> readDay, string account = "", bool pays = true, DayLedger? ledger = null, RepeatGuard? repeats = null)
        {
            _repeats = repeats;
            Policy = policy;
            _readDay = readDay;
            _account = account;
            _pays = pays;
            _ledger = ledger ?? new DayLedger();
        }

        public NordPayPolicy Policy { get; }

        /// <summary>Counts a payout into the run, or throws the first rule it breaks; nothing is counted then.</summary>
        public void Admit(string currency, string address, decimal amount)
        {
            if (PolicyRules.CheckPayout(Policy, currency, address, amount) is { } refused) throw refused;
            _repeats?.Admit(currency, address, amount);
            try
            {
                AdmitWithinLimits(currency, amount);
            }
            catch (NordPayException)
            {
                _repeats?.Release(currency, address, amount);
                throw;
            }
        }

        private void AdmitWithinLimits(string currency, decimal amount)
        {
            var limit = Policy.LimitOf(currency)!;
            var total = Admitted(currency) + amount;
            var what = $"With this payout, this call's {currency} payouts";
            if (PolicyRules.CheckRun(Policy, limit, total, what) is { } overRun) throw overRun;
            if (PolicyRules.LimitsDay(Policy, currency))
            {
                if (!_days.TryGetValue(currency, out var day))
                {
                    var readAt = DateTimeOffset.UtcNow;
                    _days[currency] = day = (_readDay(currency), readAt);
                }
                NordPayException? overDay = null;
                _ledger.Count(_account, currency, this, day.ReadAt, _pays ? amount : 0m,
                    others => (overDay = PolicyRules.CheckDay(Policy, limit, total, day.Total, what, others)) == null);
                if (overDay != null) throw overDay;
            }
            _admitted[currency] = total;
        }

        /// <summary>Takes back an admitted payout that was then not made.</summary>
        public void Release(string currency, string address, decimal amount)
        {
            _repeats?.Release(currency, address, amount);
            _admitted[currency] = Admitted(currency) - amount;
            if (_pays) _ledger.Release(_account, currency, this, amount);
        }

        /// <summary>The run is over: what it paid is in the history every later run reads.</summary>
        public void End() => _ledger.End(this, DateTimeOffset.UtcNow);

        private decimal Admitted(string currency) => _admitted.TryGetValue(currency, out var sum) ? sum : 0m;
    }
}
