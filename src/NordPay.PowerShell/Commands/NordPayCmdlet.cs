using System;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Host;
using NordPay.Api;
using NordPay.Security;

namespace NordPay.Commands
{
    /// <summary>
    /// Shared base of every NordPay cmdlet: row-numbered errors with stable ids, terminating errors for
    /// what no row can get past, and ShouldProcess with -Force done right.
    /// </summary>
    public abstract class NordPayCmdlet : PSCmdlet
    {
        /// <summary>The 1-based number of the input row being processed.</summary>
        protected int Row { get; private set; }

        /// <summary>Call once at the start of each ProcessRecord.</summary>
        protected void NextRow() => Row++;

        protected virtual Redactor Redactor => Redactor.None;

        /// <summary>
        /// ShouldProcess, where -Force only skips the prompt: -WhatIf and $WhatIfPreference still win,
        /// and an explicit -Confirm still prompts.
        /// </summary>
        protected bool ShouldProceed(string target, string action, bool force)
        {
            if (force && !MyInvocation.BoundParameters.ContainsKey("Confirm") && !WhatIfRequested())
                return true;
            try
            {
                return ShouldProcess(target, action);
            }
            catch (Exception ex) when (ex is HostException || ex is PSInvalidOperationException)
            {
                // A scheduled job has no one to answer (a host without prompts throws HostException; pwsh
                // -NonInteractive throws PSInvalidOperationException): fail closed, and say how to run unattended.
                Fail(new NordPayException("ConfirmationNeedsInteractiveHost", ErrorKind.InvalidOperation,
                    $"Confirming '{target}' needs an answer at a prompt, and this session cannot show one: nothing was sent.",
                    recommendedAction: "For unattended jobs add -Force (or -Confirm:$false) after reviewing the batch.", inner: ex), target);
                throw;
            }
        }

        /// <summary>Reports a failed row (or, before any row, a failure): non-terminating, unless no later row can succeed either.</summary>
        protected void WriteRowError(NordPayException error, object? row, string rowLabel, int? rowNumber = null)
        {
            var number = rowNumber ?? Row;
            var field = error.Field == null ? string.Empty : $", {error.Field}";
            var record = ToErrorRecord(error, row, number == 0 ? error.Message : $"Row {number}{rowLabel}{field}: {error.Message}");
            if (error.StopsBatch) ThrowTerminatingError(record);
            WriteError(record);
        }

        /// <summary>Reads a payout row's three fields; when one is wrong, writes the row's error and returns null.</summary>
        protected (string Currency, string Address, decimal Amount)? ReadPayoutRow(string? currency, string? address, object? amount, object row)
        {
            try
            {
                return InputText.ReadPayout(currency, address, amount is PSObject wrapped ? wrapped.BaseObject : amount);
            }
            catch (NordPayException ex)
            {
                WriteRowError(ex, row, string.Empty);
                return null;
            }
        }

        /// <summary>Whether a name matches any of the wildcard patterns; with no patterns, every name does.</summary>
        protected static Func<string, bool> Matching(string[]? patterns)
        {
            var compiled = patterns?.Select(p => new WildcardPattern(p, WildcardOptions.IgnoreCase)).ToList();
            return name => compiled == null || compiled.Any(p => p.IsMatch(name));
        }

        /// <summary>Stops the whole call: for failures no row can get past.</summary>
        protected void Fail(NordPayException error, object? target) =>
            ThrowTerminatingError(ToErrorRecord(error, target, error.Message));

        private ErrorRecord ToErrorRecord(NordPayException error, object? target, string message)
        {
            var category = (ErrorCategory)Enum.Parse(typeof(ErrorCategory), error.Kind.ToString());
            return new ErrorRecord(error, error.ErrorId, category, target)
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
