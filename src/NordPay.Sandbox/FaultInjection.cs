using System.Globalization;
using System.Text.Json;

namespace NordPay.Sandbox;

/// <summary>
/// Applies the first <see cref="FaultRule"/> in force that matches a request: latency, an answer of its own, a dropped
/// connection, a slow or padded body, before the call is processed or (with <see cref="FaultRule.Processed"/>) after it
/// was; or an answer that lies (<see cref="Lies"/>).
/// </summary>
internal static class FaultInjection
{
    public static async Task InvokeAsync(HttpContext context, Func<Task> next, SandboxState state)
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
        if (rule.Lie != Lie.None)
        {
            await Lies.InvokeAsync(context, next, state, rule);
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
            if (rule.Drop == Drop.None && rule.SlowBody <= TimeSpan.Zero && rule.PadKilobytes == 0)
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
        context.Response.ContentLength = rule.PadKilobytes > 0 ? null : held.Length;
        await context.Response.StartAsync();
        for (var i = 0; i < rule.PadKilobytes; i++) await real.WriteAsync(Kilobyte, context.RequestAborted);
        foreach (var chunk in held.ToArray().Chunk(rule.SlowBody > TimeSpan.Zero ? 8 : int.MaxValue))
        {
            if (rule.SlowBody > TimeSpan.Zero) await Task.Delay(rule.SlowBody, context.RequestAborted);
            await real.WriteAsync(chunk, context.RequestAborted);
            await real.FlushAsync(context.RequestAborted);
        }
    }

    // Padding: JSON allows any whitespace before a value. One buffer, written again and again: the sandbox stays small.
    private static readonly byte[] Kilobyte = Enumerable.Repeat((byte)' ', 1024).ToArray();

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

    // Rules may name an address: the body is read and rewound for the endpoint.
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
