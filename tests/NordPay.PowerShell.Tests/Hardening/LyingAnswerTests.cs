using NordPay.Api;
using NordPay.Batch;
using NordPay.Core;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Hardening;

/// <summary>
/// A server that misbehaves only where NordPay's documentation is silent: an answer that names a field twice, gives
/// one identifier to two requests, or leaves a field out is never confirmed, and a confirm's such answer is settled from
/// the history; Compare-NordPayJournal finds a row whose withdrawal pays something else.
/// </summary>
public class LyingAnswerTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string TwoStep = "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force";
    private const string Batch = "$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force -ThrottleLimit 1";

    private static FaultRule Lying(string path, string lie) => FaultRule.Parse($"path={path},lie={lie}");

    [Theory]
    [InlineData("duplicate:amount", "UnreadableResponse", "more than once")]
    [InlineData("duplicate:address", "UnreadableResponse", "more than once")]
    [InlineData("duplicate:currency", "UnreadableResponse", "more than once")]
    [InlineData("omit:amount", "ResponseMismatch", "leaves out its amount")]
    [InlineData("omit:address", "ResponseMismatch", "leaves out its address")]
    [InlineData("omit:currency", "ResponseMismatch", "leaves out its currency")]
    public void A_request_answer_that_names_a_field_twice_or_leaves_it_out_is_never_confirmed(string lie, string errorId, string said)
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        // The server books another currency, address or amount than asked, and its answer hides it so.
        sandbox.State.Faults.Add(Lying("withdraw/request", lie));
        var result = ps.Run(TwoStep, Rows.Payout("USDTBEP20", Rows.Evm(1), "5"));
        var error = Assert.Single(result.Errors);
        Assert.Equal($"{errorId},NordPay.Commands.NewNordPayWithdrawRequestCommand", error.FullyQualifiedErrorId);
        Assert.Contains(said, error.Exception.Message);
        Assert.Equal(0, sandbox.Posts("withdraw/confirm"));

        var batch = ps.Run(Batch, Rows.Payouts(("USDTBEP20", Rows.Evm(2), "5")), Journals.New());
        Assert.Equal(errorId, Assert.Single(batch.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(1, Assert.Single(batch.Objects<NordPayPayoutSummary>()).Failed);
        Assert.Equal(0, sandbox.Posts("withdraw/confirm"));
    }

    [Fact]
    public void A_confirm_answer_that_names_its_id_twice_is_settled_from_the_history()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        sandbox.State.Faults.Add(Lying("withdraw/confirm", "duplicate:id"));
        var confirmed = Assert.Single(ps.Run(TwoStep, Rows.Payout("USDTBEP20", Rows.Evm(1), "5")).Objects<NordPayWithdrawConfirmation>());
        Assert.Equal(sandbox.State.Ledger.Single().Id, confirmed.Id);

        var paid = Assert.Single(ps.Run(Batch, Rows.Payouts(("USDTBEP20", Rows.Evm(2), "7")), Journals.New()).Objects<NordPayPayoutResult>());
        Assert.Equal(sandbox.State.Ledger.Single(w => w.Address == Rows.Evm(2)).Id, paid.WithdrawalId);
        Assert.True(paid.Reconciled);
        Assert.Equal(2, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_history_page_that_names_a_field_twice_is_unreadable()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        ps.Run(TwoStep, Rows.Payout("USDTBEP20", Rows.Evm(1), "5"));
        sandbox.State.Faults.Add(Lying("balance/withdraws", "duplicate:items"));
        var result = ps.Run("Get-NordPayWithdrawal");
        Assert.Equal("UnreadableResponse,NordPay.Commands.GetNordPayWithdrawalCommand", result.TerminatingRecord?.FullyQualifiedErrorId);
        Assert.Empty(result.Output);
    }

    [Fact]
    public void One_identifier_for_two_requests_is_never_confirmed_in_the_two_step_cmdlets()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        // The second request's answer gives the first one's identifier, which the server now holds for the second's details.
        sandbox.State.Faults.Add(Lying("withdraw/request", "reuse-identifier"));
        var result = ps.Run("$requests = $args[0] | New-NordPayWithdrawRequest; $requests | Confirm-NordPayWithdraw -Force",
            new object[] { Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "7")) });
        var reused = sandbox.State.LastRequest!.Value;
        Assert.Equal(2, result.Errors.Count);
        Assert.All(result.Errors, e =>
        {
            Assert.StartsWith("ResponseImplausible,", e.FullyQualifiedErrorId, StringComparison.Ordinal);
            Assert.Contains(reused.ToString(), e.Exception.Message);
        });
        Assert.Empty(result.Objects<NordPayWithdrawConfirmation>());
        Assert.Equal(0, sandbox.Posts("withdraw/confirm"));
        Assert.Empty(sandbox.State.Ledger);
    }

    /// <summary>
    /// Two rows whose requests NordPay answers with one identifier: the batch (whether both were requested in one window,
    /// before any confirm), then its rerun once NordPay answers truly and any request in doubt has expired.
    /// </summary>
    private sealed record IdentifierReused(SandboxServer Sandbox, RunResult First, bool OneWindow, RunResult Again);

    private IdentifierReused OneIdentifierForTwoRequests => runs.Of(nameof(IdentifierReused), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var journal = Journals.New();
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "7"));
        sandbox.State.Faults.Add(Lying("withdraw/request", "reuse-identifier"));
        var first = ps.Run(Batch, rows, journal);
        // Both rows reach the worker in one window (both requested, then neither confirmed), or the first alone, its
        // confirm under way when the second request comes back with its identifier: then the first is in doubt.
        var oneWindow = sandbox.State.Ledger.Count == 0;
        // A row in doubt settles, or is left to a person, once its request has expired.
        if (!oneWindow) sandbox.State.AdvanceClock(TimeSpan.FromDays(1));
        sandbox.State.Faults.Clear();
        return new IdentifierReused(sandbox, first, oneWindow, ps.Run(Batch, rows, journal));
    });

    [Fact]
    public void One_identifier_for_two_requests_is_never_confirmed_in_a_batch()
    {
        var (_, first, oneWindow, _) = OneIdentifierForTwoRequests;
        var errors = first.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]).ToList();
        if (oneWindow)
        {
            Assert.Equal(new[] { "ResponseImplausible", "ResponseImplausible" }, errors);
            Assert.Equal(2, Assert.Single(first.Objects<NordPayPayoutSummary>()).Failed);
        }
        else
        {
            Assert.NotEmpty(errors);
            Assert.All(errors, e => Assert.Contains(e, new[] { "PayoutInDoubt", "ResponseImplausible" }));
        }
    }

    [Fact]
    public void The_rerun_of_a_batch_given_one_identifier_for_two_requests_pays_each_row_once()
    {
        var (sandbox, _, oneWindow, again) = OneIdentifierForTwoRequests;
        var paid = sandbox.State.Ledger.Select(w => (w.Address, w.Amount)).OrderBy(p => p.Amount).ToList();
        if (oneWindow)
        {
            Assert.True(Assert.Single(again.Objects<NordPayPayoutSummary>()).Complete);
            Assert.Equal(new[] { (Rows.Evm(1), 5m), (Rows.Evm(2), 7m) }, paid);
        }
        else
        {
            Assert.Subset(new HashSet<(string, decimal)> { (Rows.Evm(1), 5m), (Rows.Evm(2), 7m) }, paid.ToHashSet());
            Assert.Equal(paid.Count, paid.Distinct().Count());
        }
    }

    [Fact]
    public async Task An_identifier_a_journal_holds_is_never_another_requests()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        ps.Run(Batch, Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5")), journal);
        var paid = sandbox.State.Ledger.Single();

        // Another process: it knows the identifier only from the journal.
        var client = Clients.For(sandbox);
        PayoutEngine.Remember(client, RowRecord.Fold(Journal.Peek(journal)).Values);
        sandbox.State.Faults.Add(Lying("withdraw/request", "reuse-identifier"));
        var error = await Assert.ThrowsAsync<NordPayException>(() => client.RequestWithdrawAsync("USDTBEP20", Rows.Evm(2), 7m, CancellationToken.None));
        Assert.Equal(("ResponseImplausible", "Identifier"), (error.ErrorId, error.Field));
        Assert.Contains(paid.Identifier.ToString(), error.Message);
    }

    [Fact]
    public async Task Compare_finds_a_row_whose_withdrawal_pays_another_currency_address_or_amount()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        // A payout made outside this process, which the session never claimed.
        var outside = Clients.For(sandbox);
        var made = await outside.RequestWithdrawAsync("USDTBEP20", Rows.Evm(9), 7m, CancellationToken.None);
        var other = (await outside.ConfirmWithdrawAsync(made.Identifier, made, CancellationToken.None)).Id;
        // A server that pays R1 and answers with that payout's id.
        sandbox.State.Faults.Add(new FaultRule
        {
            PathSuffix = "withdraw/confirm", Status = 200, Processed = true,
            Body = $$"""{"detail":"ok","status":"pending","id":{{other}}}""",
        });
        var journal = Journals.New();
        var run = ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", new[] { Rows.Referenced("R1", "USDTBEP20", Rows.Evm(1), "5") }, journal);
        Assert.Equal(other, Assert.Single(run.Objects<NordPayPayoutResult>()).WithdrawalId);
        sandbox.State.Faults.Clear();

        var found = ps.Run("Compare-NordPayJournal -Path $args[0]", journal).Objects<NordPayJournalDiscrepancy>().ToList();
        var mismatched = Assert.Single(found, d => d.Kind == NordPayDiscrepancyKind.Mismatched);
        Assert.Equal(("R1", (long?)other), (mismatched.Reference, mismatched.WithdrawalId));
        Assert.Contains($"pays 7 USDTBEP20 to {Rows.Evm(9)}", mismatched.Message);
    }
}
