using System;
using System.Collections.Generic;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>What became of a run's rows, counted as they are reported, for the summary a scheduled job checks.</summary>
    internal sealed class BatchTally
    {
        private readonly Dictionary<string, decimal> _paidByCurrency = new Dictionary<string, decimal>(StringComparer.Ordinal);

        public int Paid { get; private set; }
        public int AlreadyPaid { get; private set; }
        public int Failed { get; private set; }
        public int InDoubt { get; private set; }
        public int Declined { get; private set; }
        public int Reported => Paid + AlreadyPaid + Failed + InDoubt;

        public void CountPaid(PayoutRow row)
        {
            Paid++;
            _paidByCurrency[row.Currency] = (_paidByCurrency.TryGetValue(row.Currency, out var sum) ? sum : 0m) + row.Amount;
        }

        public void CountAlreadyPaid() => AlreadyPaid++;

        public void CountFailed() => Failed++;

        public void CountInDoubt() => InDoubt++;

        public void CountDeclined() => Declined++;

        public NordPayPayoutSummary Summary(string journalPath, string? reportPath, int rows, TimeSpan duration, string? policy = null) =>
            new NordPayPayoutSummary(journalPath, rows, Paid, AlreadyPaid, Failed, InDoubt,
                new Dictionary<string, decimal>(_paidByCurrency, StringComparer.Ordinal), duration, policy, reportPath, Declined);

        public override string ToString() => $"{Paid} paid, {AlreadyPaid} already paid, {Failed} failed, {InDoubt} in doubt";
    }
}
