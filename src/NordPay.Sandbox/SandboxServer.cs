using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace NordPay.Sandbox;

/// <summary>The local NordPay emulator: a Kestrel server on 127.0.0.1 with an in-memory <see cref="SandboxState"/>.</summary>
public sealed class SandboxServer : IAsyncDisposable, IDisposable
{
    private readonly WebApplication _app;

    private SandboxServer(WebApplication app, SandboxState state, SandboxOptions options, Uri baseUri)
    {
        _app = app;
        State = state;
        Options = options;
        BaseUri = baseUri;
    }

    public SandboxState State { get; }
    public SandboxOptions Options { get; }
    /// <summary>The root of the documented, unversioned API (bare JSON).</summary>
    public Uri BaseUri { get; }
    /// <summary>The root of the /v1 API (the {success, data, error} envelope).</summary>
    public Uri V1BaseUri => new(BaseUri, "v1/");
    public string ApiKey => Options.ApiKey;

    public static async Task<SandboxServer> StartAsync(SandboxOptions options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, options.Port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var state = new SandboxState(options);

        // Recorded on arrival, before any fault can cut the connection: tests count what reached the server. The Date
        // header tells the sandbox's own clock, which tests may move, as NordPay's tells its clock.
        app.Use(async (context, next) =>
        {
            state.Record(new ReceivedRequest(context.Request.Method, context.Request.Path.Value ?? "/", await ReadBodyText(context.Request)));
            context.Response.OnStarting(() =>
            {
                context.Response.Headers.Date = state.Now.ToString("R", CultureInfo.InvariantCulture);
                return Task.CompletedTask;
            });
            await next();
        });
        app.Use((context, next) => ActAsProxy(context, next, state, options));
        app.Use((context, next) => InjectFault(context, next, state));
        foreach (var rule in options.Faults) state.Faults.Add(rule);

        MapApi(app, "/", Wire.Bare, state, options);
        MapApi(app, "/v1/", Wire.V1, state, options);
        app.MapGet("/_sandbox/ledger", () => Wire.Write(200, w => JsonSerializer.Serialize(w, state.Ledger)));
        app.MapGet("/_sandbox/requests", () => Wire.Write(200, w => JsonSerializer.Serialize(w, state.Received)));
        app.MapPost("/_sandbox/clock/advance", (double seconds) =>
        {
            state.AdvanceClock(TimeSpan.FromSeconds(seconds));
            return Wire.Write(200, w => { w.WriteStartObject(); w.WriteString("now", state.Now); w.WriteEndObject(); });
        });
        app.MapPost("/_sandbox/withdrawals/{id:long}/status", (long id, string value) =>
            value is "processed" or "cancelled" or "pending"
                ? state.SetStatus(id, value) ? Results.NoContent() : Wire.Bare.Fail(new ApiFailure(404, "Withdrawal not found"))
                : Wire.Bare.Fail(new ApiFailure(400, "value is processed, cancelled or pending")));
        app.MapPost("/_sandbox/faults", (string spec) =>
        {
            state.Faults.Add(FaultRule.Parse(spec));
            return Results.NoContent();
        });
        app.MapDelete("/_sandbox/faults", () =>
        {
            state.Faults.Clear();
            return Results.NoContent();
        });
        app.MapFallback(() => Wire.Bare.Fail(new ApiFailure(404, "Not Found")));

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new SandboxServer(app, state, options, new Uri(address.TrimEnd('/') + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static void MapApi(WebApplication app, string prefix, Wire wire, SandboxState state, SandboxOptions options)
    {
        var api = app.MapGroup(prefix);
        api.MapGet("currencies/", () => wire.Ok(w => WriteCurrencies(w, wire, state)));
        api.MapGet("balance/", (HttpContext c) => Authorized(c, wire, options) ?? wire.Ok(w => WriteBalances(w, wire, state)));
        api.MapGet("balance/withdraws", (HttpContext c, int? offset, int? limit, string? currency, string? status) =>
            Authorized(c, wire, options) ?? wire.Ok(w => WriteHistory(w, wire, state, offset ?? 0, Math.Clamp(limit ?? 50, 1, 200), currency, status)));
        api.MapPost("balance/withdraw/request", async (HttpContext c) => Authorized(c, wire, options) ?? await Request(c, wire, state));
        api.MapPost("balance/withdraw/confirm", async (HttpContext c) => Authorized(c, wire, options) ?? await Confirm(c, wire, state));
        api.MapPost("balance/withdraw/multiple/request", async (HttpContext c) => Authorized(c, wire, options) ?? await RequestMultiple(c, wire, state));
        api.MapPost("balance/withdraw/multiple/confirm", async (HttpContext c) => Authorized(c, wire, options) ?? await ConfirmMultiple(c, wire, state));
    }

    // FastAPI answers 422 when the header is missing and 401 when the key is wrong.
    private static IResult? Authorized(HttpContext context, Wire wire, SandboxOptions options)
    {
        if (!context.Request.Headers.TryGetValue("X-API-KEY", out var key))
            return wire.Fail(ApiFailure.Invalid(new ValidationIssue(new[] { "header", "x-api-key" }, "Field required", "missing")));
        return key.ToString() == options.ApiKey ? null : wire.Fail(new ApiFailure(401, "Invalid X-API-Key"));
    }

    private static async Task<IResult> Request(HttpContext context, Wire wire, SandboxState state)
    {
        var (body, invalid) = await ReadBody(context);
        if (invalid != null) return wire.Fail(invalid);
        var issues = new List<ValidationIssue>();
        var currency = RequiredString(body, "currency", issues);
        var address = RequiredString(body, "address", issues);
        var amount = RequiredAmount(body, issues);
        if (issues.Count > 0) return wire.Fail(ApiFailure.Invalid(issues.ToArray()));

        var (request, failure) = state.CreateRequest(currency!, address!, amount!.Value);
        if (failure != null) return wire.Fail(failure);
        var decimals = state.FindCurrency(request!.Currency)!.Decimals;
        return wire.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("identifier", request.Identifier);
            w.WriteString("currency", request.Currency);
            w.WriteString("address", request.Address);
            wire.Money(w, "amount", request.Amount, decimals);
            wire.Money(w, "amount_usd", request.AmountUsd, 2);
            wire.Money(w, "service_fee", request.ServiceFee, decimals);
            wire.Money(w, "service_fee_usd", request.ServiceFeeUsd, 2);
            w.WriteString("expires_at", Timestamp(request.ExpiresAt));
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> Confirm(HttpContext context, Wire wire, SandboxState state)
    {
        var (body, invalid) = await ReadBody(context);
        if (invalid != null) return wire.Fail(invalid);
        if (RequiredIdentifier(body) is not { } identifier) return wire.Fail(InvalidIdentifier(body));
        var (withdrawal, failure) = state.Confirm(identifier);
        return failure != null ? wire.Fail(failure)
            : Confirmed(wire, "Withdrawal request created and waiting for admin approval", withdrawal!.Status, withdrawal.Id);
    }

    private static IResult Confirmed(Wire wire, string detail, string status, long id) => wire.Ok(w =>
    {
        w.WriteStartObject();
        w.WriteString("detail", detail);
        w.WriteString("status", status);
        w.WriteNumber("id", id);
        w.WriteEndObject();
    });

    // As NordPay writes times: microseconds and Z.
    private static string Timestamp(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static async Task<IResult> RequestMultiple(HttpContext context, Wire wire, SandboxState state)
    {
        var (body, invalid) = await ReadBody(context);
        if (invalid != null) return wire.Fail(invalid);
        var issues = new List<ValidationIssue>();
        var currency = RequiredString(body, "currency", issues);
        var items = new List<(string Address, decimal Amount)>();
        if (!body.TryGetProperty("addresses_and_amounts", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
            issues.Add(new ValidationIssue(new[] { "body", "addresses_and_amounts" }, "List should have at least 1 item", "too_short"));
        else
        {
            var i = 0;
            foreach (var pair in list.EnumerateArray())
            {
                var location = new[] { "body", "addresses_and_amounts", i.ToString(CultureInfo.InvariantCulture) };
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2 || pair[0].ValueKind != JsonValueKind.String)
                    issues.Add(new ValidationIssue(location, "Input should be a valid list of [address, amount]", "list_type"));
                else if (ParseAmount(pair[1]) is { } amount && amount > 0)
                    items.Add((pair[0].GetString()!, amount));
                else
                    issues.Add(new ValidationIssue(location.Append("1").ToArray(), "Input should be a valid decimal greater than 0", "decimal_parsing"));
                i++;
            }
        }
        if (issues.Count > 0) return wire.Fail(ApiFailure.Invalid(issues.ToArray()));

        var (request, failure) = state.CreateMultipleRequest(currency!, items);
        if (failure != null) return wire.Fail(failure);
        var decimals = state.FindCurrency(request!.Currency)!.Decimals;
        return wire.Ok(w =>
        {
            w.WriteStartObject();
            w.WriteString("identifier", request.Identifier);
            w.WriteString("currency", request.Currency);
            wire.Money(w, "total_amount", request.TotalAmount, decimals);
            wire.Money(w, "total_service_fee", request.TotalServiceFee, decimals);
            w.WriteNumber("addresses_count", request.Parts.Count);
            w.WriteString("expires_at", Timestamp(request.ExpiresAt));
            w.WriteEndObject();
        });
    }

    private static async Task<IResult> ConfirmMultiple(HttpContext context, Wire wire, SandboxState state)
    {
        var (body, invalid) = await ReadBody(context);
        if (invalid != null) return wire.Fail(invalid);
        if (RequiredIdentifier(body) is not { } identifier) return wire.Fail(InvalidIdentifier(body));
        var (batch, failure) = state.ConfirmMultiple(identifier);
        return failure != null ? wire.Fail(failure)
            : Confirmed(wire, "Multiple withdrawal request created and waiting for admin approval", "pending", batch!.Value);
    }

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

    // Kept readable for the endpoint that handles the request.
    private static async Task<string> ReadBodyText(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method)) return string.Empty;
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8, leaveOpen: true);
        var text = await reader.ReadToEndAsync();
        request.Body.Position = 0;
        return text;
    }

    private static async Task<(JsonElement Body, ApiFailure? Invalid)> ReadBody(HttpContext context)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(context.Request.Body);
            if (document.RootElement.ValueKind == JsonValueKind.Object) return (document.RootElement.Clone(), null);
        }
        catch (JsonException)
        {
        }
        return (default, ApiFailure.Invalid(new ValidationIssue(new[] { "body" }, "JSON decode error", "json_invalid")));
    }

    private static Guid? RequiredIdentifier(JsonElement body) =>
        body.TryGetProperty("identifier", out var value) && value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id) ? id : null;

