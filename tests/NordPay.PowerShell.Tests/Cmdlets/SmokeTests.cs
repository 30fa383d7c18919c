using NordPay.Tests.TestHost;
using Xunit;

namespace NordPay.Tests.Cmdlets;

public class SmokeTests
{
    [Fact]
    public void Pipeline_requests_and_confirms_one_row()
    {
        using var sandbox = Sandboxes.Start();
        using var ps = PowerShellSession.For(sandbox);
        var rows = Rows.Payouts(("USDTBEP20", Rows.Evm(1), "12.5"));
        var result = ps.Run("$args[0] | New-NordPayWithdrawRequest | Confirm-NordPayWithdraw -Force", (object)rows);
        Assert.Null(result.Terminating);
        Assert.Empty(result.Errors);
        var confirmation = Assert.Single(result.Objects<NordPayWithdrawConfirmation>());
        Assert.Equal("pending", confirmation.Status);
        Assert.Single(sandbox.State.Ledger);
    }
}
