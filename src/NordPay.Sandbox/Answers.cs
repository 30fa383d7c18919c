using System.Globalization;
using System.Text.Json;

namespace NordPay.Sandbox;

/// <summary>The API's answers, field by field as NordPay writes them, in either shape of <see cref="Wire"/>.</summary>
internal static class Answers
{
    public static IResult Currencies(Wire wire, SandboxState state) => wire.Ok(w =>
    {
        w.WriteStartArray();
        foreach (var c in state.Currencies)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("token", c.Token);
            w.WriteString("network", c.Network);
            w.WriteNumber("decimals", c.Decimals);
            wire.Money(w, "min_withdraw", c.MinWithdraw, 18);
            wire.Money(w, "rate", c.Rate, 8);
            w.WriteBoolean("is_available", c.IsAvailable);
            w.WriteBoolean("can_withdraw", c.CanWithdraw);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    public static IResult Balances(Wire wire, SandboxState state) => wire.Ok(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("balances");
        foreach (var (name, amount) in state.Balances) wire.Money(w, name, amount, Decimals(state, name));
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>Per withdrawable currency: its minimum, the most one withdrawal can ask, the fee percent (a string, as live) and the balance.</summary>
    public static IResult Limits(Wire wire, SandboxState state) => wire.Ok(w =>
    {
        var balances = state.Balances;
        w.WriteStartArray();
        foreach (var c in state.Currencies.Where(c => c.Withdrawable))
        {
            var balance = balances[c.Name];
            w.WriteStartObject();
            w.WriteString("currency", c.Name);
            wire.Money(w, "min_amount", c.MinWithdraw, c.Decimals);
            wire.Money(w, "max_amount", state.MaxWithdraw(c, balance), c.Decimals);
            w.WriteString("fee_percent", state.FeePercent.ToString(CultureInfo.InvariantCulture));
            wire.Money(w, "available_balance", balance, c.Decimals);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>One page of the ledger, newest first.</summary>
    public static IResult History(Wire wire, SandboxState state, HistoryPaging paging, int offset, int limit, string? currency, string? status, string? sort) => wire.Ok(w =>
    {
        var oldestFirst = paging.SortIgnored || sort == "created_at:asc";
        var matching = (oldestFirst ? state.Ledger : state.Ledger.Reverse())
            .Where(x => currency == null || x.Currency == currency)
            .Where(x => status == null || x.Status == status)
            .ToList();
        if (paging.OffsetIgnored) offset = 0;
        if (paging.PageCap is { } cap) limit = Math.Min(limit, cap);
        w.WriteStartObject();
        w.WriteStartArray("items");
        foreach (var x in matching.Skip(offset).Take(limit))
        {
            var decimals = Decimals(state, x.Currency);
            w.WriteStartObject();
            w.WriteNumber("id", x.Id);
            w.WriteString("currency", x.Currency);
            w.WriteString("address", x.Address);
            w.WriteString("tx_hash", x.TxHash);
            wire.Money(w, "amount", x.Amount, decimals);
            wire.Money(w, "amount_usd", x.AmountUsd, 2);
            wire.Money(w, "service_fee", x.ServiceFee, decimals);
            wire.Money(w, "service_fee_usd", x.ServiceFeeUsd, 2);
            w.WriteString("status", x.Status);
            w.WriteString("created_at", x.CreatedAt);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteNumber("total", matching.Count);
        w.WriteNumber("offset", offset);
        w.WriteNumber("limit", limit);
        w.WriteNumber("total_pages", (matching.Count + limit - 1) / limit);
        w.WriteEndObject();
    });

    public static IResult Requested(Wire wire, SandboxState state, WithdrawRequest request)
    {
        var decimals = Decimals(state, request.Currency);
        return Requested(wire, request.Identifier, request.Currency, request.ExpiresAt, w =>
        {
            w.WriteString("address", request.Address);
            wire.Money(w, "amount", request.Amount, decimals);
            wire.Money(w, "amount_usd", request.AmountUsd, 2);
            wire.Money(w, "service_fee", request.ServiceFee, decimals);
            wire.Money(w, "service_fee_usd", request.ServiceFeeUsd, 2);
        });
    }

    public static IResult Requested(Wire wire, SandboxState state, MultipleWithdrawRequest request)
    {
        var decimals = Decimals(state, request.Currency);
        return Requested(wire, request.Identifier, request.Currency, request.ExpiresAt, w =>
        {
            wire.Money(w, "total_amount", request.TotalAmount, decimals);
            wire.Money(w, "total_service_fee", request.TotalServiceFee, decimals);
            w.WriteNumber("addresses_count", request.Parts.Count);
        });
    }

    public static IResult Confirmed(Wire wire, Withdrawal withdrawal) =>
        Confirmed(wire, "Withdrawal request created and waiting for admin approval", withdrawal.Status, withdrawal.Id);

    public static IResult Confirmed(Wire wire, long batchId) =>
        Confirmed(wire, "Multiple withdrawal request created and waiting for admin approval", "pending", batchId);

    // Both request answers: the identifier to confirm, the currency, what is asked, and when the request expires.
    private static IResult Requested(Wire wire, Guid identifier, string currency, DateTimeOffset expiresAt, Action<Utf8JsonWriter> writeAmounts) =>
        wire.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("identifier", identifier);
            w.WriteString("currency", currency);
            writeAmounts(w);
            w.WriteString("expires_at", Timestamp(expiresAt));
            w.WriteEndObject();
        });

    private static IResult Confirmed(Wire wire, string detail, string status, long id) => wire.Ok(w =>
    {
        w.WriteStartObject();
        w.WriteString("detail", detail);
        w.WriteString("status", status);
        w.WriteNumber("id", id);
        w.WriteEndObject();
    });

    private static int Decimals(SandboxState state, string currency) => state.FindCurrency(currency)!.Decimals;

    // As NordPay writes times: microseconds and Z.
    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
