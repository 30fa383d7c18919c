using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace NordPay.Sandbox;

/// <summary>
/// A server that misbehaves only where NordPay's documentation is silent: the call is processed for real (a withdraw
/// request may first be booked with another currency, address or amount than asked), and its answer then names a field
/// twice, leaves it out, or gives an identifier already given to another request.
/// </summary>
internal static class Lies
{
    // Written in place of the repeated name: JsonNode keeps one value per name.
    private const string Placeholder = "__sandbox_repeated_field__";
    private static readonly string[] Bookable = { "currency", "address", "amount" };

    public static async Task InvokeAsync(HttpContext context, Func<Task> next, SandboxState state, FaultRule rule)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var asked = rule.Lie != Lie.ReuseIdentifier && path.EndsWith("withdraw/request", StringComparison.Ordinal) && Bookable.Contains(rule.LieField)
            ? await BookAnother(context.Request, rule.LieField!, state)
            : null;
        var previous = rule.Lie == Lie.ReuseIdentifier ? state.LastRequest : null;

        var real = context.Response.Body;
        using var held = new MemoryStream();
        context.Response.Body = held;
        await next();
        context.Response.Body = real;
        var answer = held.ToArray();
        if (context.Response.StatusCode is >= 200 and < 300 && JsonNode.Parse(answer) is JsonObject root)
            answer = Encoding.UTF8.GetBytes(Tell(root, rule, asked, previous, state));
        context.Response.ContentLength = answer.Length;
        await real.WriteAsync(answer, context.RequestAborted);
    }

    // The answer as the lie tells it; the payload is the envelope's data on /v1.
    private static string Tell(JsonObject root, FaultRule rule, JsonNode? asked, Guid? previous, SandboxState state)
    {
        var payload = root.ContainsKey("success") && root["data"] is JsonObject data ? data : root;
        var field = rule.LieField ?? string.Empty;
        switch (rule.Lie)
        {
            case Lie.Omit:
                payload.Remove(field);
                break;
            case Lie.Duplicate when payload.ContainsKey(field):
                payload[Placeholder] = asked ?? Other(payload[field]);
                break;
            case Lie.ReuseIdentifier when previous != null && payload["identifier"]?.GetValue<string>() is { } identifier
                                          && state.Reissue(Guid.Parse(identifier), previous.Value):
                payload["identifier"] = previous.Value.ToString();
                break;
        }
        return root.ToJsonString().Replace($"\"{Placeholder}\"", JsonSerializer.Serialize(field), StringComparison.Ordinal);
    }

    // A value of the same kind that is not this one: an id that does not exist, an empty list.
    private static JsonNode Other(JsonNode? value) => value switch
    {
        JsonValue number when number.TryGetValue<long>(out var n) => JsonValue.Create(n + 1000),
        JsonArray => new JsonArray(),
        JsonObject => new JsonObject(),
        _ => JsonValue.Create("other"),
    };

    // The request is processed as if it asked another currency (one that can be withdrawn), address (its last
    // character changed) or amount (ten times it); returns what was asked, or null when the body is not one to book.
    private static async Task<JsonNode?> BookAnother(HttpRequest request, string field, SandboxState state)
    {
        request.EnableBuffering();
        request.Body.Position = 0;
        using var reader = new StreamReader(request.Body, Encoding.UTF8, leaveOpen: true);
        var text = await reader.ReadToEndAsync();
        request.Body.Position = 0;
        JsonObject? body;
        try
        {
            body = JsonNode.Parse(text) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
        if (body?[field] is not JsonValue asked || asked.GetValueKind() != JsonValueKind.String && field != "amount") return null;
        var value = asked.ToString();
        body[field] = field switch
        {
            "amount" when decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var amount) =>
                asked.GetValueKind() == JsonValueKind.String ? JsonValue.Create((amount * 10).ToString(CultureInfo.InvariantCulture)) : JsonValue.Create(amount * 10),
            "address" when value.Length > 0 => value[..^1] + (value[^1] == '0' ? '1' : '0'),
            "currency" => state.Currencies.Where(c => c.Withdrawable && c.Name != value).OrderByDescending(c => state.Balance(c.Name)).First().Name,
            _ => asked.DeepClone(),
        };
        var bytes = Encoding.UTF8.GetBytes(body.ToJsonString());
        request.Body = new MemoryStream(bytes);
        request.ContentLength = bytes.Length;
        return asked.DeepClone();
    }
}
