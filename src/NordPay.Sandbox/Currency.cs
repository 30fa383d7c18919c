namespace NordPay.Sandbox;

/// <summary>A currency as NordPay lists it: its on-chain decimals, minimum withdrawal and availability flags.</summary>
public sealed record Currency(string Name, string? Token, string Network, int Decimals, decimal MinWithdraw,
    decimal Rate, bool IsAvailable, bool CanWithdraw, decimal SeedBalance)
{
    public bool Withdrawable => IsAvailable && CanWithdraw;

    // Decimals, minimums and flags as NordPay's live list had them on 2026-07-05 (the official Python SDK's live fixtures).
    public static IReadOnlyList<Currency> Seed { get; } = new[]
    {
        new Currency("BTC", null, "BTC", 8, 0.001m, 95000m, true, true, 2m),
        new Currency("LTC", null, "LTC", 8, 0.05m, 90m, true, true, 100m),
        new Currency("ETH", null, "ERC20", 18, 0.002m, 3500m, true, true, 50m),
        new Currency("USDTERC20", "USDT", "ERC20", 6, 5m, 1m, true, true, 100000m),
        new Currency("NEARERC20", "NEAR", "ERC20", 24, 10m, 5m, true, true, 10000m),
        new Currency("BNB", null, "BEP20", 18, 0.0015m, 600m, true, true, 100m),
        new Currency("USDTBEP20", "USDT", "BEP20", 18, 1m, 1m, true, true, 100000m),
        new Currency("USDCBEP20", "USDC", "BEP20", 18, 1m, 1m, true, true, 100000m),
        new Currency("TRX", null, "TRC20", 6, 5m, 0.25m, true, true, 100000m),
        new Currency("USDTTRC20", "USDT", "TRC20", 6, 25m, 1m, true, true, 100000m),
        new Currency("ETHBASE", "ETH", "BASE", 18, 0m, 3500m, true, true, 50m),
        new Currency("xDAI", null, "GNO", 18, 0m, 1m, true, true, 10000m),
        new Currency("USDTARB", "USDT", "ARB", 6, 1m, 1m, false, true, 10000m),
        new Currency("USDTFTM", "USDT", "FTM", 6, 1m, 1m, false, true, 10000m),
        new Currency("DOGE", null, "DOGE", 8, 0m, 0.2m, false, false, 0m),
        new Currency("DOT", null, "DOT", 10, 0m, 5m, false, false, 0m),
    };
}
