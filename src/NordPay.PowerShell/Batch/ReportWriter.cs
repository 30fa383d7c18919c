using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using NordPay.Core;
using NordPay.Models;
using NordPay.Security;

namespace NordPay.Batch
{
    /// <summary>What became of a row, as the report's Outcome column and the audit records name it.</summary>
    internal enum ReportOutcome
    {
        /// <summary>Paid by this run.</summary>
        Paid,
        /// <summary>Paid by an earlier run with the same journal.</summary>
        AlreadyPaid,
        Failed,
        InDoubt,
        /// <summary>Never sent: declined at a prompt, or the run stopped before it.</summary>
        NotPaid,
        /// <summary>Being paid when the run stopped.</summary>
        Interrupted,
    }

    /// <summary>What became of one row, as the report of the run says it.</summary>
    internal sealed class RowOutcome
    {
        private RowOutcome(ReportOutcome outcome, string? errorId, string? message, decimal? serviceFee = null, Guid? identifier = null, long? withdrawalId = null)
        {
            Outcome = outcome;
            ErrorId = errorId;
            Message = message;
            ServiceFee = serviceFee;
            Identifier = identifier;
            WithdrawalId = withdrawalId;
        }

        public ReportOutcome Outcome { get; }
        public string? ErrorId { get; }
        public string? Message { get; }
        public decimal? ServiceFee { get; }
        public Guid? Identifier { get; }
        public long? WithdrawalId { get; }

        /// <summary>Paid now (<see cref="ReportOutcome.Paid"/>), or by an earlier run (<see cref="ReportOutcome.AlreadyPaid"/>).</summary>
        public static RowOutcome Of(ReportOutcome paid, NordPayPayoutResult result) =>
            new RowOutcome(paid, null, null, result.ServiceFee, result.Identifier, result.WithdrawalId);

        public static RowOutcome Failed(string errorId, string message, Guid? identifier = null, decimal? serviceFee = null) =>
            new RowOutcome(ReportOutcome.Failed, errorId, message, serviceFee, identifier);

        public static RowOutcome InDoubt(string errorId, string? message, Guid? identifier, decimal? serviceFee) =>
            new RowOutcome(ReportOutcome.InDoubt, errorId, message, serviceFee, identifier);

        /// <summary>A row the run never sent: declined at a prompt, or the run stopped (<paramref name="errorId"/>) before it.</summary>
        public static RowOutcome NotPaid(string? errorId, string message) => new RowOutcome(ReportOutcome.NotPaid, errorId, message);

        /// <summary>A row being paid when the run stopped: a re-run with the same journal finds out whether its confirm was sent.</summary>
        public static RowOutcome Interrupted(string? errorId, string message) => new RowOutcome(ReportOutcome.Interrupted, errorId, message);
    }

    /// <summary>
    /// The report of a run (-ReportPath): a CSV with a line per input row, in input order, holding the row's own columns
    /// and what became of it. Each line is written and flushed as soon as its row and every row before it are done, so a
    /// crash leaves a readable partial report; rows that finish out of order wait in a small buffer. A write that fails
    /// stops the report, never the run: the journal has every row.
    /// </summary>
    internal sealed class ReportWriter : IDisposable
    {
        /// <summary>The columns the report adds to the input's own, which replace input columns of the same name.</summary>
        public static readonly IReadOnlyList<string> OutcomeColumns = new[] { "Outcome", "ErrorId", "Message", "ServiceFee", "Identifier", "WithdrawalId" };

        // Characters that make a spreadsheet read a cell as a formula (OWASP, CSV injection).
        private static readonly char[] FormulaStart = { '=', '+', '-', '@', '\t', '\r' };

        private readonly StreamWriter _writer;
        private readonly Redactor _redactor;
        private readonly Func<string, bool> _exact;
        private readonly SortedDictionary<int, (IReadOnlyList<KeyValuePair<string, string?>> Columns, RowOutcome Outcome)> _waiting =
            new SortedDictionary<int, (IReadOnlyList<KeyValuePair<string, string?>>, RowOutcome)>();
        private List<string>? _header;
        private int _next = 1;

        private ReportWriter(string path, string? movedFrom, StreamWriter writer, Redactor redactor, Func<string, bool> exact)
        {
            Path = path;
            MovedFrom = movedFrom;
            _writer = writer;
            _redactor = redactor;
            _exact = exact;
        }

        public string Path { get; }

        /// <summary>The report asked for, when another program held it open and the report went beside it as <see cref="Path"/>.</summary>
        public string? MovedFrom { get; }

        /// <summary>Rows done but waiting for an earlier row.</summary>
        public int Waiting => _waiting.Count;

        /// <summary>Why the report stopped being written, if it did.</summary>
        public Exception? Failure { get; private set; }

