using System.Management.Automation;
using NordPay.Api;
using NordPay.Batch;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>
/// Once a confirm may have reached NordPay, a row is paid (proved) or in doubt: a 2xx whose answer proves nothing is
/// never a failure that a re-run pays again, in the two-step cmdlets, the batch and its multiple withdraws.
/// </summary>
public class ConfirmOutcomeTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pay = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force";

    // Answers a server sends after it paid: each proves nothing about the payout.
    public static TheoryData<string, int, string> UnprovingAnswers => new()
    {
        { "no id", 200, """{"detail":"Withdrawal request created and waiting for admin approval","status":"pending"}""" },
        { "empty 204", 204, "" },
        { "an HTML page", 200, "<html><body>OK</body></html>" },
        { "an id that is not a number", 200, """{"detail":"ok","status":"pending","id":"abc"}""" },
        { "a negative id", 200, """{"detail":"ok","status":"pending","id":-4}""" },
        { "an envelope failing with an unknown error", 200, """{"success":false,"data":null,"error":{"type":"internal","details":"db timeout"}}""" },
        { "a 409 with an unknown detail", 409, """{"detail":"Conflict"}""" },
        { "a 302 redirect", 302, "" },
    };

    /// <summary>Rows A and B paid, the first confirm processed and answered as given, then run again: both runs and the ledger.</summary>
    private (SandboxServer Sandbox, RunResult First, RunResult Again) ProcessedAndAnswered(int status, string body) => runs.Of($"processed {status} {body}", () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = new[] { Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5"), Rows.Referenced("B", "USDTBEP20", Rows.Evm(2), "6") };
        var journal = Journals.New();
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = status, Body = body, Processed = true, Times = 1 });
        return (sandbox, ps.Run(Pay, rows, journal), ps.Run(Pay, rows, journal));
    });

    [Theory]
    [MemberData(nameof(UnprovingAnswers))]
    public void A_batch_confirm_answered_with_no_proof_is_found_paid_never_failed(string answer, int status, string body)
    {
        var (sandbox, first, _) = ProcessedAndAnswered(status, body);
        Assert.Empty(first.Errors);
        var found = Assert.Single(first.Objects<NordPayPayoutResult>(), r => r.Reference == "A");
        Assert.True(found.Reconciled, answer);
        Assert.Equal(sandbox.State.Ledger.Single(w => w.Address == Rows.Evm(1)).Id, found.WithdrawalId);
    }

    [Theory]
    [MemberData(nameof(UnprovingAnswers))]
    public void A_batch_confirm_answered_with_no_proof_is_never_paid_twice(string answer, int status, string body)
    {
        var (sandbox, _, again) = ProcessedAndAnswered(status, body);
        Assert.Equal(2, again.Objects<NordPayPayoutResult>().Count(r => r.State == "AlreadyPaid"));
        Assert.True(sandbox.State.Ledger.Count == 2, answer);
    }

    [Theory]
    [MemberData(nameof(UnprovingAnswers))]
    public void A_batch_confirm_answered_with_no_proof_the_history_does_not_show_is_in_doubt_not_failed(string answer, int status, string body)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = new[] { Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5") };
        var journal = Journals.New();
        // Not processed: the history shows nothing, so nothing proves whether it paid.
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = status, Body = body, Times = 1 });

        var first = ps.Run(Pay, rows, journal);
        Assert.Equal("PayoutInDoubt", Assert.Single(first.Errors).FullyQualifiedErrorId.Split(',')[0]);
        var summary = Assert.Single(first.Objects<NordPayPayoutSummary>());
        Assert.Equal((0, 1, false), (summary.Failed, summary.InDoubt, summary.Complete));

        var again = ps.Run(Pay, rows, journal);
        Assert.Equal("PayoutInDoubt", Assert.Single(again.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.True(sandbox.Posts("withdraw/confirm") == 1, $"{answer}: the confirm was sent again");
    }

    [Theory]
    [MemberData(nameof(UnprovingAnswers))]
    public void A_multiple_confirm_answered_with_no_proof_is_found_row_by_row_in_the_history(string answer, int status, string body)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = new[] { Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5"), Rows.Referenced("B", "USDTBEP20", Rows.Evm(2), "6") };
        var journal = Journals.New();
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "multiple/confirm", Status = status, Body = body, Processed = true, Times = 1 });

        var first = ps.Run(Pay + " -UseMultipleWithdraw", rows, journal);
        Assert.Empty(first.Errors);
        var paid = first.Objects<NordPayPayoutResult>().ToList();
        Assert.All(paid, r => Assert.True(r.Reconciled, answer));
        Assert.All(paid, r => Assert.Equal(sandbox.State.Ledger.Single(w => w.Address == r.Address).Id, r.WithdrawalId));

        Assert.Empty(ps.Run(Pay + " -UseMultipleWithdraw", rows, journal).Errors);
        Assert.Equal(1, sandbox.Posts("multiple/confirm"));
        Assert.Equal(2, sandbox.State.Ledger.Count);
    }

    [Theory]
    [MemberData(nameof(UnprovingAnswers))]
    public void Confirm_NordPayWithdraw_answered_with_no_proof_reports_the_payout_found_or_OutcomeUnknown(string answer, int status, string body)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var row = Rows.Payout("USDTBEP20", Rows.Evm(1), "5");
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = status, Body = body, Processed = true, Times = 1 });
        var found = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", row);
        Assert.Empty(found.Errors);
        Assert.Equal(Assert.Single(sandbox.State.Ledger).Id, Assert.Single(found.Objects<NordPayWithdrawConfirmation>()).Id);

        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = status, Body = body, Times = 1 });
        var unknown = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", Rows.Payout("USDTBEP20", Rows.Evm(2), "5"));
        Assert.Equal("OutcomeUnknown", Assert.Single(unknown.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.False(unknown.Errors[0].ErrorDetails.RecommendedAction.Contains("base URI", StringComparison.Ordinal), $"{answer}: reads as if nothing happened");
    }

    [Fact]
    public void A_confirm_answered_429_after_it_was_processed_is_found_paid_not_failed_when_its_retry_finds_the_request_gone()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = new[] { Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5") };
        var journal = Journals.New();
        // A gateway that lets the call through and answers 429: the retry meets "Withdraw request not found".
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 429, RetryAfterSeconds = 0, Processed = true, Times = 1 });
        var first = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", rows, journal);
        Assert.Empty(first.Errors);
        Assert.True(Assert.Single(first.Objects<NordPayPayoutResult>()).Reconciled);
        Assert.Equal("AlreadyPaid", Assert.Single(ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", rows, journal).Objects<NordPayPayoutResult>()).State);
        Assert.Single(sandbox.State.Ledger);
    }

    [Fact]
    public async Task A_confirm_answered_with_another_payouts_withdrawal_id_proves_nothing()
    {
        using var sandbox = Sandboxes.Start();
        var client = Clients.For(sandbox);
        var first = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        var paid = await client.ConfirmWithdrawAsync(first.Identifier, first, CancellationToken.None);
        var second = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(2), 5m, CancellationToken.None);
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = 200, Body = $$"""{"detail":"ok","status":"pending","id":{{paid.Id}}}""", Times = 1 });
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(second.Identifier, second, CancellationToken.None));
        Assert.Equal("OutcomeUnknown", error.ErrorId);
        Assert.Contains($"withdrawal {paid.Id}, which is another payout's", error.Message);
    }

    [Fact]
    public async Task A_fault_of_the_module_after_a_confirm_was_answered_is_an_unknown_outcome_settled_by_the_history()
    {
        using var sandbox = Sandboxes.Start();
        // Stands for any bug between the answer and the result: the log line of the confirm's answer throws.
        var client = Clients.For(sandbox, log: (_, line) =>
        {
            if (line.Contains("withdraw/confirm", StringComparison.Ordinal) && line.Contains("HTTP 200", StringComparison.Ordinal))
                throw new InvalidOperationException("Queue empty.");
        });
        var request = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(1), 5m, CancellationToken.None);
        var found = await client.ConfirmWithdrawAsync(request.Identifier, request, CancellationToken.None);
        Assert.True(found.Reconciled);
        Assert.Equal(Assert.Single(sandbox.State.Ledger).Id, found.Id);

        var unproved = await client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(2), 5m, CancellationToken.None);
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.ConfirmWithdrawAsync(unproved.Identifier, null, CancellationToken.None));
        Assert.Equal("OutcomeUnknown", error.ErrorId);
        Assert.Contains("unexpected InvalidOperationException: Queue empty.", error.Message);
    }

    public static TheoryData<int, string, string> ConfirmAnswers => new()
    {
        { 400, """{"detail":"Withdraw request expired"}""", "WithdrawRequestExpired" },
        { 400, """{"detail":"Not enough balance"}""", "InsufficientBalance" },
        { 422, """{"detail":[{"loc":["body","identifier"],"msg":"Field required","type":"missing"}]}""", "ValidationFailed" },
        // A 4xx that is not one of NordPay's known refusals proves nothing: the row is in doubt and never confirmed again.
        { 400, """{"detail":"Bad request"}""", "PayoutInDoubt" },
        // Nor does "not found" for a request the batch made: someone may have confirmed it already.
        { 200, """{"success":false,"data":null,"error":{"type":"bad_request","details":"Withdraw request not found"}}""", "PayoutInDoubt" },
    };

    [Theory]
    [MemberData(nameof(ConfirmAnswers))]
    public void A_confirm_fails_only_when_NordPay_refused_it_with_a_known_error(int status, string body, string errorId)
    {
        var (_, first, _) = ConfirmRefused(status, body);
        var refused = errorId != "PayoutInDoubt";
        Assert.Equal(errorId, Assert.Single(first.Errors).FullyQualifiedErrorId.Split(',')[0]);
        var summary = Assert.Single(first.Objects<NordPayPayoutSummary>());
        Assert.Equal((refused ? 1 : 0, refused ? 0 : 1), (summary.Failed, summary.InDoubt));
    }

    [Theory]
    [MemberData(nameof(ConfirmAnswers))]
    public void The_rerun_pays_a_confirm_only_when_NordPay_refused_it_with_a_known_error(int status, string body, string errorId)
    {
        var (sandbox, _, again) = ConfirmRefused(status, body);
        var refused = errorId != "PayoutInDoubt";
        Assert.Equal(refused ? 0 : 1, again.Errors.Count);
        Assert.Equal(refused ? 1 : 0, sandbox.State.Ledger.Count);
        Assert.Equal(refused ? 2 : 1, sandbox.Posts("withdraw/confirm"));
    }

    /// <summary>Row A paid, its confirm answered as given once, then run again.</summary>
    private (SandboxServer Sandbox, RunResult First, RunResult Again) ConfirmRefused(int status, string body) => runs.Of($"refused {status} {body}", () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = new[] { Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5") };
        var journal = Journals.New();
        sandbox.State.Faults.Add(new FaultRule { PathSuffix = "withdraw/confirm", Status = status, Body = body, Times = 1 });
        return (sandbox, ps.Run(Pay, rows, journal), ps.Run(Pay, rows, journal));
    });

    [Fact]
    public void Only_a_known_refusal_or_a_call_never_sent_proves_a_confirm_paid_nothing()
    {
        Assert.True(ConfirmEvidence.ProvesNotPaid(new NordPayException("WithdrawRequestExpired", ErrorKind.InvalidOperation, "x", statusCode: 400)));
        // NordPay documents nothing of 429s: one may answer a confirm it processed. Only one held back unsent proves nothing was paid.
        Assert.False(ConfirmEvidence.ProvesNotPaid(new NordPayException("RateLimited", ErrorKind.ResourceBusy, "x", statusCode: 429)));
        Assert.True(ConfirmEvidence.ProvesNotPaid(new NordPayException("RateLimited", ErrorKind.ResourceBusy, "x")));
        Assert.True(ConfirmEvidence.ProvesNotPaid(new NordPayException("ConnectionFailed", ErrorKind.ConnectionError, "x")));
        Assert.False(ConfirmEvidence.ProvesNotPaid(new NordPayException("RequestRejected", ErrorKind.InvalidArgument, "x", statusCode: 400)));
        Assert.False(ConfirmEvidence.ProvesNotPaid(new NordPayException("ServerError", ErrorKind.ResourceUnavailable, "x", statusCode: 500)));
        Assert.False(ConfirmEvidence.ProvesNotPaid(new NordPayException("WithdrawRequestExpired", ErrorKind.InvalidOperation, "x", statusCode: 500)));
        Assert.False(ConfirmEvidence.ProvesNotPaid(new NordPayException("UnreadableResponse", ErrorKind.ProtocolError, "x", statusCode: 200)));
        Assert.False(ConfirmEvidence.ProvesNotPaid(new NordPayException("OutcomeUnknown", ErrorKind.InvalidResult, "x")));
    }
}
