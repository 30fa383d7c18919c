using System.Globalization;
using System.Text.Json;

namespace NordPay.Sandbox;

/// <summary>The body of POST balance/withdraw/request.</summary>
internal sealed record WithdrawRequestBody(string Currency, string Address, decimal Amount);

/// <summary>The body of POST balance/withdraw/multiple/request.</summary>
internal sealed record MultipleWithdrawRequestBody(string Currency, IReadOnlyList<(string Address, decimal Amount)> Items);

/// <summary>The body of both confirms.</summary>
internal sealed record ConfirmBody(Guid Identifier);

/// <summary>
/// Reads request bodies as NordPay's FastAPI does: a body that is not a JSON object, or whose fields are missing or of
/// the wrong type, is a 422 listing every issue found, with pydantic's locations, messages and types.
/// </summary>
internal static class RequestValidation
{
    /// <summary>The body read by <paramref name="validate"/>, or the 422 it is answered with.</summary>
    public static async Task<(T? Body, ApiFailure? Invalid)> ReadAsync<T>(HttpRequest request, Func<JsonElement, List<ValidationIssue>, T?> validate)
        where T : class
    {
        using var document = await ParseAsync(request.Body);
        if (document?.RootElement.ValueKind != JsonValueKind.Object)
            return (null, ApiFailure.Invalid(new ValidationIssue(new[] { "body" }, "JSON decode error", "json_invalid")));
        var issues = new List<ValidationIssue>();
        var body = validate(document.RootElement, issues);
        return issues.Count > 0 ? (null, ApiFailure.Invalid(issues.ToArray())) : (body, null);
    }

    public static WithdrawRequestBody? WithdrawRequest(JsonElement body, List<ValidationIssue> issues)
    {
        var currency = RequiredString(body, "currency", issues);
        var address = RequiredString(body, "address", issues);
        var amount = RequiredAmount(body, issues);
        return currency != null && address != null && amount != null ? new WithdrawRequestBody(currency, address, amount.Value) : null;
    }

    public static MultipleWithdrawRequestBody? MultipleWithdrawRequest(JsonElement body, List<ValidationIssue> issues)
    {
        var currency = RequiredString(body, "currency", issues);
        var items = new List<(string Address, decimal Amount)>();
        if (!body.TryGetProperty("addresses_and_amounts", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            issues.Add(InBody("List should have at least 1 item", "too_short", "addresses_and_amounts"));
        else
        {
            var i = 0;
            foreach (var pair in list.EnumerateArray())
            {
                var index = i.ToString(CultureInfo.InvariantCulture);
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair[0].ValueKind != JsonValueKind.String)
                    issues.Add(InBody("Input should be a valid list of [address, amount]", "list_type", "addresses_and_amounts", index));
                else if (ParseAmount(pair[1]) is { } amount && amount > 0)
                    items.Add((pair[0].GetString()!, amount));
                else
                    issues.Add(InBody("Input should be a valid decimal greater than 0", "decimal_parsing", "addresses_and_amounts", index, "1"));
                i++;
            }
        }
        return currency != null ? new MultipleWithdrawRequestBody(currency, items) : null;
    }

    // The confirms' one field: missing, not a string, empty, or not a UUID.
    public static ConfirmBody? Confirm(JsonElement body, List<ValidationIssue> issues)
    {
        if (RequiredString(body, "identifier", issues) is not { } text) return null;
        if (Guid.TryParse(text, out var identifier)) return new ConfirmBody(identifier);
        issues.Add(InBody("Input should be a valid UUID", "uuid_parsing", "identifier"));
        return null;
    }

    private static async Task<JsonDocument?> ParseAsync(Stream body)
    {
        try
        {
            return await JsonDocument.ParseAsync(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? RequiredString(JsonElement body, string name, List<ValidationIssue> issues)
    {
        if (!body.TryGetProperty(name, out var value))
            issues.Add(InBody("Field required", "missing", name));
        else if (value.ValueKind != JsonValueKind.String)
            issues.Add(InBody("Input should be a valid string", "string_type", name));
        else if (value.GetString()!.Length == 0)
            issues.Add(InBody("String should have at least 1 character", "string_too_short", name));
        else
            return value.GetString();
        return null;
    }

    private static decimal? RequiredAmount(JsonElement body, List<ValidationIssue> issues)
    {
        if (!body.TryGetProperty("amount", out var value))
            issues.Add(InBody("Field required", "missing", "amount"));
        else if (ParseAmount(value) is not { } amount)
            issues.Add(InBody("Input should be a valid decimal", "decimal_parsing", "amount"));
        else if (amount <= 0)
            issues.Add(InBody("Input should be greater than 0", "greater_than", "amount"));
        else
            return amount;
        return null;
    }

    // pydantic's Decimal: a JSON number or a numeric string, read exactly.
    private static decimal? ParseAmount(JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.String => value.GetString(),
            _ => null,
        };
        return text != null && decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount) ? amount : null;
    }

    private static ValidationIssue InBody(string message, string type, params string[] path) => new(path.Prepend("body").ToArray(), message, type);
}
