using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NordPay.Batch;
using NordPay.Core;
using NordPay.Security;

namespace NordPay.Pipeline
{
    /// <summary>
    /// Invoke-NordPayPayout's -ReportPath: tells the <see cref="ReportWriter"/> what became of each input row as the run
    /// goes (read, refused, skipped, paid, failed, in doubt), and when the run ends or stops, what became of the rows it
    /// did not reach, so the report has a line for every input row.
    /// </summary>
    internal sealed class RunReport
    {
        private readonly ReportWriter _writer;
        // Rows handed to the workers and not reported yet: Interrupted if the run stops.
        private readonly HashSet<int> _handed = new HashSet<int>();

        private RunReport(ReportWriter writer) => _writer = writer;

        public string Path => _writer.Path;

        /// <summary>The report asked for, when another program held it open and this one went beside it.</summary>
        public string? MovedFrom => _writer.MovedFrom;

        /// <summary>Rows done that wait in the report for an earlier row still being paid.</summary>
        public int Waiting => _writer.Waiting;

        public Exception? Failure => _writer.Failure;

        /// <summary>The run's plan, once made: what a row not sent is reported as.</summary>
        public BatchPlan? Plan { get; set; }

        /// <summary>
        /// Creates (or empties) the report. The columns the reference is read from (<paramref name="referenceColumns"/>) are
        /// written exactly: a reference is a payout's identity in the journal, and a report fed back must name the same payouts.
        /// </summary>
        public static RunReport Create(string path, string journalPath, Redactor redactor, IEnumerable<string> referenceColumns)
        {
            var names = new HashSet<string>(referenceColumns, StringComparer.OrdinalIgnoreCase);
            return new RunReport(ReportWriter.Create(path, journalPath, redactor, column => names.Contains(HeaderText.Visible(column))));
        }

        /// <summary>A row that could not be read, in its place.</summary>
        public void Refused(RefusedRow row) => _writer.Add(row.Row, row.Columns, RowOutcome.Failed(row.ErrorId, row.Message));

        /// <summary>A row given to the workers: its line waits for its outcome.</summary>
        public void Handed(PayoutRow row) => _handed.Add(row.Row);

        /// <summary>Rows handed to the workers whose outcome is not reported yet.</summary>
        public int Outstanding => _handed.Count;

        /// <summary>What a worker reported for a row.</summary>
        public void Finished(PayoutEvent e)
        {
            _handed.Remove(e.Row.Row);
            // Not an outcome: a row not sent gets its line when the run ends; one the history settled as not paid is paid now.
            if (e.NotSent || e.NotPaidByHistory) return;
            var error = e.Error;
            _writer.Add(e.Row.Row, Columns(e.Row),
                e.Result != null ? RowOutcome.Of(ReportOutcome.Paid, e.Result)
                : e.InDoubt ? RowOutcome.InDoubt(error!.ErrorId, error.Message, e.Identifier, e.ServiceFee)
                : RowOutcome.Failed(error!.ErrorId, error.Message, e.Identifier, e.ServiceFee));
        }

        /// <summary>A row this run does not send (the <paramref name="index"/>th payable row): what its stage says, or declined at a prompt.</summary>
        public void NotSent(PayoutRow row, int index) => _writer.Add(row.Row, Columns(row), Unsent(row, index, null));

        /// <summary>
        /// Gives every row without a line one, in its place, once the run has ended or stopped (<paramref name="stopped"/>
        /// says why), then closes the report. <paramref name="rows"/> is how many input rows there were.
        /// </summary>
        public void Finish(RowSpill spill, int rows, Exception? stopped)
        {
            try
            {
                if (_writer.Covers(rows)) return;
                var why = stopped == null ? ((string? ErrorId, string Message)?)null : Why(stopped);
                foreach (var (row, index) in spill.Read(Refused).Select((r, i) => (r, i)))
                {
                    if (_writer.Has(row.Row)) continue;
                    _writer.Add(row.Row, Columns(row), _handed.Contains(row.Row)
                        ? RowOutcome.Interrupted(why?.ErrorId, $"The run stopped while this row was being paid ({why?.Message}); run the batch again with the same journal: it finds out whether its confirm was sent.")
                        : Unsent(row, index, why));
                }
            }
            catch (NordPayException)
            {
                // The spill cannot be read back (BatchRowsChanged): the report stays as far as it got.
            }
            finally
            {
                _writer.Dispose();
            }
        }

        private RowOutcome Unsent(PayoutRow row, int index, (string? ErrorId, string Message)? stopped)
        {
            var plan = Plan;
            var stage = plan != null && index < plan.Classified ? plan.StageAt(index) : RowStage.ToPay;
            var record = plan?.Record(row);
            switch (stage)
            {
                case RowStage.AlreadyPaid:
                    return RowOutcome.Of(ReportOutcome.AlreadyPaid, PayoutEngine.AlreadyPaid(row, record!));
                case RowStage.Invalid when plan!.ProblemOf(row) is { } problem:
                    return RowOutcome.Failed(problem.ErrorId, problem.Message);
                case RowStage.InDoubt when record!.State == PayoutState.WithdrawalFailed:
                    return RowOutcome.Failed(record.ErrorId ?? "WithdrawalNotPaid", record.Message ?? "NordPay reports its withdrawal paid nothing.", record.Identifier, Amount.ReadServer(record.ServiceFee));
                case RowStage.InDoubt:
                    return RowOutcome.InDoubt(record!.ErrorId ?? "PayoutInDoubt", record.Message ?? "Its confirm was sent and its outcome is not known.",
                        record.Identifier, Amount.ReadServer(record.ServiceFee));
                default:
                    return stopped is { } why ? RowOutcome.NotPaid(why.ErrorId, why.Message) : RowOutcome.NotPaid(null, "Not confirmed at the prompt: nothing was sent.");
            }
        }

        // The ErrorId and message of what stopped the run.
        private static (string? ErrorId, string Message) Why(Exception stopped) => stopped switch
        {
            NordPayException error => (error.ErrorId, error.Message),
            IContainsErrorRecord { ErrorRecord: { } record } => (record.FullyQualifiedErrorId.Split(',')[0], record.ErrorDetails?.Message ?? stopped.Message),
            _ => (null, stopped.Message),
        };

        // A row's columns: the input's own, or for a row given by parameters, those parameters.
        private static IReadOnlyList<KeyValuePair<string, string?>> Columns(PayoutRow row) => InputColumns.Text(row.Source as PSObject);
    }
}
