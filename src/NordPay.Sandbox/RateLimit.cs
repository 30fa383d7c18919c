namespace NordPay.Sandbox;

/// <summary>
/// A limit on calls per second per API key, as an API behind a gateway has one: each key gets
/// <see cref="SandboxOptions.RateLimit"/> calls in each second of the clock; a call above it is answered 429, before it
/// is processed, with Retry-After: 1 (the next second, in whole seconds). Admin paths are not counted.
/// It is an option, not a <see cref="FaultRule"/>: a rule answers chosen calls, a limit depends on how fast calls come,
/// and it holds alongside any fault (such as <c>--latency-ms</c>).
/// </summary>
internal static class RateLimit
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next, SandboxState state, int callsPerSecond)
    {
        if (context.Request.Path.StartsWithSegments("/_sandbox") || state.TryCountCall(context.Request.Headers["X-API-KEY"].ToString(), callsPerSecond))
        {
            await next();
            return;
        }
        context.Response.StatusCode = 429;
        context.Response.Headers.RetryAfter = "1";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("""{"detail":"Too many requests"}""");
    }
}
