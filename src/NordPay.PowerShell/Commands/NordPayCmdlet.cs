using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using NordPay.Core;
using NordPay.Pipeline;
using NordPay.Models;
using NordPay.Security;
using NordPay.Session;

namespace NordPay.Commands
{
    /// <summary>
    /// Shared base of every NordPay cmdlet: row-numbered errors with stable ids, terminating errors for
    /// what no row can get past, and ShouldProcess with -Force done right.
    /// </summary>
    public abstract partial class NordPayCmdlet : PSCmdlet
    {
        private NordPaySession? _session;

        /// <summary>This call's PowerShell session: its keys, call settings and policies, found once, on the pipeline thread.</summary>
        private protected NordPaySession Session => _session ?? throw new InvalidOperationException("The session is found in BeginProcessing; it was used before.");

        // Found here, where the runspace running the call is known: workers, which have none, are handed what they need.
        protected override void BeginProcessing() => _session = NordPaySession.Current();

        /// <summary>The 1-based number of the input row being processed.</summary>
        protected int Row { get; private set; }

        /// <summary>Call once at the start of each ProcessRecord.</summary>
        protected void NextRow() => Row++;

        /// <summary>The first row whose amount is written with a decimal comma (12,75): from it on, '.' before three digits is ambiguous.</summary>
        protected int? DecimalCommaRow { get; private set; }

        /// <summary>
        /// Whether the input is a row whose every field is empty, as the lines of delimiters Excel leaves below a table: such a row
        /// is skipped with a verbose note and takes no row number, so it is neither an error nor a row of the batch.
        /// </summary>
        protected bool IsEmptyRow(PSObject? input)
        {
            if (input == null) return false;
            var columns = InputColumns.Text(input);
            if (columns.Count == 0 || columns.Any(c => !string.IsNullOrWhiteSpace(c.Value))) return false;
            WriteVerbose($"{(Row == 0 ? "The input row before row 1" : $"The input row after row {Row}")} has every field empty; it is skipped.");
            return true;
        }

        private bool _warnedNoChecksum;

        /// <summary>
        /// Says what is to know about an accepted address: a warning for the first one without a checksum in this call
        /// (later ones only on -Verbose), a verbose line for a network not checked or a format two networks share.
        /// </summary>
        protected void NoteAddress(NordPayAddressCheck check, int row)
        {
            if (check.Note == null) return;
            if (check.Status == NordPayAddressStatus.NoChecksum && !_warnedNoChecksum)
            {
                _warnedNoChecksum = true;
                WriteWarning($"Row {row}: {check.Address} could not be checked. {check.Note} Later addresses without a checksum are named on -Verbose only.");
            }
            else
            {
                WriteVerbose($"Row {row}: {check.Note}");
            }
        }

        private protected virtual Redactor Redactor => Redactor.None;

        /// <summary>Whether -Force answers every prompt: not when -Confirm or -WhatIf is given with it.</summary>
        protected bool Unasked(bool force) => force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !WhatIfRequested();

        /// <summary>
        /// ShouldProcess, where -Force only skips the prompt: -WhatIf and $WhatIfPreference still win,
        /// and an explicit -Confirm still prompts.
        /// </summary>
        protected bool ShouldProceed(string target, string action, bool force)
        {
            if (Unasked(force))
                return true;
            try
            {
                return ShouldProcess(target, action);
            }
            catch (Exception ex) when (ex is HostException || ex is PSInvalidOperationException || ex is NullReferenceException)
            {
                // A scheduled job has no one to answer (a host without prompts throws HostException; pwsh
                // -NonInteractive throws PSInvalidOperationException; pwsh's console host, its input closed as cron and
                // systemd start it, throws NullReferenceException): fail closed, and say how to run unattended.
                throw Terminating(new NordPayException("ConfirmationNeedsInteractiveHost", ErrorKind.InvalidOperation,
                    $"Confirming '{target}' needs an answer at a prompt, and this session cannot show one: nothing was sent.",
                    recommendedAction: "For unattended jobs add -Force (or -Confirm:$false) after reviewing the batch.", inner: ex), target);
            }
        }

