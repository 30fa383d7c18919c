using System.Management.Automation;
using System.Net.Http;
using System.Xml.Linq;
using NordPay.Sandbox;
using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Commands;

/// <summary>Get-NordPayCurrency, Get-NordPayBalance, Get-NordPayWithdrawal, -Currency completion and the format views.</summary>
public class DiscoveryTests(SharedRuns runs) : IClassFixture<SharedRuns>
{
    // A session of a fresh sandbox, for the tests that only read.
    private PowerShellSession Reader => runs.Of(nameof(Reader), () => runs.Keep(PowerShellSession.For(runs.Keep(Sandboxes.Start()))));

    private IEnumerable<string> CurrencyNames(string parameters) =>
        Reader.Run($"Get-NordPayCurrency {parameters} | ForEach-Object Name").Output.Select(o => (string)o.BaseObject).OrderBy(n => n);

    [Fact]
    public void Currencies_are_listed_with_their_figures()
    {
        var all = Reader.Run("Get-NordPayCurrency").Objects<NordPayCurrency>().ToList();
        Assert.Equal(NordPay.Sandbox.Currency.Seed.Count, all.Count);
        var trc20 = all.Single(c => c.Name == "USDTTRC20");
        Assert.Equal(("USDT", "TRC20", 6, 25m, true), (trc20.Token, trc20.Network, trc20.Decimals, trc20.MinWithdraw!.Value, trc20.Withdrawable));
    }

    [Fact]
    public void Currencies_are_filtered_by_name() => Assert.Equal(new[] { "USDTBEP20", "USDTERC20", "USDTTRC20" }, CurrencyNames("USDT*20"));

    [Fact]
    public void Currencies_are_filtered_by_network() => Assert.Equal(new[] { "TRX", "USDTTRC20" }, CurrencyNames("-Network trc20"));

    [Fact]
    public void Currencies_are_filtered_by_availability()
    {
        var withdrawable = CurrencyNames("-Withdrawable").ToList();
        Assert.DoesNotContain("USDTARB", withdrawable);
        Assert.DoesNotContain("DOGE", withdrawable);
        Assert.Contains("xDAI", withdrawable);
    }

    [Fact]
    public void Balances_show_what_the_merchant_holds()
    {
        using var sandbox = Sandboxes.Start(new NordPay.Sandbox.SandboxOptions { Balances = new Dictionary<string, decimal> { ["BTC"] = 0.00018m } });
        using var ps = PowerShellSession.For(sandbox);
        var balances = ps.Run("Get-NordPayBalance").Objects<NordPayBalance>().ToList();
        Assert.Equal(0.00018m, balances.Single(b => b.Currency == "BTC").Amount);
        Assert.DoesNotContain(balances, b => b.Currency == "DOGE");
        Assert.Contains(ps.Run("Get-NordPayBalance -IncludeZero").Objects<NordPayBalance>(), b => b.Currency == "DOGE" && b.Amount == 0m);
        Assert.Equal(new[] { "USDTBEP20", "USDTERC20", "USDTTRC20" }, ps.Run("Get-NordPayBalance USDT*20").Objects<NordPayBalance>().Select(b => b.Currency));
    }

    // Five payouts, four in USDTBEP20 and one in USDTTRC20, confirmed: withdrawals W(1) to W(5), all pending.
    private static (SandboxServer Sandbox, PowerShellSession Session, List<NordPayWithdrawConfirmation> Confirmed) FiveWithdrawals()
    {
        var sandbox = Sandboxes.Start();
        var ps = PowerShellSession.For(sandbox);
        var rows = Enumerable.Range(1, 5).Select(i => Rows.Payout(i == 5 ? "USDTTRC20" : "USDTBEP20", i == 5 ? Rows.Tron(i) : Rows.Evm(i), $"{25 + i}")).ToArray();
        var confirmed = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", (object)rows).Objects<NordPayWithdrawConfirmation>().ToList();
        Assert.Equal(5, confirmed.Count);
        return (sandbox, ps, confirmed);
    }

