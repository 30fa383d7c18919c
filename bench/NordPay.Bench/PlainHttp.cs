using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace NordPay.Bench;

/// <summary>The floor: the same two calls per row with one HttpClient and no module.</summary>
internal static class PlainHttp
{
    public static async Task<Measurement> Loop(HttpClient http, SandboxProcess sandbox, int chunk, int count)
    {
        var latencies = new List<double>(count);
        var total = Stopwatch.StartNew();
        for (var i = 1; i <= count; i++)
        {
            var row = Stopwatch.StartNew();
            await Payout(http, sandbox, Payouts.Address(chunk, i), Payouts.Amount(i));
            latencies.Add(row.Elapsed.TotalMilliseconds);
        }
        return new Measurement(count, total.Elapsed.TotalSeconds, latencies);
    }

    public static async Task Payout(HttpClient http, SandboxProcess sandbox, string address, string amount)
    {
        var body = $$"""{"currency":"USDTBEP20","address":"{{address}}","amount":"{{amount}}"}""";
        using var request = await Post(http, sandbox, "balance/withdraw/request", body);
        using var document = JsonDocument.Parse(await request.Content.ReadAsStringAsync());
        var identifier = document.RootElement.GetProperty("identifier").GetString();
        using var confirm = await Post(http, sandbox, "balance/withdraw/confirm", $$"""{"identifier":"{{identifier}}"}""");
        confirm.EnsureSuccessStatusCode();
    }

    private static async Task<HttpResponseMessage> Post(HttpClient http, SandboxProcess sandbox, string path, string json)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(sandbox.BaseUri, path)) { Content = new StringContent(json) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.Add("X-API-KEY", sandbox.ApiKey);
        return await http.SendAsync(message);
    }
}
