namespace NordPay.Models
{
    /// <summary>A currency as NordPay lists it: its network, on-chain decimals, minimum withdrawal and availability.</summary>
    public sealed record NordPayCurrency
    {
        public NordPayCurrency(string name, string? token, string network, int decimals, decimal? minWithdraw, decimal? rate,
            bool isAvailable, bool canWithdraw)
        {
            Name = name;
            Token = token;
            Network = network;
            Decimals = decimals;
            MinWithdraw = minWithdraw;
            Rate = rate;
            IsAvailable = isAvailable;
            CanWithdraw = canWithdraw;
        }

        /// <summary>The name every other call uses, such as USDTTRC20.</summary>
        public string Name { get; }
        public string? Token { get; }
        public string Network { get; }
        public int Decimals { get; }
        public decimal? MinWithdraw { get; }
        public decimal? Rate { get; }
        public bool IsAvailable { get; }
        public bool CanWithdraw { get; }

        /// <summary>Both flags: NordPay lists for withdrawal only currencies that are available and withdrawable.</summary>
        public bool Withdrawable => IsAvailable && CanWithdraw;

        internal static NordPayCurrency Read(JsonPayload c) =>
            new NordPayCurrency(c.String("name"), c.OptionalString("token"), c.String("network"), (int)c.Int64("decimals"),
                c.OptionalDecimal("min_withdraw"), c.OptionalDecimal("rate"), c.Boolean("is_available"), c.Boolean("can_withdraw"));

        public override string ToString() => Name;
    }
}