    // The confirm bodies' one field, validated as FastAPI would: missing, not a string, or not a UUID.
    private static ApiFailure InvalidIdentifier(JsonElement body)
    {
        var issues = new List<ValidationIssue>();
        if (RequiredString(body, "identifier", issues) != null)
            issues.Add(new ValidationIssue(new[] { "body", "identifier" }, "Input should be a valid UUID", "uuid_parsing"));
        return ApiFailure.Invalid(issues.ToArray());
    }

    private static string? RequiredString(JsonElement body, string name, List<ValidationIssue> issues)
    {
        if (!body.TryGetProperty(name, out var value))
            issues.Add(new ValidationIssue(new[] { "body", name }, "Field required", "missing"));
        else if (value.ValueKind != JsonValueKind.String)
            issues.Add(new ValidationIssue(new[] { "body", name }, "Input should be a valid string", "string_type"));
        else if (value.GetString()!.Length == 0)
            issues.Add(new ValidationIssue(new[] { "body", name }, "String should have at least 1 character", "string_too_short"));
        else
            return value.GetString();
        return null;
    }

    // pydantic's Decimal: a JSON number or a numeric string, read exactly.
    private static decimal? RequiredAmount(JsonElement body, List<ValidationIssue> issues)
    {
        var location = new[] { "body", "amount" };
        if (!body.TryGetProperty("amount", out var value))
        {
            issues.Add(new ValidationIssue(location, "Field required", "missing"));
            return null;
        }
        if (ParseAmount(value) is not { } amount)
        {
            issues.Add(new ValidationIssue(location, "Input should be a valid decimal", "decimal_parsing"));
            return null;
        }
        if (amount <= 0)
        {
            issues.Add(new ValidationIssue(location, "Input should be greater than 0", "greater_than"));
            return null;
        }
        return amount;
    }

