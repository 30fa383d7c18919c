namespace NordPay.Sandbox;

/// <summary>A pending withdraw request (step one), waiting for its confirm.</summary>
public sealed record WithdrawRequest(Guid Identifier, string Currency, string Address, decimal Amount, decimal ServiceFee,
    decimal AmountUsd, decimal ServiceFeeUsd, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt);

/// <summary>A pending multiple withdraw request: many addresses in one currency, confirmed together.</summary>
public sealed record MultipleWithdrawRequest(Guid Identifier, string Currency, IReadOnlyList<WithdrawRequest> Parts, DateTimeOffset ExpiresAt)
{
    public decimal TotalAmount => Parts.Sum(p => p.Amount);
    public decimal TotalServiceFee => Parts.Sum(p => p.ServiceFee);
}

/// <summary>A confirmed withdrawal in the ledger: the balance was debited by Amount + ServiceFee.</summary>
public sealed record Withdrawal(long Id, Guid Identifier, string Currency, string Address, decimal Amount, decimal ServiceFee,
    decimal AmountUsd, decimal ServiceFeeUsd, string Status, DateTimeOffset CreatedAt)
{
    /// <summary>Empty until an admin approves the withdrawal, as live NordPay shows it.</summary>
    public string TxHash { get; init; } = "";
}

/// <summary>One HTTP request as it reached the sandbox; Body is the text of a POST's body, empty otherwise.</summary>
public sealed record ReceivedRequest(string Method, string Path, string Body);