        /// <summary>Reports a failed row (before any row, a failure of the call): non-terminating, unless no later row can succeed either.</summary>
        protected void WriteRowError(NordPayException error, object? row, string rowLabel, int? rowNumber = null)
        {
            var number = rowNumber ?? Row;
            var field = error.Field == null ? string.Empty : $", {error.Field}";
            WriteFailure(error, row, number == 0 ? error.Message : $"Row {number}{rowLabel}{field}: {error.Message}");
        }

        /// <summary>Reports a failure that belongs to no row (a path, a journal, a name): non-terminating, unless nothing after it can succeed.</summary>
        protected void WriteNordPayError(NordPayException error, object? target) => WriteFailure(error, target, error.Message);

        private void WriteFailure(NordPayException error, object? target, string message)
        {
            var record = ToErrorRecord(error, target, message);
            if (error.StopsBatch) ThrowTerminatingError(record);
            WriteError(record);
        }

        /// <summary>Reads a payout row's three fields; when one is wrong, writes the row's error and returns null (see <see cref="ReadPayoutFields"/>).</summary>
        protected (string Currency, string Address, decimal Amount)? ReadPayoutRow(string? currency, string? address, object? amount, PSObject? input, object row)
        {
            try
            {
                return ReadPayoutFields(currency, address, amount, input);
            }
            catch (NordPayException ex)
            {
                WriteRowError(ex, row, string.Empty);
                return null;
            }
        }

        /// <summary>
        /// Reads a payout row's three fields, or throws the error of the first one that is wrong. A field PowerShell could
        /// not bind is read from the input's column of that name once invisible characters are set aside (a byte-order
        /// mark glued to the first header, a zero-width space); a row without the column at all is one error naming the
        /// fields it lacks and the columns it has.
        /// </summary>
        protected (string Currency, string Address, decimal Amount) ReadPayoutFields(string? currency, string? address, object? amount, PSObject? input)
        {
            if (input != null)
            {
                var missing = new List<string>();
                // Every field's columns are read, bound or not: two columns for one field with different values are refused.
                var currencyColumn = Column(input, "Currency", currency == null ? missing : null);
                var addressColumn = Column(input, "Address", address == null ? missing : null);
                var amountColumn = Column(input, "Amount", amount == null ? missing : null);
                currency ??= currencyColumn?.ToString();
                address ??= addressColumn?.ToString();
                amount ??= amountColumn;
                if (missing.Count > 0)
                    throw new NordPayException("PayoutFieldsMissing", ErrorKind.InvalidData,
                        $"The row has no {string.Join(", ", missing)} column; its columns are {Columns(input)}.", missing[0],
                        recommendedAction: "Name the columns Currency, Address and Amount (or an alias Get-Help shows), with the delimiter the file uses (Import-Csv -Delimiter).");
            }
            var value = amount is PSObject wrapped ? wrapped.BaseObject : amount;
            if (DecimalCommaRow == null && Amount.ShowsDecimalComma(value)) DecimalCommaRow = Row;
            return InputText.ReadPayout(currency, address, value, CultureInfo.CurrentCulture, DecimalCommaRow);
        }

        /// <summary>
        /// The value of the input's column for a parameter (its name or an alias), matched once invisible characters
        /// are set aside; null when the column is there and empty. A column not there at all is added to <paramref name="missing"/>.
        /// Two such columns with different values (Address and Wallet) are refused: which one is meant cannot be told.
        /// </summary>
        protected object? Column(PSObject input, string parameter, List<string>? missing)
        {
            var names = MyInvocation.MyCommand.Parameters[parameter].Aliases.Prepend(parameter).ToList();
            var columns = InputColumns.Of(input).Where(c => names.Any(n => string.Equals(n, HeaderText.Visible(c.Key), StringComparison.OrdinalIgnoreCase))).ToList();
            if (columns.Count == 0)
            {
                missing?.Add(parameter);
                return null;
            }
            var filled = columns.Where(c => !string.IsNullOrWhiteSpace(InputColumns.Text(c.Value))).ToList();
            if (filled.Select(c => InputColumns.Text(c.Value)!.Trim()).Distinct(StringComparer.Ordinal).Count() > 1)
                throw new NordPayException("AmbiguousColumns", ErrorKind.InvalidData,
                    $"The row has two columns for the {parameter.ToLowerInvariant()} with different values, {string.Join(" and ", filled.Select(c => $"'{c.Key}' ({InputColumns.Text(c.Value)})"))}: " +
                    "which one is meant cannot be told, so neither is used.", parameter,
                    recommendedAction: $"Keep one column for the {parameter.ToLowerInvariant()} (Get-Help -Parameter {parameter} lists the names read as it), or make their values the same.");
            return (filled.Count > 0 ? filled[0] : columns[0]).Value;
        }