    private static void WriteCurrencies(Utf8JsonWriter w, Wire wire, SandboxState state)
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
    }

    private static void WriteBalances(Utf8JsonWriter w, Wire wire, SandboxState state)
    {
        w.WriteStartObject();
        w.WriteStartObject("balances");
        foreach (var (name, amount) in state.Balances) wire.Money(w, name, amount, state.FindCurrency(name)!.Decimals);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void WriteHistory(Utf8JsonWriter w, Wire wire, SandboxState state, int offset, int limit, string? currency, string? status)
    {
        var matching = state.Ledger.Reverse()
            .Where(x => currency == null || x.Currency == currency)
            .Where(x => status == null || x.Status == status)
            .ToList();
        w.WriteStartObject();
        w.WriteStartArray("items");
        foreach (var x in matching.Skip(offset).Take(limit))
        {
            var decimals = state.FindCurrency(x.Currency)!.Decimals;
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
    }

    // A request whose target is an absolute URI was sent to the sandbox as a proxy: it is served as if
    // forwarded, after the proxy credentials are checked when the sandbox requires them.
    private static Task ActAsProxy(HttpContext context, Func<Task> next, SandboxState state, SandboxOptions options)
    {
        var target = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? string.Empty;
        if (!target.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) return next();
        if (options.ProxyCredential is { } credential)
        {
            var expected = "Basic " + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{credential.UserName}:{credential.Password}"));
            if (context.Request.Headers["Proxy-Authorization"].ToString() != expected)
            {
                context.Response.StatusCode = 407;
                context.Response.Headers["Proxy-Authenticate"] = "Basic realm=\"sandbox\"";
                return Task.CompletedTask;
            }
        }
        state.RecordProxied();
        return next();
    }

    private static async Task InjectFault(HttpContext context, Func<Task> next, SandboxState state)
    {
        if (!state.Faults.Any)
        {
            await next();
            return;
        }
        var rule = state.Faults.Take(context.Request.Path.Value ?? "/", await PeekAddress(context.Request));
        if (rule == null)
        {
            await next();
            return;
        }
        if (!rule.Processed)
        {
            if (rule.Latency > TimeSpan.Zero) await Task.Delay(rule.Latency, context.RequestAborted);
            if (rule.Drop == Drop.BeforeProcessing)
            {
                context.Abort();
                return;
            }
            if (rule.Status != null)
            {
                await Answer(context, rule);
                return;
            }
            if (rule.Drop == Drop.None && rule.SlowBody <= TimeSpan.Zero)
            {
                await next();
                return;
            }
        }

        // Process the call for real, holding its answer back.
        var real = context.Response.Body;
        using var held = new MemoryStream();
        context.Response.Body = held;
        await next();
        context.Response.Body = real;
        if (rule.Processed && rule.Latency > TimeSpan.Zero) await Task.Delay(rule.Latency, context.RequestAborted);
        if (rule.Drop == Drop.AfterProcessing)
        {
            context.Abort();
            return;
        }
        if (rule.Processed && rule.Status != null)
        {
            context.Response.Headers.Remove("Content-Type");
            await Answer(context, rule);
            return;
        }
        context.Response.ContentLength = held.Length;
        await context.Response.StartAsync();
        foreach (var chunk in held.ToArray().Chunk(rule.SlowBody > TimeSpan.Zero ? 8 : int.MaxValue))
        {
            if (rule.SlowBody > TimeSpan.Zero) await Task.Delay(rule.SlowBody, context.RequestAborted);
            await real.WriteAsync(chunk, context.RequestAborted);
            await real.FlushAsync(context.RequestAborted);
        }
    }

    // The fault's own answer: its status, body and content type, and Retry-After when it has one.
    private static async Task Answer(HttpContext context, FaultRule rule)
    {
        context.Response.StatusCode = rule.Status!.Value;
        context.Response.ContentLength = null;
        context.Response.ContentType = rule.ContentType;
        if (rule.RetryAfterSeconds is { } seconds)
            context.Response.Headers.RetryAfter = rule.RetryAfterAsDate
                ? (DateTimeOffset.UtcNow + TimeSpan.FromSeconds(seconds)).ToString("R", CultureInfo.InvariantCulture)
                : seconds.ToString(CultureInfo.InvariantCulture);
        if (rule.Body.Length > 0) await context.Response.WriteAsync(rule.Body);
    }

    private static async Task<string?> PeekAddress(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method)) return null;
        request.EnableBuffering();
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("address", out var a)
                ? a.ToString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
        finally
        {
            request.Body.Position = 0;
        }
    }
}