    // Five withdrawals for the tests that only read them.
    private (SandboxServer Sandbox, PowerShellSession Session, List<NordPayWithdrawConfirmation> Confirmed) FiveToRead => runs.Of(nameof(FiveToRead), () =>
    {
        var five = FiveWithdrawals();
        runs.Keep(five.Sandbox);
        runs.Keep(five.Session);
        return five;
    });

    // The id of the nth withdrawal the sandbox made (its ids start where no other sandbox's do).
    private static long W(SandboxServer sandbox, int n) => sandbox.State.Ledger[n - 1].Id;

    [Fact]
    public void Withdrawals_are_listed_newest_first()
    {
        var (sandbox, ps, _) = FiveToRead;
        Assert.Equal(new[] { W(sandbox, 5), W(sandbox, 4), W(sandbox, 3), W(sandbox, 2), W(sandbox, 1) },
            ps.Run("Get-NordPayWithdrawal").Objects<NordPayWithdrawal>().Select(w => w.Id));
    }

    [Fact]
    public void Withdrawals_are_paged_with_Skip_then_First()
    {
        var (sandbox, ps, _) = FiveToRead;
        Assert.Equal(new[] { W(sandbox, 3), W(sandbox, 2) }, ps.Run("Get-NordPayWithdrawal -Skip 1 -First 2 -Currency USDTBEP20").Objects<NordPayWithdrawal>().Select(w => w.Id));
    }

    [Fact]
    public void IncludeTotalCount_outputs_the_count_beside_the_page()
    {
        var counted = FiveToRead.Session.Run("Get-NordPayWithdrawal -First 1 -IncludeTotalCount").Output;
        Assert.Single(counted, o => o.BaseObject is NordPayWithdrawal);
        Assert.Single(counted, o => o.BaseObject is ulong);
    }

    [Fact]
    public void Withdrawals_are_filtered_by_status()
    {
        var (sandbox, ps, _) = FiveWithdrawals();
        using (sandbox)
        using (ps)
        {
            sandbox.State.SetStatus(W(sandbox, 2), "cancelled");
            Assert.Equal(new[] { W(sandbox, 2) }, ps.Run("Get-NordPayWithdrawal -Status cancelled").Objects<NordPayWithdrawal>().Select(w => w.Id));
        }
    }

    [Fact]
    public void Piped_confirmations_of_two_currencies_are_each_found_in_their_own_currencys_history()
    {
        var (sandbox, ps, confirmed) = FiveToRead;
        var byId = ps.Run("$args[0] | Get-NordPayWithdrawal", (object)confirmed.Skip(3).ToArray()).Objects<NordPayWithdrawal>().ToList();
        Assert.Equal(new[] { W(sandbox, 5), W(sandbox, 4) }, byId.Select(w => w.Id));
    }

    [Fact]
    public void A_withdrawal_id_not_in_the_history_is_an_error()
    {
        var (sandbox, ps, _) = FiveToRead;
        Assert.Equal("WithdrawalNotFound", Assert.Single(ps.Run("Get-NordPayWithdrawal -Id $args[0]", W(sandbox, 5) + 1).Errors).FullyQualifiedErrorId.Split(',')[0]);
    }

    [Fact]
    public void Wait_returns_once_the_admin_processed_or_cancelled_each_withdrawal()
    {
        var (sandbox, ps, _) = FiveWithdrawals();
        using (sandbox)
        using (ps)
        {
            var (shell, running) = ps.Begin("Get-NordPayWithdrawal -Id $args[0], $args[1] -Wait -PollIntervalSec 0.05 -WaitTimeoutSec 30", W(sandbox, 3), W(sandbox, 4));
            using (shell)
            {
                Thread.Sleep(200);
                Assert.False(running.IsCompleted);
                sandbox.State.SetStatus(W(sandbox, 3), "processed");
                sandbox.State.SetStatus(W(sandbox, 4), "cancelled");
                var waited = shell.EndInvoke(running).Select(o => (NordPayWithdrawal)o.BaseObject).ToList();
                Assert.Equal(new[] { "cancelled", "processed" }, waited.Select(w => w.Status));
                Assert.NotNull(waited.Single(w => w.Id == W(sandbox, 3)).TxHash);
                Assert.Null(waited.Single(w => w.Id == W(sandbox, 4)).TxHash);
            }
        }
    }

