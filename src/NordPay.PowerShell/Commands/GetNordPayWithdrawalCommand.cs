using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using System.Threading.Tasks;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Module;

namespace NordPay.Commands
{
    /// <summary>
    /// Reads the withdraw history, newest first: filtered and paged (-First, -Skip), one or more withdrawals by
    /// -Id, and with -Wait until pending withdrawals are processed or cancelled by the merchant's admin.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "NordPayWithdrawal", DefaultParameterSetName = ListSet, SupportsPaging = true)]
    [OutputType(typeof(NordPayWithdrawal))]
    public sealed class GetNordPayWithdrawalCommand : NordPayApiCmdlet
    {
        private const string ListSet = "List";
        private const string IdSet = "Id";
        // Each id with the currency it came with: piped confirmations bind -Currency row by row.
        private readonly List<(long Id, string? Currency)> _ids = new List<(long Id, string? Currency)>();

        /// <summary>Withdrawal ids, as Confirm-NordPayWithdraw (Id) and Invoke-NordPayPayout (WithdrawalId) give them.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = IdSet)]
        [Alias("WithdrawalId")]
        public long[] Id { get; set; } = null!;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        public string? Currency { get; set; }

        /// <summary>pending, processed or cancelled.</summary>
        [Parameter(ParameterSetName = ListSet)]
        [ValidateNotNullOrEmpty]
        public string? Status { get; set; }

        /// <summary>With -Id: waits until each withdrawal is no longer pending.</summary>
        [Parameter(ParameterSetName = IdSet)]
        public SwitchParameter Wait { get; set; }

        [Parameter(ParameterSetName = IdSet)]
        [ValidateRange(1, 86400)]
        public int WaitTimeoutSec { get; set; } = 600;

        [Parameter(ParameterSetName = IdSet)]
        [ValidateRange(0.05, 3600.0)]
        public double PollIntervalSec { get; set; } = 10;

        protected override void ProcessRecord()
        {
            if (ParameterSetName == IdSet) _ids.AddRange(Id.Select(id => (id, Currency)));
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == ListSet) List();
            else if (Wait) WaitForIds();
            else foreach (var withdrawal in Find(_ids)) WriteObject(withdrawal);
        }

        private void List()
        {
            var skip = PagingParameters.Skip;
            var wanted = PagingParameters.First;
            bool Shown(NordPayWithdrawal w) => Status == null || string.Equals(w.Status, Status, StringComparison.OrdinalIgnoreCase);
            // Read only as far as the page asked for: the newest withdrawals first.
            Connect();
            var read = AwaitOrFail(token => Client.ReadHistoryAsync(Currency, history => (ulong)history.Count(Shown) >= skip + Math.Min(wanted, ulong.MaxValue - skip), token));
            var written = 0UL;
            foreach (var withdrawal in read.Where(Shown).Skip((int)Math.Min(skip, int.MaxValue)))
            {
                if (written == wanted) break;
                written++;
                WriteObject(withdrawal);
            }
            if (PagingParameters.IncludeTotalCount) WriteObject(PagingParameters.NewTotalCount(written + skip, 0.5));
        }

        // NordPay has no call for one withdrawal: the history (of each currency given) is read until every id is found.
        private IReadOnlyList<NordPayWithdrawal> Find(IEnumerable<(long Id, string? Currency)> ids)
        {
            var found = new List<NordPayWithdrawal>();
            foreach (var byCurrency in ids.GroupBy(i => i.Currency))
            {
                var wanted = new HashSet<long>(byCurrency.Select(i => i.Id));
                Connect();
                var withdrawals = AwaitOrFail(token => Client.FindWithdrawalsAsync(byCurrency.Key, wanted, token));
                found.AddRange(withdrawals);
                wanted.ExceptWith(withdrawals.Select(w => w.Id));
                foreach (var id in wanted)
                    WriteNordPayError(new NordPayException("WithdrawalNotFound", ErrorKind.ObjectNotFound, $"Withdrawal {id} is not in the withdraw history.", "Id"), id);
            }
            return found.OrderByDescending(w => w.CreatedAt).ThenByDescending(w => w.Id).ToList();
        }

        private void WaitForIds()
        {
            var clock = Stopwatch.StartNew();
            while (true)
            {
                var current = Find(_ids);
                var pending = current.Where(w => WithdrawalStatus.AwaitsApproval(w.Status)).ToList();
                if (pending.Count == 0 || clock.Elapsed.TotalSeconds >= WaitTimeoutSec)
                {
                    WriteProgress(new ProgressRecord(0x4E51, "Waiting for NordPay withdrawals", "Done") { RecordType = ProgressRecordType.Completed });
                    foreach (var withdrawal in pending)
                        WriteNordPayError(new NordPayException("WaitTimedOut", ErrorKind.OperationTimeout,
                            $"Withdrawal {withdrawal.Id} is still pending after {WaitTimeoutSec} s.", "Id",
                            recommendedAction: "Approve it in the NordPay panel, or wait longer with -WaitTimeoutSec."), withdrawal);
                    foreach (var withdrawal in current) WriteObject(withdrawal);
                    return;
                }
                WriteProgress(new ProgressRecord(0x4E51, "Waiting for NordPay withdrawals", $"{pending.Count} of {current.Count} pending"));
                Await(token => Task.Delay(TimeSpan.FromSeconds(PollIntervalSec), token));
            }
        }
    }
}
