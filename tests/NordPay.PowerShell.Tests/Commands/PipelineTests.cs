using System.Globalization;
using System.Management.Automation;
using NordPay.Batch;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>The CSV pipeline end to end: Import-Csv-shaped rows through both cmdlets into the sandbox's ledger.</summary>
public class PipelineTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string Pipeline = "$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force";

    /// <summary>Fifty rows, half USDTBEP20 and half USDTTRC20, through both cmdlets; the balances before.</summary>
    private sealed record FiftyRows(SandboxServer Sandbox, PowerShellSession Session, PSObject[] Rows, IReadOnlyDictionary<string, decimal> Before, RunResult Result);

    private FiftyRows FiftyPaid => runs.Of(nameof(FiftyRows), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = Enumerable.Range(1, 50).Select(i => i % 2 == 0
            ? Rows.Payout("USDTBEP20", Rows.Evm(i), $"{i}.{i:D2}0000000000000001")
            : Rows.Payout("USDTTRC20", Rows.Tron(i), $"{25 + i}.{i:D6}")).ToArray();
        var before = sandbox.State.Balances;
        return new FiftyRows(sandbox, ps, rows, before, ps.Run(Pipeline, (object)rows));
    });

    private static string Address(PSObject row) => (string)row.Properties["Address"].Value;

    [Fact]
    public void Fifty_csv_rows_are_each_paid_exactly_once_as_written()
    {
        var run = FiftyPaid;
        Assert.Null(run.Result.Terminating);
        Assert.Empty(run.Result.Errors);
        var ledger = run.Sandbox.State.Ledger;
        Assert.Equal(50, ledger.Count);
        Assert.Equal(50, ledger.Select(w => w.Identifier).Distinct().Count());
        foreach (var row in run.Rows)
        {
            var paid = Assert.Single(ledger, w => w.Address == Address(row));
            Assert.Equal((string)row.Properties["Amount"].Value, paid.Amount.ToString(CultureInfo.InvariantCulture));
            Assert.Equal((string)row.Properties["Currency"].Value, paid.Currency);
        }
    }

    [Fact]
    public void Each_of_fifty_confirmations_is_its_rows_withdrawal()
    {
        var run = FiftyPaid;
        var confirmations = run.Result.Objects<NordPayWithdrawConfirmation>().ToList();
        Assert.Equal(50, confirmations.Count);
        foreach (var row in run.Rows)
        {
            var paid = Assert.Single(run.Sandbox.State.Ledger, w => w.Address == Address(row));
            var confirmation = Assert.Single(confirmations, c => c.Address == Address(row));
            Assert.Equal(paid.Id, confirmation.Id);
            Assert.Equal(paid.Amount, confirmation.Amount);
            Assert.Equal(paid.ServiceFee, confirmation.ServiceFee);
            Assert.Equal("pending", confirmation.Status);
        }
    }

    [Fact]
    public void Fifty_payouts_debit_each_currencys_balance_by_their_amounts_with_fees()
    {
        var run = FiftyPaid;
        foreach (var currency in new[] { "USDTBEP20", "USDTTRC20" })
        {
            var debited = run.Sandbox.State.Ledger.Where(w => w.Currency == currency).Sum(w => w.Amount + w.ServiceFee);
            Assert.Equal(run.Before[currency] - debited, run.Sandbox.State.Balance(currency));
        }
    }

    [Fact]
    public void Fifty_rows_send_one_request_with_one_confirm_each() => Assert.Equal(100, FiftyPaid.Sandbox.State.PostsReceived);

    [Fact]
    public void Fifty_rows_through_both_cmdlets_never_show_the_key() => Secrets.AssertNotLeaked(FiftyPaid.Sandbox.ApiKey, FiftyPaid.Result, FiftyPaid.Session.UI);

    [Fact]
    public void The_v1_envelope_api_works_end_to_end()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox, v1: true);
        var result = ps.Run(Pipeline, (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "2.5"), ("BTC", "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh", "0.00123456")));
        Assert.Empty(result.Errors);
        Assert.Equal(2, result.Objects<NordPayWithdrawConfirmation>().Count());
        Assert.Equal(new[] { 2.5m, 0.00123456m }, sandbox.State.Ledger.Select(w => w.Amount));
        Assert.All(sandbox.State.Received.Where(r => r.Method == "POST"), r => Assert.StartsWith("/v1/", r.Path));
    }

    [Fact]
    public void Amounts_of_18_or_24_decimals_reach_the_ledger_digit_for_digit()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var amounts = new[] { "1.123456789012345678", "987654321.000000000000000001", "1.100000000000000000" };
        var rows = amounts.Select((a, i) => Rows.Payout("USDTBEP20", Rows.Evm(i), a)).Append(Rows.Payout("NEARERC20", Rows.Evm(9), "10.123456789012345678901234")).ToArray();
        sandbox.State.SetBalance("USDTBEP20", 2_000_000_000m);

        var result = ps.Run("[System.Globalization.CultureInfo]::CurrentCulture = 'de-DE'; " + Pipeline, (object)rows);

        Assert.Empty(result.Errors);
        Assert.Equal(amounts.Append("10.123456789012345678901234"), sandbox.State.Ledger.Select(w => w.Amount.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(amounts.Append("10.123456789012345678901234"), result.Objects<NordPayWithdrawConfirmation>().Select(c => c.Amount!.Value.ToString(CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Common_csv_header_spellings_bind_by_property_name()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = new[]
        {
            Rows.Row(("Asset", "USDTBEP20"), ("WalletAddress", Rows.Evm(1)), ("Value", "3")),
            Rows.Row(("Coin", "USDTBEP20"), ("Destination", Rows.Evm(2)), ("Amount", "4"), ("Note", "extra columns are ignored")),
        };
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)rows);
        Assert.Empty(result.Errors);
        Assert.Equal(new[] { 3m, 4m }, result.Objects<NordPayWithdrawRequest>().Select(r => r.Amount));
    }

    // Five requests typed at the prompt: by position, by name, and three amounts typed as numbers, the last a double.
    private (SandboxServer Sandbox, RunResult Result) TypedRequests => runs.Of(nameof(TypedRequests), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        return (sandbox, ps.Run($$"""
            New-NordPayWithdrawRequest USDTBEP20 {{Rows.Evm(1)}} '12.5'
            New-NordPayWithdrawRequest -Currency USDTBEP20 -Address {{Rows.Evm(2)}} -Amount '1.123456789012345678'
            New-NordPayWithdrawRequest -Currency USDTBEP20 -Address {{Rows.Evm(3)}} -Amount 7
            New-NordPayWithdrawRequest -Currency USDTBEP20 -Address {{Rows.Evm(4)}} -Amount 1.10d
            New-NordPayWithdrawRequest -Currency USDTBEP20 -Address {{Rows.Evm(5)}} -Amount 2.000000000000000001
            """));
    });

    [Fact]
    public void Interactive_use_binds_by_name_or_position_with_exact_numbers()
    {
        var (sandbox, result) = TypedRequests;
        Assert.Equal(new[] { "12.5", "1.123456789012345678", "7", "1.10" },
            result.Objects<NordPayWithdrawRequest>().Select(r => r.Amount.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(4, sandbox.Posts("withdraw/request"));
    }

    [Fact]
    public void Interactive_use_refuses_a_floating_point_amount()
    {
        var result = TypedRequests.Result;
        Assert.Equal("AmountIsFloatingPoint", Assert.Single(result.Errors).FullyQualifiedErrorId.Split(',')[0]);
        // A row given by parameters is its own error's TargetObject, as an object with the fields it was given.
        var target = Assert.IsType<PSObject>(result.Errors[0].TargetObject);
        Assert.Equal((Rows.Evm(5), 2.000000000000000001d), ((string)target.Properties["Address"].Value, (double)target.Properties["Amount"].Value));
    }

    [Fact]
    public void Hashtables_are_rows_like_objects_in_every_payout_cmdlet()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var journal = Journals.New();
        var result = ps.Run($$"""
            @{ Currency = 'USDTBEP20'; Address = '{{Rows.Evm(1)}}'; Amount = '1.000000000000000001' },
            [ordered]@{ Currency = 'USDTBEP20'; Adress = '{{Rows.Evm(2)}}'; Amount = '2' } | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force
            [ordered]@{ Currency = 'USDTBEP20'; Address = '{{Rows.Evm(3)}}'; Amount = '3'; Reference = 'H-3' } | Invoke-NordPayPayout -JournalPath $args[0] -Force
            """, journal);
        var missing = Assert.Single(result.Errors);
        Assert.Equal("PayoutFieldsMissing", missing.FullyQualifiedErrorId.Split(',')[0]);
        Assert.Contains("The row has no Address column; its columns are 'Currency', 'Adress', 'Amount'.", missing.ErrorDetails.Message);
        Assert.IsType<System.Collections.Specialized.OrderedDictionary>(((PSObject)missing.TargetObject).BaseObject);
        Assert.Equal(new[] { (Rows.Evm(1), 1.000000000000000001m), (Rows.Evm(3), 3m) }, sandbox.State.Ledger.Select(w => (w.Address, w.Amount)).OrderBy(w => w.Amount));
        Assert.Equal("H-3", Assert.Single(result.Objects<NordPayPayoutResult>()).Reference);
    }

    [Fact]
    public void Requests_can_be_confirmed_later_by_identifier_from_a_csv()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var requests = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "6")))
            .Objects<NordPayWithdrawRequest>().ToList();
        Assert.Empty(sandbox.State.Ledger);

        var csv = requests.Select(r => Rows.Row(("Identifier", r.Identifier.ToString()), ("Note", "approved"))).ToArray();
        var result = ps.Run("$args[0] | Confirm-NordPayWithdraw -Force", (object)csv);
        Assert.Empty(result.Errors);
        Assert.Equal(requests.Select(r => r.Identifier), result.Objects<NordPayWithdrawConfirmation>().Select(c => c.Identifier));
        Assert.All(result.Objects<NordPayWithdrawConfirmation>(), c => Assert.Null(c.Amount));
        Assert.Equal(2, sandbox.State.Ledger.Count);

        // Confirmed already: NordPay no longer finds it, which for a request this session made proves nothing, and nothing is paid twice.
        var byGuid = ps.Run("Confirm-NordPayWithdraw -Identifier $args[0] -Force", requests[0].Identifier);
        Assert.Equal("OutcomeUnknown", Assert.Single(byGuid.Errors).FullyQualifiedErrorId.Split(',')[0]);
        Assert.Equal(2, sandbox.State.Ledger.Count);
        var unknown = ps.Run("Confirm-NordPayWithdraw -Identifier $args[0] -Force", Guid.NewGuid());
        Assert.Equal("WithdrawRequestNotFound", Assert.Single(unknown.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    // Four requests confirmed by piping their identifier as a Guid, a string, a csv column's text, then the request itself.
    private (SandboxServer Sandbox, List<NordPayWithdrawRequest> Requests, RunResult Result) ConfirmedByIdentifier => runs.Of(nameof(ConfirmedByIdentifier), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var requests = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(
                ("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "6"), ("USDTBEP20", Rows.Evm(3), "7"), ("USDTBEP20", Rows.Evm(4), "8")))
            .Objects<NordPayWithdrawRequest>().ToList();

        var result = ps.Run("""
            [guid]$args[0] | Confirm-NordPayWithdraw -Force
            "$($args[1])" | Confirm-NordPayWithdraw -Force
            [pscustomobject]@{ Identifier = "$($args[2])"; Note = 'approved' } | Confirm-NordPayWithdraw -Force
            $args[3] | Confirm-NordPayWithdraw -Force
            """, requests[0].Identifier, requests[1].Identifier, requests[2].Identifier, requests[3]);
        return (sandbox, requests, result);
    });

    [Fact]
    public void Identifiers_can_be_piped_as_a_Guid_a_string_or_a_csv_column()
    {
        var (sandbox, requests, result) = ConfirmedByIdentifier;
        Assert.Empty(result.Errors);
        Assert.Null(result.Terminating);
        var confirmations = result.Objects<NordPayWithdrawConfirmation>().ToList();
        Assert.Equal(requests.Select(r => r.Identifier), confirmations.Select(c => c.Identifier));
        Assert.All(confirmations.Take(3), c => Assert.Null(c.Amount));
        Assert.Equal(4, sandbox.State.Ledger.Count);
    }

    [Fact]
    public void A_piped_request_keeps_its_details_in_its_confirmation()
    {
        var confirmation = ConfirmedByIdentifier.Result.Objects<NordPayWithdrawConfirmation>().ElementAt(3);
        Assert.Equal(8m, confirmation.Amount);
        Assert.Equal(Rows.Evm(4), confirmation.Address);
    }

    [Fact]
    public void A_request_piped_twice_is_confirmed_once()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var result = ps.Run("$r = $args[0] | New-NordPayWithdrawRequest; @($r, $r) | Confirm-NordPayWithdraw -Force",
            (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5")));
        Assert.Single(result.Objects<NordPayWithdrawConfirmation>());
        var error = Assert.Single(result.Errors);
        Assert.Equal("AlreadyConfirmed,NordPay.Commands.ConfirmNordPayWithdrawCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceExists, error.CategoryInfo.Category);
        Assert.Single(sandbox.State.Ledger);
        Assert.Equal(1, sandbox.State.Received.Count(r => r.Path.EndsWith("confirm", StringComparison.Ordinal)));
    }
}