        /// <summary>
        /// Creates (or empties) the report. <paramref name="exact"/> names the columns written exactly as they are, with no
        /// protection against spreadsheet formulas: the reference, a payout's identity in the journal. A report another
        /// program holds open (Excel keeps others from writing a file it shows) goes beside it as "name (1).csv", never over
        /// an earlier one. On Windows it starts with a byte order mark: without one, Excel and Windows PowerShell 5.1 read
        /// UTF-8 as the ANSI code page. <paramref name="open"/> and <paramref name="windows"/> stand in for the platform in tests.
        /// </summary>
        public static ReportWriter Create(string path, string journalPath, Redactor redactor, Func<string, bool> exact,
            Func<string, FileMode, Stream>? open = null, bool? windows = null)
        {
            if (string.Equals(path, journalPath, StringComparison.OrdinalIgnoreCase))
                throw Invalid(path, "it is the journal", null);
            open ??= (file, mode) => new FileStream(file, mode, FileAccess.Write, FileShare.Read);
            var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: windows ?? RuntimeInformation.IsOSPlatform(OSPlatform.Windows));
            try
            {
                try
                {
                    return new ReportWriter(path, null, new StreamWriter(open(path, FileMode.Create), encoding), redactor, exact);
                }
                catch (IOException ex) when (FileErrors.SharingViolation(ex))
                {
                    for (var copy = 1; ; copy++)
                    {
                        var beside = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path) ?? string.Empty,
                            $"{System.IO.Path.GetFileNameWithoutExtension(path)} ({copy}){System.IO.Path.GetExtension(path)}");
                        if (File.Exists(beside)) continue;
                        return new ReportWriter(beside, path, new StreamWriter(open(beside, FileMode.CreateNew), encoding), redactor, exact);
                    }
                }
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw Invalid(path, ex.Message.TrimEnd('.'), ex);
            }
        }

        /// <summary>True when the row's line is written or waiting: a row's outcome is decided once.</summary>
        public bool Has(int row) => row < _next || _waiting.ContainsKey(row);

        /// <summary>True when every row up to <paramref name="rows"/> is written.</summary>
        public bool Covers(int rows) => _next > rows;

        /// <summary>Records a row's outcome (the first one given for a row counts) and writes every line that is now in order.</summary>
        public void Add(int row, IReadOnlyList<KeyValuePair<string, string?>> columns, RowOutcome outcome)
        {
            if (Has(row)) return;
            _waiting[row] = (columns, outcome);
            var written = false;
            while (_waiting.TryGetValue(_next, out var line))
            {
                _waiting.Remove(_next++);
                Write(line.Columns, line.Outcome);
                written = true;
            }
            if (!written) return;
            // To the operating system at once: a killed process loses no line written.
            Guard(() => _writer.Flush());
            CrashPoints.At("after-write:report");
        }

        /// <summary>Writes what still waits (rows never given leave no line), and closes the report.</summary>
        public void Dispose()
        {
            foreach (var line in _waiting.Values) Write(line.Columns, line.Outcome);
            _waiting.Clear();
            if (_header == null) Header(Array.Empty<KeyValuePair<string, string?>>());
            try
            {
                _writer.Dispose();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Failure ??= ex;
            }
        }

        private void Write(IReadOnlyList<KeyValuePair<string, string?>> columns, RowOutcome outcome)
        {
            var header = _header ?? Header(columns);
            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var column in columns) values[column.Key] = column.Value;
            values["Outcome"] = outcome.Outcome.ToString();
            values["ErrorId"] = outcome.ErrorId;
            values["Message"] = outcome.Message?.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ');
            values["ServiceFee"] = outcome.ServiceFee is { } fee ? Amount.Format(fee) : null;
            values["Identifier"] = outcome.Identifier?.ToString("D");
            values["WithdrawalId"] = outcome.WithdrawalId?.ToString(CultureInfo.InvariantCulture);
            WriteLine(header.Select(name => Cell(_redactor.Redact(values.TryGetValue(name, out var value) ? value : null), _exact(name))));
        }

        // The first line written fixes the columns: the row's own (the first of a name), then the outcome's.
        private List<string> Header(IReadOnlyList<KeyValuePair<string, string?>> columns)
        {
            _header = columns.Select(c => c.Key).Where(n => !OutcomeColumns.Contains(n, StringComparer.OrdinalIgnoreCase))
                .Distinct(StringComparer.OrdinalIgnoreCase).Concat(OutcomeColumns).ToList();
            WriteLine(_header.Select(name => Cell(_redactor.Redact(name), exact: false)));
            return _header;
        }

        private void WriteLine(IEnumerable<string> cells) => Guard(() => _writer.Write(string.Join(",", cells) + "\r\n"));

        // Quoted, as Export-Csv writes cells. A cell a spreadsheet would run as a formula gets a leading apostrophe, which
        // shows the text as it is; an amount, address or currency the module accepts never starts with one of those characters.
        private static string Cell(string text, bool exact)
        {
            if (!exact && text.Length > 0 && Array.IndexOf(FormulaStart, text[0]) >= 0) text = "'" + text;
            return "\"" + text.Replace("\"", "\"\"") + "\"";
        }

        private void Guard(Action write)
        {
            if (Failure != null) return;
            try
            {
                write();
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Failure = ex;
            }
        }

        private static NordPayException Invalid(string path, string why, Exception? inner) =>
            new NordPayException("ReportPathInvalid", ErrorKind.InvalidArgument, $"The report {path} cannot be written: {why}. Nothing was paid.", "ReportPath",
                inner: inner, recommendedAction: "Give -ReportPath a file in a folder this account can write to, other than the journal.");
    }
}
