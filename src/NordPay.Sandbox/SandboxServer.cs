using System.Globalization;
using System.Net;
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
        app.Use((context, next) => ProxyEmulation.InvokeAsync(context, next, state, options));
        // Not a fault rule: the first rule that matches a call is the one applied, and latency holds for every call.
        if (options.Latency > TimeSpan.Zero)
            app.Use(async (context, next) =>
            {
                if (!context.Request.Path.StartsWithSegments("/_sandbox")) await Task.Delay(options.Latency, context.RequestAborted);
                await next();
            });
        app.Use((context, next) => FaultInjection.InvokeAsync(context, next, state));
        if (options.RateLimit is { } callsPerSecond) app.Use((context, next) => RateLimit.InvokeAsync(context, next, state, callsPerSecond));
        foreach (var rule in options.Faults) state.Faults.Add(rule);

        Endpoints.MapApi(app, "/", Wire.Bare, state, options);
        Endpoints.MapApi(app, "/v1/", Wire.V1, state, options);
        Endpoints.MapAdmin(app, state);
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

    // What a request carried, recorded whole for tests (GET /_sandbox/requests); the body stays readable for the endpoints.
    private static async Task<string> ReadBodyText(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method)) return string.Empty;
        request.EnableBuffering();
        using var reader = new StreamReader(request.Body, System.Text.Encoding.UTF8, leaveOpen: true);
        var text = await reader.ReadToEndAsync();
        request.Body.Position = 0;
        return text;
    }
}
