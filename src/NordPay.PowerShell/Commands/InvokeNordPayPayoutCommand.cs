using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Management.Automation;
using NordPay.Batch;
using NordPay.Core;
using NordPay.Models;
using NordPay.Module;
using NordPay.Pipeline;
using NordPay.Policy;
using NordPay.Security;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Pays a batch exactly once, whatever happens to the process: every step is journaled before the call it
    /// announces, a re-run with the same journal skips what was paid and confirms what was requested, and a
    /// confirm whose outcome is unknown is resolved from the withdraw history or left in doubt, never resent.
    /// The protocol is <see cref="BatchRun"/>'s; this cmdlet reads the rows, asks, and writes what the run reports.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Invoke, "NordPayPayout", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(NordPayPayoutResult), typeof(NordPayPayoutSummary))]
    public sealed class InvokeNordPayPayoutCommand : NordPayApiCmdlet, IBatchHost
    {
        private const int ProgressId = 0x4E50;
        private readonly RowSpill _spill = new RowSpill();
        private readonly RowIntake _intake = new RowIntake();
        private readonly BatchTally _tally = new BatchTally();
        private BatchPlan? _plan;
        // Rows done that may wait in the report for a row still being paid before the run waits for the workers.
        private const int ReportBacklog = 1000;
        private RunReport? _report;

        /// <summary>The row's currency; read from the input's columns when not bound.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Asset", "Coin", "Token")]
        [ArgumentCompleter(typeof(CurrencyCompleter))]
        [AllowNull, AllowEmptyString]
        public string Currency { get; set; } = null!;

        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Destination", "To", "WalletAddress", "Wallet", "Recipient")]
        [AllowNull, AllowEmptyString]
        public string Address { get; set; } = null!;

        /// <summary>A string or a number, read by the module's own invariant parser.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("Value", "Sum")]
        [AllowNull, AllowEmptyString]
        public object Amount { get; set; } = null!;

        /// <summary>The row's own reference; without one, a reference is derived from the row's content and occurrence.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("PayoutId", "ClientReference", "ExternalId")]
        [AllowNull, AllowEmptyString]
        public string? Reference { get; set; }

        [Parameter(ValueFromPipeline = true, DontShow = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>The journal of this batch: created on the first run, given again to every re-run of the same batch.</summary>
        [Parameter(Mandatory = true)]
        [ValidateNotNullOrEmpty]
        public string JournalPath { get; set; } = null!;

        /// <summary>How many rows are paid at once.</summary>
        [Parameter]
        [ValidateRange(1, 64)]
        public int ThrottleLimit { get; set; } = 1;

        /// <summary>One multiple-withdraw request and confirm per currency (up to 100 addresses each) instead of one per row.</summary>
        [Parameter]
        public SwitchParameter UseMultipleWithdraw { get; set; }

        /// <summary>Settles rows in doubt once you checked the withdraw history: Paid records them as paid, NotPaid pays them again.</summary>
        [Parameter]
        public NordPaySettlement? SettleInDoubt { get; set; }

        /// <summary>Limits -SettleInDoubt to these references.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? SettleReference { get; set; }

        /// <summary>A CSV file with a line per input row, in input order: its own columns and what became of it, written as rows finish.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ReportPath { get; set; }

        /// <summary>Pays without prompting; -WhatIf still wins.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Pays rows the policy's repeat guard refuses as repeats of withdrawals in NordPay's history (PolicyRepeatPayout); their audit records say so.</summary>
        [Parameter]
        public SwitchParameter AllowRepeat { get; set; }

        protected override void ProcessRecord()
        {
            if (IsEmptyRow(InputObject)) return;
            NextRow();
            var row = InputObject ?? ParameterRow((nameof(Currency), Currency), (nameof(Address), Address), (nameof(Amount), Amount), (nameof(Reference), Reference));
            try
            {
                var (currency, address, amount) = ReadPayoutFields(Currency, Address, Amount, InputObject);
                _spill.Add(_intake.Identify(Row, ReadReference(), currency, address, amount), row);
            }
            catch (NordPayException ex)
            {
                _tally.CountFailed();
                WriteRowError(ex, row, string.Empty);
                // Kept in its place for the report, which gives every input row a line.
                if (ReportPath != null) _spill.AddRefused(Row, InputColumns.Text(row), ex);
            }
        }

        protected override void EndProcessing()
        {
            var clock = Stopwatch.StartNew();
            var whatIf = WhatIfRequested();
            // Rows read before the first one with a decimal comma are checked again by the plan.
            _intake.DecimalCommaRow = DecimalCommaRow;
            Journal? journal = null;
            string journalPath;
            Exception? stopped = null;
            try
            {
                journalPath = ResolveFilePath(JournalPath, nameof(JournalPath));
                var reportPath = ReportPath == null ? null : ResolveFilePath(ReportPath, nameof(ReportPath));
                if (!whatIf) journal = Journal.Open(journalPath, Redactor);
                // Once the journal is this run's, so is the report: a run refused for a locked journal leaves the other run's report alone.
                if (reportPath != null && journal != null)
                {
                    _report = RunReport.Create(reportPath, journalPath, Redactor, MyInvocation.MyCommand.Parameters[nameof(Reference)].Aliases.Prepend(nameof(Reference)));
                    if (_report.MovedFrom is { } wanted)
                        WriteWarning($"The report {wanted} is open in another program, which keeps it from being written: this run's report is {_report.Path}.");
                }
                if (journal?.RepairedTornLine == true)
                    WriteWarning($"The last line of {journal.Path} was torn by a crash; it was cut off (the call it announced was never made).");
                // Read before the policy is applied, as the run always did: an unreadable journal stops it before anything else is said.
                var entries = BatchRun.Entries(journal, journalPath);
                var policy = AppliedPolicy;
                var options = new RunOptions
                {
                    ThrottleLimit = ThrottleLimit, UseMultipleWithdraw = UseMultipleWithdraw, WhatIf = whatIf, Prompts = !Unasked(Force),
                    SettleInDoubt = SettleInDoubt, SettleReferences = SettleReference, Policy = policy, RepeatGuard = policy == null ? null : RepeatGuardOf(policy),
                    AllowRepeat = AllowRepeat, Account = () => CallAccount ?? string.Empty, LedgerOwner = this,
                };
                // Connected on the pipeline thread, the first time the run needs NordPay: connecting writes to the streams and reads preferences.
                new BatchRun(this, options, Connect, journal, journalPath, entries, _intake, _tally).Run(Cancellation);
            }
            catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
            {
                // Ctrl+C: the report says why the rows left were not paid.
                var stopping = new PipelineStoppedException();
                stopped = stopping;
                throw stopping;
            }
            catch (NordPayException ex)
            {
                stopped = ex;
                throw Terminating(ex, JournalPath);
            }
            catch (Exception ex)
            {
                // A terminating error written by a call (a missing key), or Ctrl+C at a prompt.
                stopped = ex;
                throw;
            }
            finally
            {
                journal?.Dispose();
                _report?.Finish(_spill, Row, stopped);
                _spill.Dispose();
            }
            if (_report?.Failure is { } failure)
                WriteNordPayError(new NordPayException("ReportWriteFailed", ErrorKind.ResourceUnavailable,
                    $"The report {_report.Path} could not be written to the end ({failure.Message}); the run went on.", nameof(ReportPath), inner: failure,
                    recommendedAction: "Get-NordPayJournal shows every row of the journal."), _report.Path);
            if (!whatIf) WriteObject(_tally.Summary(journalPath, _report?.Path, Row, clock.Elapsed, AppliedPolicy?.Name));
        }

        // The row's own reference, or "" when it has none.
        private string ReadReference()
        {
            var reference = (Reference ?? (InputObject == null ? null : Column(InputObject, nameof(Reference), null))?.ToString())?.Trim() ?? string.Empty;
            if (HeaderText.Visible(reference) == reference) return reference;
            throw new NordPayException("InvalidReference", ErrorKind.InvalidArgument,
                $"The reference '{reference}' holds invisible or control characters; a reference is compared exactly, so it is not used.", nameof(Reference),
                recommendedAction: "Remove the invisible characters from the reference column.");
        }

        int IBatchHost.RowCount => _spill.Count;

        IEnumerable<PayoutRow> IBatchHost.Rows(bool paying) => _spill.Read(paying && _report != null ? _report.Refused : null);

        bool IBatchHost.Approve(string target, string action) => ShouldProceed(target, action, Force);

        bool IBatchHost.ReportBehind => _report is { Waiting: > ReportBacklog, Outstanding: > 0 };

        void IBatchHost.Flush() => FlushLog();

        // What a worker reported after the pipeline thread left: the report records it; the journal has it anyway.
        void IBatchHost.Account(PayoutEvent e) => _report?.Finished(e);

        void IBatchHost.Report(BatchEvent e)
        {
            switch (e)
            {
                case CurrenciesRead read:
                    Session.Currencies = read.Currencies;
                    break;
                case RunPlanned planned:
                    _plan = planned.Plan;
                    if (_report != null) _report.Plan = planned.Plan;
                    break;
                case AddressNoted noted:
                    NoteAddress(noted.Check, noted.Row);
                    break;
                case RowRefused refused:
                    WriteRowError(refused.Problem, refused.Row.Source, $" ({refused.Row})", refused.Row.Row);
                    break;
                case RunProblem problem:
                    WriteNordPayError(problem.Problem, problem.Target);
                    break;
                case RunNote { Warning: true } warning:
                    WriteWarning(warning.Text);
                    break;
                case RunNote note:
                    WriteVerbose(note.Text);
                    break;
                case RowAlreadyPaid paid:
                    WriteObject(paid.Result);
                    break;
                case RowHanded handed:
                    _report?.Handed(handed.Row);
                    break;
                case RowNotSent notSent:
                    _report?.NotSent(notSent.Row, notSent.Index);
                    break;
                case RowDone done:
                    Write(done.Outcome);
                    break;
                case RunProgress { Completed: true }:
                    WriteProgress(new ProgressRecord(ProgressId, "Paying NordPay batch", "Done") { RecordType = ProgressRecordType.Completed });
                    break;
                case RunProgress progress:
                    WriteProgress(new ProgressRecord(ProgressId, "Paying NordPay batch", $"{progress.Done} of {progress.Total} rows")
                        { PercentComplete = 100 * progress.Done / progress.Total });
                    break;
            }
        }

        private void Write(PayoutEvent e)
        {
            var row = e.Row;
            _report?.Finished(e);
            // Not sent because the batch stopped: the error that stopped it is the run's, and the report names it.
            if (e.NotSent) return;
            if (e.Result != null)
            {
                Audit(ReportOutcome.Paid, row, e.Result.Identifier, e.Result.WithdrawalId, null);
                WriteObject(e.Result);
                return;
            }
            Audit(e.InDoubt ? ReportOutcome.InDoubt : ReportOutcome.Failed, row, null, null, e.Error!.ErrorId);
            WriteRowError(e.Error!, row.Source, $" ({row})", row.Row);
        }

        private void Audit(ReportOutcome outcome, PayoutRow row, Guid? identifier, long? withdrawalId, string? errorId) =>
            WriteInformation(new NordPayAuditRecord(outcome.ToString(), row.Reference, row.Currency, row.Address, row.Amount, identifier, withdrawalId,
                KeyInfo?.KeyHint ?? Security.Redactor.Mask, errorId, AppliedPolicy?.Name,
                _plan != null && _plan.AllowedRepeats.TryGetValue(row.Reference, out var repeated) ? Policy.RepeatGuard.Allowed(repeated) : null),
                new[] { "NordPay.Audit", "NordPay.Payout." + outcome });
    }
}
