using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>One request a <see cref="WebhookReceiver"/> took, as it arrived.</summary>
/// <param name="Endpoint">The path's last segment: which behaviour answered it.</param>
/// <param name="Body">The body, as text.</param>
/// <param name="Headers">The request's headers, copied.</param>
public sealed record ReceivedWebhook(string Endpoint, string Body, HeaderDictionary Headers)
{
    public string Id => Headers["webhook-id"].ToString();

    /// <summary>The CloudEvent's <c>type</c>.</summary>
    public string Type => Event.GetProperty("type").GetString()!;

    /// <summary>The body as JSON: the CloudEvent.</summary>
    public JsonElement Event => JsonSerializer.Deserialize<JsonElement>(Body);

    /// <summary>Checks the Standard Webhooks signature with the reference .NET library; throws when it does not verify.</summary>
    public void Verify(string secret) => new StandardWebhook(secret).Verify(Body, Headers);
}

/// <summary>
/// A real HTTP listener in the test process (Kestrel on a loopback port) that takes webhooks and records them. What it
/// answers depends on the path: <c>/ok/…</c> 200; <c>/flaky/…</c> 500 to its first two requests, then 200;
/// <c>/hang/…</c> accepts the request and never answers.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _flaky;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<ReceivedWebhook> Received { get; } = new();

    public Uri Address => new(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());

    /// <summary>The URL that behaves as <paramref name="behaviour"/> (<c>ok</c>, <c>flaky</c>, <c>hang</c>), named <paramref name="name"/>.</summary>
    public string Url(string behaviour, string name) => new Uri(Address, $"/{behaviour}/{name}").ToString();

    /// <summary>What arrived at the endpoint <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<ReceivedWebhook> At(string name) => [.. Received.Where(r => r.Endpoint == name)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/{behaviour}/{name}", receiver.TakeAsync);
        await app.StartAsync();
        return receiver;
    }

    private async Task<IResult> TakeAsync(string behaviour, string name, HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var body = await reader.ReadToEndAsync(request.HttpContext.RequestAborted);
        var headers = new HeaderDictionary();
        foreach (var (key, value) in request.Headers)
        {
            headers[key] = value;
        }

        Received.Enqueue(new ReceivedWebhook(name, body, headers));
        switch (behaviour)
        {
            case "flaky" when Interlocked.Increment(ref _flaky) <= 2:
                return Results.StatusCode(StatusCodes.Status500InternalServerError);
            case "hang":
                await Task.Delay(Timeout.Infinite, request.HttpContext.RequestAborted);
                return Results.Ok();
            default:
                return Results.Ok();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
