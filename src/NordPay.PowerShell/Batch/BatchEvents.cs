using System.Collections.Generic;
using NordPay.Core;
using NordPay.Models;

namespace NordPay.Batch
{
    /// <summary>What a batch run tells the cmdlet that runs it, in order, on the cmdlet's thread; the cmdlet writes each to a stream.</summary>
    internal abstract record BatchEvent;

    /// <summary>NordPay's currency list was read for the preflight (the session keeps it for tab completion).</summary>
    internal sealed record CurrenciesRead(IReadOnlyList<NordPayCurrency> Currencies) : BatchEvent;

    /// <summary>Every row is classified: the plan says what becomes of each, and which repeats the policy let through.</summary>
    internal sealed record RunPlanned(BatchPlan Plan) : BatchEvent;

    /// <summary>A row to pay whose address check has something to say (no checksum, a network not checked).</summary>
    internal sealed record AddressNoted(NordPayAddressCheck Check, int Row) : BatchEvent;

    /// <summary>A row that is not paid, and why (a bad field, a policy's refusal, a withdrawal the history shows failed).</summary>
    internal sealed record RowRefused(PayoutRow Row, NordPayException Problem) : BatchEvent;

    /// <summary>
    /// A failure that belongs to the run, not to a row, named by <paramref name="Target"/> (the journal, a reference):
    /// a problem of the whole batch (the run then stops, nothing paid), or a -SettleReference naming no row in doubt.
    /// </summary>
    internal sealed record RunProblem(NordPayException Problem, object Target) : BatchEvent;

    /// <summary>Something the operator should know (a warning), or may want to (verbose only).</summary>
    internal sealed record RunNote(string Text, bool Warning) : BatchEvent;

    /// <summary>A row an earlier run paid, as the journal records it.</summary>
    internal sealed record RowAlreadyPaid(PayoutRow Row, NordPayPayoutResult Result) : BatchEvent;

    /// <summary>A row handed to the workers, whose outcome comes later as a <see cref="RowDone"/>.</summary>
    internal sealed record RowHanded(PayoutRow Row) : BatchEvent;

    /// <summary>A row this run does not send (already paid, refused, declined at its prompt, or after the batch was declined), at its place among the input rows.</summary>
    internal sealed record RowNotSent(PayoutRow Row, int Index, bool Declined) : BatchEvent;

    /// <summary>What a row's calls proved: paid, failed, in doubt, or not sent because the batch stopped.</summary>
    internal sealed record RowDone(PayoutEvent Outcome) : BatchEvent;

    /// <summary>How far paying has come; <paramref name="Completed"/> once it is over.</summary>
    internal sealed record RunProgress(int Done, int Total, bool Completed) : BatchEvent;
}