        /// <summary>A row given by parameters, as an object like an input row: the TargetObject of its errors, its columns in a report.</summary>
        protected static PSObject ParameterRow(params (string Name, object? Value)[] columns)
        {
            var row = new PSObject();
            foreach (var (name, value) in columns)
                if (value != null) row.Properties.Add(new PSNoteProperty(name, value is PSObject bound ? bound.BaseObject : value));
            return row;
        }

        private static string Columns(PSObject input)
        {
            var names = InputColumns.Of(input).Select(c => "'" + c.Key + "'").ToList();
            return names.Count == 0 ? "none" : string.Join(", ", names);
        }

        /// <summary>
        /// A file path as the user means it: resolved by PowerShell against the current location (in pwsh that is
        /// not the process's folder) with ~ expanded, never by Path.GetFullPath. Only file-system paths are accepted.
        /// </summary>
        protected string ResolveFilePath(string path, string parameter)
        {
            string resolved;
            ProviderInfo provider;
            try
            {
                resolved = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception ex) when (ex is RuntimeException || ex is NotSupportedException || ex is ArgumentException)
            {
                throw NotAFilePath(path, parameter, ex.Message, ex);
            }
            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                throw NotAFilePath(path, parameter, $"it is a path of the {provider.Name} provider", null);
            return resolved;
        }

        /// <summary>
        /// The files a path names as PowerShell resolves it (wildcards expanded, relative to the current location, ~ expanded);
        /// none when nothing matches. Only file-system paths are accepted.
        /// </summary>
        protected IReadOnlyList<string> ResolveExistingFiles(string path, string parameter)
        {
            ProviderInfo provider;
            System.Collections.ObjectModel.Collection<string> resolved;
            try
            {
                resolved = SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException)
            {
                return Array.Empty<string>();
            }
            catch (Exception ex) when (ex is RuntimeException || ex is NotSupportedException || ex is ArgumentException)
            {
                throw NotAFilePath(path, parameter, ex.Message, ex);
            }
            if (!string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase))
                throw NotAFilePath(path, parameter, $"it is a path of the {provider.Name} provider", null);
            return resolved;
        }

        private static NordPayException NotAFilePath(string path, string parameter, string why, Exception? inner) =>
            new NordPayException("PathNotFileSystem", ErrorKind.InvalidArgument, $"-{parameter} '{path}' is not a file path: {why}.", parameter,
                recommendedAction: "Give a path on a file-system drive, for example ./payouts.journal or C:\\payouts\\payouts.journal.", inner: inner);

        /// <summary>Whether a name matches any of the wildcard patterns; with no patterns, every name does.</summary>
        protected static Func<string, bool> Matching(string[]? patterns)
        {
            var compiled = patterns?.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
            return name => compiled == null || compiled.Any(p => p.IsMatch(name));
        }

        /// <summary>
        /// Stops the whole call, for failures no row can get past: callers write <c>throw Terminating(...)</c>, so the
        /// code reads as what happens. ThrowTerminatingError itself always throws; the exception returned is never thrown.
        /// </summary>
        protected Exception Terminating(NordPayException error, object? target)
        {
            ThrowTerminatingError(ToErrorRecord(error, target, error.Message));
            return error;
        }

        private ErrorRecord ToErrorRecord(NordPayException error, object? target, string message)
        {
            return new ErrorRecord(error, error.ErrorId, ErrorCategories.Of(error.Kind), target)
            {
                ErrorDetails = new ErrorDetails(Redactor.Redact(message)) { RecommendedAction = error.RecommendedAction },
            };
        }

        protected bool WhatIfRequested() =>
            MyInvocation.BoundParameters.TryGetValue("WhatIf", out var bound)
                ? ((SwitchParameter)bound).IsPresent
                : LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
    }
}
