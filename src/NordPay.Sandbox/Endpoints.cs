using System.Text.Json;

namespace NordPay.Sandbox;

/// <summary>The API's endpoints, once per shape of <see cref="Wire"/>, and the sandbox's own admin endpoints.</summary>
internal static class Endpoints
{
    public static void MapApi(WebApplication app, string prefix, Wire wire, SandboxState state, SandboxOptions options)
    {
        var api = app.MapGroup(prefix);
        api.MapGet("currencies/", () => Answers.Currencies(wire, state));
        api.MapGet("balance/", (HttpContext c) => Authorized(c, wire, options) ?? Answers.Balances(wire, state));
        api.MapGet("balance/withdraw/limits", (HttpContext c) => Authorized(c, wire, options) ?? Answers.Limits(wire, state));
        api.MapGet("balance/withdraws", (HttpContext c, int? offset, int? limit, string? currency, string? status, string? sort) =>
            Authorized(c, wire, options) ?? Answers.History(wire, state, options.History, offset ?? 0, Math.Clamp(limit ?? 50, 1, 200), currency, status, sort));
        MapPost("balance/withdraw/request", RequestValidation.WithdrawRequest, body =>
        {
            var (request, failure) = state.CreateRequest(body.Currency, body.Address, body.Amount);
            return failure != null ? wire.Fail(failure) : Answers.Requested(wire, state, request!);
        });
        MapPost("balance/withdraw/confirm", RequestValidation.Confirm, body =>
        {
            var (withdrawal, failure) = state.Confirm(body.Identifier);
            return failure != null ? wire.Fail(failure) : Answers.Confirmed(wire, withdrawal!);
        });
        MapPost("balance/withdraw/multiple/request", RequestValidation.MultipleWithdrawRequest, body =>
        {
            var (request, failure) = state.CreateMultipleRequest(body.Currency, body.Items);
            return failure != null ? wire.Fail(failure) : Answers.Requested(wire, state, request!);
        });
        MapPost("balance/withdraw/multiple/confirm", RequestValidation.Confirm, body =>
        {
            var (batchId, failure) = state.ConfirmMultiple(body.Identifier);
            return failure != null ? wire.Fail(failure) : Answers.Confirmed(wire, batchId!.Value);
        });

        // Every withdraw call: the key first, then the body as FastAPI validates it, then the call itself. The return
        // type is spelled out: a handler typed as a plain Task would be taken as a RequestDelegate and its answer dropped.
        void MapPost<TBody>(string pattern, Func<JsonElement, List<ValidationIssue>, TBody?> validate, Func<TBody, IResult> call) where TBody : class =>
            api.MapPost(pattern, async Task<IResult> (HttpContext c) =>
            {
                if (Authorized(c, wire, options) is { } refused) return refused;
                var (body, invalid) = await RequestValidation.ReadAsync(c.Request, validate);
                return invalid != null ? wire.Fail(invalid) : call(body!);
            });
    }

    /// <summary>What tests and scripts use to look inside the sandbox and steer it; not part of NordPay's API.</summary>
    public static void MapAdmin(WebApplication app, SandboxState state)
    {
        app.MapGet("/_sandbox/ledger", () => Wire.Write(200, w => JsonSerializer.Serialize(w, state.Ledger)));
        app.MapGet("/_sandbox/requests", () => Wire.Write(200, w => JsonSerializer.Serialize(w, state.Received)));
        app.MapGet("/_sandbox/rate-limited", () => Wire.Write(200, w => { w.WriteStartObject(); w.WriteNumber("count", state.RateLimited); w.WriteEndObject(); }));
        app.MapPost("/_sandbox/clock/advance", (double seconds) =>
        {
            state.AdvanceClock(TimeSpan.FromSeconds(seconds));
            return Wire.Write(200, w => { w.WriteStartObject(); w.WriteString("now", state.Now); w.WriteEndObject(); });
        });
        app.MapPost("/_sandbox/withdrawals/{id:long}/status", (long id, string value) =>
            value is "processed" or "cancelled" or "pending"
                ? state.SetStatus(id, value) ? Results.NoContent() : Wire.Bare.Fail(new ApiFailure(404, "Withdrawal not found"))
                : Wire.Bare.Fail(new ApiFailure(400, "value is processed, cancelled or pending")));
        // A document's example can confirm a request by the identifier it prints.
        app.MapPost("/_sandbox/requests/last/identifier", (Guid value) =>
            state.LastRequest is { } last && state.Reissue(last, value) ? Results.NoContent() : Wire.Bare.Fail(new ApiFailure(404, "No pending withdraw request")));
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
    }

    // FastAPI answers 422 when the header is missing and 401 when the key is wrong.
    private static IResult? Authorized(HttpContext context, Wire wire, SandboxOptions options)
    {
        if (!context.Request.Headers.TryGetValue("X-API-KEY", out var key))
            return wire.Fail(ApiFailure.Invalid(new ValidationIssue(new[] { "header", "x-api-key" }, "Field required", "missing")));
        return key.ToString() == options.ApiKey ? null : wire.Fail(new ApiFailure(401, "Invalid X-API-Key"));
    }
}
