using System;
using System.Collections.Generic;
using System.Management.Automation;
using NordPay.Api;
using NordPay.Core;
using NordPay.Models;
using NordPay.Policy;

namespace NordPay.Commands
{
    /// <summary>
    /// Step two of a payout: confirms withdraw requests, which queues them for the merchant's admin approval.
    /// Irreversible, so it prompts unless -Force or -Confirm:$false is given; under a policy, only piped requests,
    /// whose currency, address and amount can be checked against it.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Confirm, "NordPayWithdraw", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High,
        DefaultParameterSetName = InputObjectSet)]
    [OutputType(typeof(NordPayWithdrawConfirmation))]
    // The default set is InputObject: the binder tries it first, so a piped request keeps its
    // details (and its expiry check) instead of binding only its Identifier by property name.
    public sealed class ConfirmNordPayWithdrawCommand : NordPayApiCmdlet
    {
        private const string IdentifierSet = "Identifier";
        private const string InputObjectSet = "InputObject";

        // Each identifier is confirmed at most once per call, even when piped twice.
        private readonly HashSet<Guid> _sent = new HashSet<Guid>();

        /// <summary>Null allowed: a $null in the pipeline is a row of its own (IdentifierMissing), so the rows after it keep their numbers.</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = InputObjectSet)]
        [AllowNull]
        public NordPayWithdrawRequest InputObject { get; set; } = null!;

        /// <summary>By value, a piped Guid or string; by property name, a CSV column.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = IdentifierSet)]
        [Alias("RequestIdentifier", "WithdrawIdentifier")]
        [AllowNull, AllowEmptyString]
        public string Identifier { get; set; } = null!;

        /// <summary>Confirms without prompting; -WhatIf still wins.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        protected override bool PaysOut => true;

        /// <summary>Pays a payout the policy's repeat guard refuses as a repeat of a withdrawal in NordPay's history (PolicyRepeatPayout).</summary>
        [Parameter]
        public SwitchParameter AllowRepeat { get; set; }

        protected override bool AllowsRepeat => AllowRepeat;

        protected override void ProcessRecord()
        {
            NextRow();
            var request = ParameterSetName == InputObjectSet ? InputObject : null;
            object row = (object?)request ?? Identifier ?? string.Empty;
            Guid identifier;
            try
            {
                identifier = request?.Identifier ?? ParseIdentifier(Identifier, AppliedPolicy);
                RequireConfirmable(identifier, request);
                if (AppliedPolicy is { } policy && request?.IsNordPaysAnswer != true)
                    throw request == null ? PolicyRules.NeedsRequest(policy, identifier) : PolicyRules.BuiltRequest(policy, identifier);
            }
            catch (NordPayException ex)
            {
                WriteRowError(ex, row, string.Empty);
                return;
            }

            var target = request?.ToString() ?? $"withdraw request {identifier}";
            // NordPay has no call that reads a request back: by identifier alone, its fee cannot be shown.
            var prompt = request == null
                ? $"{target}: service fee not known here (NordPay gives it only in its answer to the request; pipe the request object from New-NordPayWithdrawRequest to see it)"
                : $"{target}: {FeeAndReceived(request)}";
            const string action = "Confirm NordPay withdrawal (queues the payout for admin approval)";
            try
            {
                // The confirm is what pays: a piped request is checked against the policy again, here.
                if (!(request == null ? ShouldProceed(prompt, action, Force) : ProceedWithinPolicy(request.Currency, request.Address, request.Amount, prompt, action, Force)))
                    return;
            }
            catch (NordPayException ex)
            {
                WriteRowError(ex, row, $" ({target})");
                return;
            }

            _sent.Add(identifier);
            try
            {
                Connect();
                var result = Await(token => Client.ConfirmWithdrawAsync(identifier, request, token));
                if (result.Reconciled) WriteWarning($"Row {Row}: {result.Detail}");
                // A withdrawal that pays nothing (failed, cancelled, a status not known) is never shown as a confirmation.
                if (!WithdrawalStatus.Pays(result.Status))
                    throw WithdrawalStatus.NotPaid(result.Id, result.Status, request == null ? $"withdraw request {identifier}" : $"{Amount.Format(request.Amount)} {request.Currency} to {request.Address}");
                WriteObject(new NordPayWithdrawConfirmation(result.Id, result.Status, result.Detail, identifier, request));
            }
            catch (NordPayException ex)
            {
                // Only a payout proved not made leaves the run's totals; one that may have been made still counts.
                if (request != null && ConfirmEvidence.ProvesNotPaid(ex)) PolicyRun?.Release(request.Currency, request.Address, request.Amount);
                WriteRowError(ex, row, $" ({target})");
            }
        }

        private void RequireConfirmable(Guid identifier, NordPayWithdrawRequest? request)
        {
            if (_sent.Contains(identifier))
                throw new NordPayException("AlreadyConfirmed", ErrorKind.ResourceExists,
                    $"Withdraw request {identifier} was already confirmed in this pipeline; it is not sent twice.", "Identifier",
                    recommendedAction: "Remove the duplicate row.");
            if (request == null) return;
            // ExpiresAt is on NordPay's clock: on this machine's, a clock running ahead would refuse every fresh request.
            Connect();
            if (request.IsExpired(Client.ServerNow()))
                throw new NordPayException("RequestExpiredBeforeConfirm", ErrorKind.InvalidOperation,
                    $"Withdraw request {identifier} expired at {request.ExpiresAt:u}; it was not sent.", "ExpiresAt",
                    recommendedAction: "Create a new withdraw request with New-NordPayWithdrawRequest and confirm it before it expires.");
        }

        // The reviewer sees the fee and what reaches the wallet before saying yes, not only the amount.
        private static string FeeAndReceived(NordPayWithdrawRequest request) =>
            request.ServiceFee is { } fee
                ? $"service fee {Amount.Format(fee)} {request.Currency}; the recipient receives {Amount.Format(request.Amount - fee)} {request.Currency} " +
                  "per NordPay's rule (amount sent to the wallet = amount - service fee)"
                : "NordPay gave no service fee for this request";

        private static Guid ParseIdentifier(string? text, NordPayPolicy? policy)
        {
            // A request object copied (Select-Object, Import-Clixml) binds as its text, which names its identifier.
            if (PolicyRules.CopiedRequestIdentifier(text) is { } copied)
                throw policy != null ? PolicyRules.CopiedRequest(policy, copied)
                    : new NordPayException("RequestObjectCopied", ErrorKind.InvalidArgument,
                        $"This is a copy of withdraw request {copied} (made by Select-Object, Export-Clixml and Import-Clixml or the like), not the request object; it was not confirmed.",
                        "Identifier", recommendedAction: $"Pipe the request objects from New-NordPayWithdrawRequest as they are, or confirm by identifier: Confirm-NordPayWithdraw -Identifier {copied}.");
            var value = InputText.RequireToken(text, "Identifier");
            return Guid.TryParse(value, out var identifier)
                ? identifier
                : throw new NordPayException("InvalidIdentifier", ErrorKind.InvalidArgument,
                    $"'{text}' is not a withdraw request identifier (a UUID).", "Identifier",
                    recommendedAction: "Pass the Identifier of a request made by New-NordPayWithdrawRequest.");
        }
    }
}