    [Fact]
    public void Wait_past_its_timeout_is_WaitTimedOut_with_the_withdrawal_still_pending()
    {
        var (sandbox, ps, _) = FiveWithdrawals();
        using (sandbox)
        using (ps)
        {
            var timedOut = ps.Run("Get-NordPayWithdrawal -Id $args[0] -Wait -PollIntervalSec 0.05 -WaitTimeoutSec 1", W(sandbox, 5));
            Assert.Equal("WaitTimedOut", Assert.Single(timedOut.Errors).FullyQualifiedErrorId.Split(',')[0]);
            Assert.Equal("pending", Assert.Single(timedOut.Objects<NordPayWithdrawal>()).Status);
        }
    }

    private const string Complete = "(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object CompletionText";

    [Fact]
    public void Currency_completes_offline_from_the_built_in_list()
    {
        using var offline = PowerShellSession.Interactive();
        Assert.Equal(new[] { "USDTTRC20" }, offline.Run(Complete, "New-NordPayWithdrawRequest -Currency usdtt").Output.Select(o => (string)o.BaseObject));
    }

    [Fact]
    public void Currency_completes_from_the_session_list_read_once()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var live = ps.Run(Complete, "Invoke-NordPayPayout -Currency USDT").Output.Select(o => (string)o.BaseObject).ToList();
        Assert.Contains("USDTARB", live);
        Assert.Contains("USDTBEP20", live);
        Assert.Equal(1, sandbox.State.Received.Count(r => r.Path.EndsWith("currencies/", StringComparison.Ordinal)));
        ps.Run(Complete, "Get-NordPayBalance -Currency x");
        Assert.Equal(1, sandbox.State.Received.Count(r => r.Path.EndsWith("currencies/", StringComparison.Ordinal)));
        Assert.Equal(new[] { "xDAI" }, ps.Run(Complete, "Get-NordPayWithdrawal -Currency x").Output.Select(o => (string)o.BaseObject));
    }

    private static readonly List<Type> OutputTypes = typeof(NordPay.Commands.NordPayCmdlet).Assembly.GetTypes()
        .SelectMany(t => t.GetCustomAttributes(typeof(OutputTypeAttribute), false).Cast<OutputTypeAttribute>())
        .SelectMany(a => a.Type).Select(t => t.Type).OfType<Type>().Append(typeof(NordPayAuditRecord)).Distinct().ToList();

    // A policy's limits and address book are output within it, and shown by views of their own.
    public static TheoryData<Type> ViewedTypes() => new(OutputTypes.Append(typeof(NordPayCurrencyLimit)).Append(typeof(NordPayAddressBookEntry)));

    private static List<XElement> ViewsOf(Type type) => XDocument.Load(Path.Combine(ModuleLayout.ModuleDirectory, "NordPay.Format.ps1xml")).Descendants("View")
        .Where(v => v.Descendants("TypeName").Single().Value == type.FullName).ToList();

    [Fact]
    public void The_cmdlets_declare_the_fourteen_output_types() => Assert.Equal(14, OutputTypes.Count);

    [Theory]
    [MemberData(nameof(ViewedTypes))]
    public void An_output_type_has_a_table_view(Type type) => Assert.Single(ViewsOf(type), v => v.Element("TableControl") != null);

    [Theory]
    [MemberData(nameof(ViewedTypes))]
    public void An_output_type_has_a_list_view_of_every_property(Type type)
    {
        var list = Assert.Single(ViewsOf(type), v => v.Element("ListControl") != null);
        // A property is listed by name, or by a script block labelled with its name that shows a collection whole.
        var listed = list.Descendants("ListItem").Select(i => (i.Element("PropertyName") ?? i.Element("Label"))!.Value);
        Assert.Equal(type.GetProperties().Select(p => p.Name).OrderBy(n => n), listed.OrderBy(n => n));
    }
}
