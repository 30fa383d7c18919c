using System.Management.Automation;
using System.Text.RegularExpressions;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>Addresses are checked for their currency's network wherever they enter: Test-NordPayAddress, and before any request is sent.</summary>
public class AddressTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    private const string TronContract = "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t";
    private const string BitcoinGenesis = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa";

    private static int CurrencyReads(SandboxServer sandbox) => sandbox.State.Received.Count(r => r.Path.EndsWith("currencies/", StringComparison.Ordinal));

    // One letter's case flipped: the EIP-55 checksum no longer matches.
    private static string BadChecksum(string evm)
    {
        var i = Enumerable.Range(2, 40).First(i => char.IsLetter(evm[i]));
        return evm[..i] + (char.IsUpper(evm[i]) ? char.ToLowerInvariant(evm[i]) : char.ToUpperInvariant(evm[i])) + evm[(i + 1)..];
    }

    /// <summary>
    /// A file of nine rows checked by Test-NordPayAddress -Verbose (the POSTs and currency reads it made), then an address
    /// checked for a currency of the session's list, then for one the list lacks (the reads after each).
    /// </summary>
    private sealed record FileChecked(PSObject[] Rows, RunResult Result, int Posts, int[] CurrencyReads, RunResult UnknownCurrency);

    private FileChecked CheckedFile => runs.Of(nameof(FileChecked), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var rows = new[]
        {
            Rows.Row(("Coin", "USDTBEP20"), ("Wallet", Rows.Evm(1)), ("Amount", "5")),
            Rows.Row(("Asset", "USDTBEP20"), ("Destination", TronContract)),
            Rows.Row(("Currency", "USDTTRC20"), ("Address", TronContract[..^1] + "u")),
            Rows.Row(("Token", "LTC"), ("Recipient", BitcoinGenesis)),
            Rows.Row(("Currency", "USDTBEP20"), ("To", Rows.Evm(5).ToLowerInvariant())),
            Rows.Row(("Currency", "ETH"), ("WalletAddress", Rows.Evm(6).ToUpperInvariant().Replace("0X", "0x"))),
            Rows.Row(("Currency", "DOT"), ("Address", "15oF4uVJwmo4TdGW7VfQxNLavjCXviqxT9S1MgbjMNHr6Sp5")),
            Rows.Row(("Currency", "NOPE"), ("Address", Rows.Evm(8))),
            Rows.Row(("Currency", "USDTBEP20"), ("Address", " " + Rows.Evm(9) + "\u200B ")),
        };
        var result = ps.Run("$args[0] | Test-NordPayAddress -Verbose", (object)rows);
        var (posts, readsByFile) = (sandbox.State.PostsReceived, CurrencyReads(sandbox));
        ps.Run("Test-NordPayAddress USDTTRC20 $args[0]", TronContract);
        var readsByKnown = CurrencyReads(sandbox);
        var unknown = ps.Run("Test-NordPayAddress NOPE $args[0]", TronContract);
        return new FileChecked(rows, result, posts, new[] { readsByFile, readsByKnown, CurrencyReads(sandbox) }, unknown);
    });

    [Fact]
    public void Test_NordPayAddress_checks_a_file_row_by_row()
    {
        var checks = CheckedFile.Result.Objects<NordPayAddressCheck>().ToList();
        Assert.Equal(
            new[]
            {
                NordPayAddressStatus.Verified, NordPayAddressStatus.WrongNetwork, NordPayAddressStatus.ChecksumInvalid, NordPayAddressStatus.WrongNetwork,
                NordPayAddressStatus.NoChecksum, NordPayAddressStatus.NoChecksum, NordPayAddressStatus.NetworkNotChecked, NordPayAddressStatus.Invalid,
            },
            checks.Select(c => c.Status));
        Assert.Equal(new[] { true, false, false, false, true, true, true, false }, checks.Select(c => c.Valid));
        Assert.Equal(new[] { "BEP20", "BEP20", "TRC20", "LTC", "BEP20", "ERC20", "DOT", "BEP20" }, checks.Select(c => c.Network));
        Assert.Equal("This is a TRC20 address; USDTBEP20 pays on BEP20.", checks[1].Problem);
        Assert.Equal("This is a BTC address; LTC pays on LTC.", checks[3].Problem);
        Assert.Equal(Rows.Evm(5), checks[4].Checksummed);
        Assert.Contains("U+200B", checks[7].Problem);
    }

    [Fact]
    public void Test_NordPayAddress_fails_a_row_of_an_unknown_currency()
    {
        var error = Assert.Single(CheckedFile.Result.Errors);
        Assert.Equal("CurrencyNotFound,NordPay.Commands.TestNordPayAddressCommand", error.FullyQualifiedErrorId);
        Assert.StartsWith("Row 8 (NOPE ", error.ErrorDetails.Message);
        Assert.Same(CheckedFile.Rows[7], error.TargetObject);
        Assert.Equal("CurrencyNotFound", Assert.Single(CheckedFile.UnknownCurrency.Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Test_NordPayAddress_says_why_it_could_not_check_an_address()
    {
        var result = CheckedFile.Result;
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith($"Row 5: {Rows.Evm(5).ToLowerInvariant()} could not be checked.", warning);
        Assert.Contains(result.Verbose, v => v.StartsWith("Row 6: Its letters are all upper-case", StringComparison.Ordinal));
        Assert.Contains(result.Verbose, v => v.StartsWith("Row 7: The module does not know DOT addresses", StringComparison.Ordinal));
    }

    [Fact]
    public void Test_NordPayAddress_sends_nothing() => Assert.Equal(0, CheckedFile.Posts);

    // The session keeps the list, and reads it again for a currency the list lacks.
    [Fact]
    public void Test_NordPayAddress_reads_the_currency_list_again_only_for_a_currency_it_lacks() => Assert.Equal(new[] { 1, 1, 2 }, CheckedFile.CurrencyReads);

    [Fact]
    public void Test_NordPayAddress_checks_with_the_modules_own_table_after_one_attempt_when_the_currency_list_cannot_be_read()
    {
        using var ps = PowerShellSession.Interactive();
        ps.SetKey("np_key_for_closed_port_3", Sandboxes.ClosedPort());
        var rows = new[]
        {
            Rows.Row(("Currency", "USDTTRC20"), ("Address", TronContract)),
            Rows.Row(("Currency", "USDTBEP20"), ("Address", TronContract)),
            Rows.Row(("Currency", "NOPE"), ("Address", TronContract)),
            Rows.Row(("Currency", "ETH"), ("Address", BadChecksum(Rows.Evm(4)))),
        };

        var result = ps.Run("$args[0] | Test-NordPayAddress -Verbose", (object)rows);

        var checks = result.Objects<NordPayAddressCheck>().ToList();
        Assert.Equal(new[] { NordPayAddressStatus.Verified, NordPayAddressStatus.WrongNetwork, NordPayAddressStatus.ChecksumInvalid }, checks.Select(c => c.Status));
        Assert.Equal(new[] { "TRC20", "BEP20", "ERC20" }, checks.Select(c => c.Network));
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("NordPay's currency list could not be read, so addresses are checked for the networks the module's own table names", warning);
        Assert.Contains("Could not reach NordPay", warning);
        var error = Assert.Single(result.Errors);
        Assert.Equal("CurrencyNotFound,NordPay.Commands.TestNordPayAddressCommand", error.FullyQualifiedErrorId);
        Assert.Contains("The module's own table of currencies has no 'NOPE'", error.ErrorDetails.Message);
        // One attempt for the whole call, never retried: the check does not need NordPay.
        Assert.Single(result.Verbose, v => v.Contains("could not connect", StringComparison.Ordinal));
        Assert.DoesNotContain(result.Verbose, v => v.Contains("; retry ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_checksum_a_wrong_network_or_an_invisible_character_is_refused_before_any_request()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Rows.Payouts(
            ("USDTBEP20", Rows.Evm(1), "5"),
            ("USDTBEP20", TronContract, "5"),
            ("USDTBEP20", BadChecksum(Rows.Evm(3)), "5"),
            ("USDTTRC20", Rows.Tron(4) + "\u200B", "30"),
            ("LTC", BitcoinGenesis, "0.1"),
            ("USDTBEP20", Rows.Evm(6).ToLowerInvariant(), "6"),
            ("USDTBEP20", Rows.Evm(7).ToLowerInvariant(), "7"),
            ("USDTTRC20", Rows.Tron(8), "30"),
            ("USDTTRC20", "\u200E" + Rows.Tron(9), "30"),
            ("BTC", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "0.001"));

        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)rows);

        Assert.Equal(new[] { (2, "AddressWrongNetwork"), (3, "AddressChecksumInvalid"), (4, "InvalidAddress"), (5, "AddressWrongNetwork"), (9, "InvalidAddress") },
            result.Errors.Select(e => (int.Parse(Regex.Match(e.ErrorDetails.Message, @"^Row (\d+)").Groups[1].Value), e.FullyQualifiedErrorId.Split(',')[0])));
        foreach (var error in result.Errors)
        {
            Assert.Equal(ErrorCategory.InvalidArgument, error.CategoryInfo.Category);
            Assert.Contains(", Address: ", error.ErrorDetails.Message);
            Assert.Contains(rows, r => ReferenceEquals(r, error.TargetObject));
            Assert.False(string.IsNullOrEmpty(error.ErrorDetails.RecommendedAction));
        }
        Assert.EndsWith("This is a TRC20 address; USDTBEP20 pays on BEP20.", result.Errors[0].ErrorDetails.Message);
        Assert.Contains("U+200B at character 35", result.Errors[2].ErrorDetails.Message);

        Assert.Equal(5, sandbox.Posts("withdraw/request"));
        Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(6).ToLowerInvariant(), Rows.Evm(7).ToLowerInvariant(), Rows.Tron(8), "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq" },
            result.Objects<NordPayWithdrawRequest>().Select(r => r.Address));
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("Row 6: ", warning);
        Assert.Contains(Rows.Evm(6), warning);
        Assert.Equal(1, CurrencyReads(sandbox));
    }

    /// <summary>Two rows requested while the currency list answers 503 twice (the POSTs sent by then), then requested again.</summary>
    private (SandboxServer Sandbox, RunResult Failed, int PostsAfterFailing, RunResult Requested) CurrencyListDown => runs.Of(nameof(CurrencyListDown), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        sandbox.State.Faults.Add(FaultRule.Answer("currencies/", 503, """{"detail":"maintenance"}""", times: 2));
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "5"), ("USDTBEP20", Rows.Evm(2), "5"));
        var failed = ps.Run("$args[0] | New-NordPayWithdrawRequest -MaximumRetryCount 0", (object)rows);
        var posts = sandbox.State.PostsReceived;
        return (sandbox, failed, posts, ps.Run("$args[0] | New-NordPayWithdrawRequest -MaximumRetryCount 0", (object)rows));
    });

    [Fact]
    public void A_currency_list_that_cannot_be_read_fails_the_row_with_nothing_sent()
    {
        var run = CurrencyListDown;
        Assert.Equal(2, run.Failed.Errors.Count);
        Assert.All(run.Failed.Errors, e =>
        {
            Assert.Equal("ServerError", e.FullyQualifiedErrorId.Split(',')[0]);
            Assert.Contains("currency list could not be read, so the address could not be checked and nothing was sent", e.ErrorDetails.Message);
        });
        Assert.Equal(0, run.PostsAfterFailing);
    }

    [Fact]
    public void The_call_after_a_currency_list_could_not_be_read_reads_it_again()
    {
        var run = CurrencyListDown;
        Assert.Empty(run.Requested.Errors);
        Assert.Equal(2, run.Sandbox.Posts("withdraw/request"));
        Assert.Equal(3, CurrencyReads(run.Sandbox));
    }

    [Fact]
    public void A_currency_the_list_lacks_is_refused_locally_after_one_fresh_read_per_call()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        ps.Run("Get-NordPayCurrency");
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest", (object)Rows.Payouts(("NOPE", Rows.Evm(1), "5"), ("NOPE", Rows.Evm(2), "5"), ("USDTBEP20", Rows.Evm(3), "5")));
        Assert.Equal(new[] { "CurrencyNotFound", "CurrencyNotFound" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.All(result.Errors, e => Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category));
        Assert.Equal(1, sandbox.Posts("withdraw/request"));
        Assert.Equal(2, CurrencyReads(sandbox));
    }

    /// <summary>A batch of seven rows: a wrong checksum, two wrong networks, two EVM addresses without a checksum.</summary>
    private (SandboxServer Sandbox, RunResult Result) PreflightChecked => runs.Of(nameof(PreflightChecked), () =>
    {
        var sandbox = runs.Keep(Sandboxes.Start());
        var ps = runs.Keep(PowerShellSession.For(sandbox));
        var journal = Path.Combine(Path.GetTempPath(), "nordpay-tests", Guid.NewGuid().ToString("N"), "batch.journal");
        var rows = new[]
        {
            Rows.Referenced("A", "USDTBEP20", Rows.Evm(1), "5"),
            Rows.Referenced("B", "USDTBEP20", BadChecksum(Rows.Evm(2)), "5"),
            Rows.Referenced("C", "USDTTRC20", Rows.Evm(3), "30"),
            Rows.Referenced("D", "LTC", "bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq", "0.1"),
            Rows.Referenced("E", "USDTBEP20", Rows.Evm(5).ToLowerInvariant(), "5"),
            Rows.Referenced("F", "USDTBEP20", Rows.Evm(6).ToLowerInvariant(), "5"),
            Rows.Referenced("G", "USDTTRC20", Rows.Tron(7), "30"),
        };

        return (sandbox, ps.Run("$args[0] | Invoke-NordPayPayout -JournalPath $args[1] -Force", rows, journal));
    });

    [Fact]
    public void The_batch_preflight_refuses_wrong_checksums_or_networks()
    {
        var result = PreflightChecked.Result;
        Assert.Equal(new[] { "AddressChecksumInvalid", "AddressWrongNetwork", "AddressWrongNetwork" }, result.Errors.Select(e => e.FullyQualifiedErrorId.Split(',')[0]));
        Assert.Equal(new[] { "B", "C", "D" }, result.Errors.Select(e => (string)((PSObject)e.TargetObject).Properties["PayoutId"].Value));
        Assert.Contains("This is an EVM address", result.Errors[1].ErrorDetails.Message);
        Assert.Contains("This is a BTC address; LTC pays on LTC.", result.Errors[2].ErrorDetails.Message);
    }

    [Fact]
    public void The_batch_preflight_warns_once_for_addresses_without_checksum() => Assert.StartsWith("Row 5: ", Assert.Single(PreflightChecked.Result.Warnings));

    [Fact]
    public void The_batch_pays_the_rows_its_preflight_let_through()
    {
        var sandbox = PreflightChecked.Sandbox;
        Assert.Equal(new[] { Rows.Evm(1), Rows.Evm(5).ToLowerInvariant(), Rows.Evm(6).ToLowerInvariant(), Rows.Tron(7) }, sandbox.State.Ledger.Select(w => w.Address));
        Assert.Equal(4, sandbox.Posts("withdraw/request"));
    }
}
