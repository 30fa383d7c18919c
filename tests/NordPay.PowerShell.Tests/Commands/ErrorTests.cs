using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>One bad row never stops the others: each gets a stable ErrorId, a specific category, its row number and field, and the row itself as TargetObject.</summary>
public class ErrorTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string NewCommand = "NordPay.Commands.NewNordPayWithdrawRequestCommand";
    private const string ConfirmCommand = "NordPay.Commands.ConfirmNordPayWithdrawCommand";

    private sealed record Case(string Currency, string Address, string? Amount, string? ErrorId, ErrorCategory Category, string? Field);

    /// <summary>
    /// Rows piped to New-NordPayWithdrawRequest | Confirm-NordPayWithdraw: a good one, one for each error a row can have,
    /// then NordPay's faults between good rows, and a 403 that stops the batch before the last row.
    /// </summary>
    private (SandboxServer Sandbox, PowerShellSession Session, List<Case> Cases, RunResult Result) EveryRowError => runs.Of(nameof(EveryRowError), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start(new SandboxOptions { Balances = new Dictionary<string, decimal> { ["BTC"] = 0.01m } }));
        var faults = new (int Status, string Body)[]
        {
            (403, """{"detail":"Insufficient permissions"}"""),
            (404, """{"detail":"Not Found"}"""),
            (429, """{"detail":"Too many requests"}"""),
            (500, """{"detail":"Internal Server Error"}"""),
            (200, "<html>captive portal</html>"),
        };
        var cases = new List<Case>
        {
            new("USDTBEP20", Rows.Evm(1), "5", null, default, null),
            new("USDTARB", Rows.Evm(2), "5", "CurrencyNotAvailable", ErrorCategory.ResourceUnavailable, "Currency"),
            new("NOPE", Rows.Evm(3), "5", "CurrencyNotFound", ErrorCategory.ObjectNotFound, "Currency"),
            new("USDTTRC20", Rows.Tron(4), "10", "AmountBelowMinimum", ErrorCategory.InvalidArgument, "Amount"),
            new("BTC", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "1", "InsufficientBalance", ErrorCategory.LimitsExceeded, "Amount"),
            new("USDTTRC20", Rows.Tron(6), "30.1234567", "ValidationFailed", ErrorCategory.InvalidData, "Amount"),
            new("USDTBEP20", Rows.Evm(7), "1,5", "InvalidAmountFormat", ErrorCategory.InvalidArgument, "Amount"),
            new("USDTBEP20", Rows.Evm(8), "", "AmountMissing", ErrorCategory.InvalidArgument, "Amount"),
            new("USDTBEP20", Rows.Evm(9), null, "AmountMissing", ErrorCategory.InvalidArgument, "Amount"),
            new("", Rows.Evm(10), "5", "CurrencyMissing", ErrorCategory.InvalidArgument, "Currency"),
            new("USDTBEP20", "  ", "5", "AddressMissing", ErrorCategory.InvalidArgument, "Address"),
            new("USDTBEP20", "0xab cd", "5", "InvalidAddress", ErrorCategory.InvalidArgument, "Address"),
            new("USDTBEP20", Rows.Evm(13), "-5", "AmountNotPositive", ErrorCategory.InvalidArgument, "Amount"),
            new("USDTBEP20", Rows.Evm(14), "0.0000000000000000000000000000001", "AmountPrecisionExceeded", ErrorCategory.InvalidArgument, "Amount"),
            new("USDTBEP20", Rows.Evm(20), "5", "AccessDenied", ErrorCategory.PermissionDenied, null),
        };
        // 403 stops the batch, so it comes last; the other faults sit between good rows.
        var stopping = cases[^1];
        cases.RemoveAt(cases.Count - 1);
        var faultCases = new[]
        {
            new Case("USDTBEP20", Rows.Evm(21), "5", "EndpointNotFound", ErrorCategory.ObjectNotFound, null),
            new Case("USDTBEP20", Rows.Evm(22), "5", "RateLimited", ErrorCategory.ResourceBusy, null),
            new Case("USDTBEP20", Rows.Evm(23), "5", "ServerError", ErrorCategory.ResourceUnavailable, null),
            new Case("USDTBEP20", Rows.Evm(24), "5", "UnreadableResponse", ErrorCategory.ProtocolError, null),
        };
        for (var i = 0; i < faultCases.Length; i++)
            sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", faults[i + 1].Status, faults[i + 1].Body, faultCases[i].Address));
        sandbox.State.Faults.Add(FaultRule.Answer("withdraw/request", faults[0].Status, faults[0].Body, stopping.Address));
        cases.AddRange(faultCases);
        cases.Add(new Case("USDTBEP20", Rows.Evm(30), "6", null, default, null));
        cases.Add(stopping);
        cases.Add(new Case("USDTBEP20", Rows.Evm(31), "7", null, default, null));
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = cases.Select(c => Rows.Payout(c.Currency, c.Address, c.Amount)).ToArray();
        return (sandbox, ps, cases, ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", (object)rows));
    });

    [Fact]
    public void Every_row_error_is_reported_in_a_record_naming_its_row()
    {
        var (_, _, cases, result) = EveryRowError;
        var expected = cases.Select((c, i) => (Case: c, Row: i + 1)).Where(x => x.Case.ErrorId != null).ToList();
        var errors = result.Errors.Append(result.TerminatingRecord!).ToList();
        Assert.Equal(expected.Count, errors.Count);
        foreach (var ((c, row), error) in expected.Zip(errors))
        {
            Assert.Equal($"{c.ErrorId},{NewCommand}", error.FullyQualifiedErrorId);
            Assert.Equal(c.Category, error.CategoryInfo.Category);
            Assert.StartsWith($"Row {row}", error.ErrorDetails.Message);
            if (c.Field != null) Assert.Contains($", {c.Field}: ", error.ErrorDetails.Message);
            var target = Assert.IsType<PSObject>(error.TargetObject);
            Assert.Equal(c.Address, target.Properties["Address"].Value);
            Assert.False(string.IsNullOrEmpty(error.ErrorDetails.RecommendedAction));
        }
    }

    // The good rows before the 403 are paid; the 403 stops the batch: no key can get past it.
    [Fact]
    public void The_good_rows_are_paid_past_every_row_error_until_a_403_stops_the_batch()
    {
        var (sandbox, _, _, result) = EveryRowError;
        Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(30) }, sandbox.State.Ledger.Select(w => w.Address));
        Assert.Equal("AccessDenied", result.TerminatingRecord!.FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void No_row_error_shows_the_key()
    {
        var (sandbox, ps, _, result) = EveryRowError;
        Secrets.AssertNotLeaked(sandbox.ApiKey, result, ps.UI);
    }

    [Fact]
    public void The_api_text_is_kept_in_the_message()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTTRC20", Rows.Tron(1), "10")));
        var error = Assert.Single(result.Errors);
        Assert.Equal($"Row 1 (10 USDTTRC20 to {Rows.Tron(1)}), Amount: NordPay answered HTTP 400: Amount is less than minimum withdraw amount for USDTTRC20 (25.000000000000000000)",
            error.ErrorDetails.Message);
        Assert.Equal(400, ((NordPay.Core.NordPayException)error.Exception).StatusCode);
    }

    [Fact]
    public void Failed_rows_can_be_collected_for_a_retry_file()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "1,5"), ("USDTARB", Rows.Evm(3), "5"));
        var result = ps.Run("$null = $args[0] | New-NordPayWithdrawRequest -ErrorVariable failed -ErrorAction SilentlyContinue; $failed | ForEach-Object TargetObject", (object)rows);
        Assert.Equal(new[] { Rows.Evm(2), Rows.Evm(3) }, result.Output.Select(o => o.Properties["Address"].Value));
    }

    [Fact]
    public void A_rejected_key_stops_the_batch_after_one_request()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.Interactive();
        ps.SetKey("np_wrong_key_0123456789", sandbox.BaseUri);
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "5")));
        Assert.Equal($"ApiKeyRejected,{NewCommand}", result.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.AuthenticationError, result.TerminatingRecord.CategoryInfo.Category);
        Assert.Equal(1, sandbox.State.PostsReceived);
        Secrets.AssertNotLeaked("np_wrong_key_0123456789", result, ps.UI);
    }

    [Fact]
    public void ErrorAction_Stop_stops_at_the_first_bad_row()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "1e3"), ("USDTBEP20", Rows.Evm(3), "5"));
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest -ErrorAction Stop | Confirm-NordPayWithdraw -Force", (object)rows);
        Assert.Equal($"InvalidAmountFormat,{NewCommand}", result.TerminatingRecord!.FullyQualifiedErrorId);
        Assert.Equal(new[] { Rows.Evm(1) }, sandbox.State.Ledger.Select(w => w.Address));
        Assert.Equal(2, sandbox.State.PostsReceived);
    }

    [Fact]
    public void Refused_amounts_never_reach_the_server()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var refused = new[] { "1,5", "1,234.50", "1.5e3", "$5", "5 USDT", "", " ", "0", "-1", "abc", "1 000", "0.12345678901234567890123456789" };
        var rows = refused.Select((a, i) => Rows.Payout("USDTBEP20", Rows.Evm(i), a)).ToArray();
        var result = ps.Run("""
            [System.Globalization.CultureInfo]::CurrentCulture = 'de-DE'
            $args[0] | New-NordPayWithdrawRequest
            New-NordPayWithdrawRequest USDTBEP20 0xdouble 1.123456789012345678
            """, (object)rows);
        Assert.Equal(refused.Length + 1, result.Errors.Count);
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category));
        Assert.Contains("Quote the amount", result.Errors[^1].ErrorDetails.RecommendedAction);
        Assert.Empty(sandbox.State.Received);
    }

    // A row without an Address, then a whole one, piped to New-NordPayWithdrawRequest.
    private (PSObject[] Rows, RunResult Result) RowWithoutAddress => runs.Of(nameof(RowWithoutAddress), () =>
    {
        var ps = runs.Keep(PowerShellSession.For(runs.Keep(Sandboxes.Start())));
        var rows = new[] { Rows.Row(("Currency", "USDTBEP20"), ("Amount", "5")), Rows.Payout("USDTBEP20", Rows.Evm(2), "5") };
        return (rows, ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)rows));
    });

    [Fact]
    public void A_row_without_a_required_column_gets_the_binders_error()
    {
        var (rows, result) = RowWithoutAddress;
        var error = Assert.Single(result.Errors);
        Assert.Contains("Address", error.ToString());
        Assert.Same(rows[0], error.TargetObject is PSObject p ? p : error.TargetObject);
    }

    [Fact]
    public void The_row_after_one_without_a_required_column_is_requested() => Assert.Single(RowWithoutAddress.Result.Objects<NordPayWithdrawRequest>());

    // Three identifiers that cannot be confirmed, then a good request's, piped to Confirm-NordPayWithdraw.
    private (NordPayWithdrawRequest Good, RunResult Result) ConfirmErrors => runs.Of(nameof(ConfirmErrors), () =>
    {
        var ps = runs.Keep(PowerShellSession.For(runs.Keep(Sandboxes.Start())));
        var good = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"))).Objects<NordPayWithdrawRequest>().Single();
        var rows = new[]
        {
            Rows.Row(("Identifier", "not-a-guid")),
            Rows.Row(("Identifier", Guid.NewGuid().ToString())),
            Rows.Row(("Identifier", "")),
            Rows.Row(("Identifier", good.Identifier.ToString())),
        };
        return (good, ps.Run("$args[0] | Confirm-NordPayWithdraw -Force", (object)rows));
    });

    [Fact]
    public void Confirm_errors_name_the_row()
    {
        var errors = ConfirmErrors.Result.Errors;
        Assert.Equal(new[] { "InvalidIdentifier", "WithdrawRequestNotFound", "IdentifierMissing" }, errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.All(errors, e => Assert.EndsWith(ConfirmCommand, e.FullyQualifiedErrorId));
        Assert.Equal(new[] { "Row 1", "Row 2", "Row 3" }, errors.Select(e => e.ErrorDetails.Message[..5]));
    }

    [Fact]
    public void The_request_after_confirm_errors_is_confirmed() =>
        Assert.Equal(ConfirmErrors.Good.Identifier, Assert.Single(ConfirmErrors.Result.Objects<NordPayWithdrawConfirmation>()).Identifier);

    [Fact]
    public void A_null_piped_to_Confirm_is_a_row_of_its_own_so_the_rows_after_it_keep_their_numbers()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var good = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"))).Output.Single();
        var result = ps.Run("@($null, 'not-a-guid', $args[0]) | Confirm-NordPayWithdraw -Force", good);
        Assert.Equal(new[] { "IdentifierMissing", "InvalidIdentifier" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(new[] { "Row 1", "Row 2" }, result.Errors.Select(e => e.ErrorDetails.Message[..5]));
        Assert.Single(result.Objects<NordPayWithdrawConfirmation>());
    }

    [Fact]
    public void An_expired_request_confirmed_on_the_server_maps_to_WithdrawRequestExpired()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var requests = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"))).Output;
        sandbox.State.AdvanceClock(TimeSpan.FromMinutes(16));
        var result = ps.Run("$args[0] | Confirm-NordPayWithdraw -Force", requests);
        var error = Assert.Single(result.Errors);
        Assert.Equal($"WithdrawRequestExpired,{ConfirmCommand}", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.InvalidOperation, error.CategoryInfo.Category);
        Assert.Empty(sandbox.State.Ledger);
    }

    [Fact]
    public void An_unreachable_server_fails_each_row_with_ConnectionFailed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var ps = PowerShellSession.Interactive();
        ps.SetKey("np_key_for_closed_port_1", new Uri($"http://127.0.0.1:{port}/"));
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest -RetryIntervalSec 0.005 -Verbose", (object)Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "5")));
        Assert.Equal(2, result.Errors.Count);
        Assert.Equal(6, result.Verbose.Count(v => v.Contains("could not connect", StringComparison.Ordinal) && v.Contains("; retry ", StringComparison.Ordinal)));
        Assert.All(result.Errors, e => Assert.Contains("gave up after 4 attempts", e.ErrorDetails.Message));
        Assert.All(result.Errors, e =>
        {
            Assert.Equal($"ConnectionFailed,{NewCommand}", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category);
        });
    }

    public static TheoryData<string, string> ReadCommands => new()
    {
        { "Get-NordPayBalance", "balance/" },
        { "Get-NordPayWithdrawal", "balance/withdraws" },
        { "Get-NordPayWithdrawal -Id 1, 2", "balance/withdraws" },
        { "Get-NordPayCurrency", "currencies/" },
    };

    [Theory]
    [MemberData(nameof(ReadCommands))]
    public void Read_cmdlet_failures_stop_with_the_same_error_records_as_the_write_cmdlets(string command, string path)
    {
        var type = "NordPay.Commands." + command.Split(' ')[0].Replace("-", string.Empty) + "Command";
        void AssertStops(RunResult result, string errorId, ErrorCategory category)
        {
            var error = result.TerminatingRecord;
            Assert.NotNull(error);
            Assert.Equal($"{errorId},{type}", error!.FullyQualifiedErrorId);
            Assert.Equal(category, error.CategoryInfo.Category);
            Assert.IsType<NordPay.Core.NordPayException>(error.Exception);
            Assert.False(string.IsNullOrEmpty(error.ErrorDetails?.RecommendedAction));
            Assert.Empty(result.Output);
        }

        using (var sandbox = Sandboxes.Start())
        using (var ps = PowerShellSession.For(sandbox))
        {
            // Two seconds: a first call on a busy machine must not time out where an answer is expected.
            var call = command + " -MaximumRetryCount 0 -TimeoutSec 2";
            sandbox.State.Faults.Add(FaultRule.Answer(path, 401, """{"detail":"Invalid API key"}""", times: 1));
            AssertStops(ps.Run(call), "ApiKeyRejected", ErrorCategory.AuthenticationError);
            sandbox.State.Faults.Add(FaultRule.Answer(path, 503, """{"detail":"Service Unavailable"}""", times: 1));
            AssertStops(ps.Run(call), "ServerError", ErrorCategory.ResourceUnavailable);
            sandbox.State.Faults.Add(FaultRule.Answer(path, 200, "<html>captive portal</html>", times: 1));
            AssertStops(ps.Run(call), "UnreadableResponse", ErrorCategory.ProtocolError);
            sandbox.State.Faults.Add(new FaultRule { PathSuffix = path, Latency = TimeSpan.FromSeconds(3), Times = 1 });
            AssertStops(ps.Run(call), "RequestTimedOut", ErrorCategory.OperationTimeout);
        }

        using var closed = PowerShellSession.Interactive();
        closed.SetKey("np_key_for_closed_port_1", Sandboxes.ClosedPort());
        AssertStops(closed.Run(command + " -MaximumRetryCount 0"), "ConnectionFailed", ErrorCategory.ConnectionError);
    }
}
