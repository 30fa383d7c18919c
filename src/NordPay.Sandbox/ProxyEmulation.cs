namespace NordPay.Sandbox;

/// <summary>
/// A request whose target is an absolute URI was sent to the sandbox as a proxy: it is served as if forwarded,
/// after the proxy credentials are checked when the sandbox requires them (407 otherwise).
/// </summary>
internal static class ProxyEmulation
{
    public static Task InvokeAsync(HttpContext context, Func<Task> next, SandboxState state, SandboxOptions options)
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
}
