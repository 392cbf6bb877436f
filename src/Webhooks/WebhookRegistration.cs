using System.Globalization;
using ChoriaDashboard.Api;
using ChoriaDashboard.Api.Metrics;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Webhooks;

/// <summary>Registers webhook delivery and maps its status endpoint; <c>Hosting</c> calls these.</summary>
public static class WebhookRegistration
{
    /// <summary>The named <see cref="HttpClient"/> deliveries go through.</summary>
    public const string HttpClientName = "webhooks";

    /// <summary>
    /// The reader of the fleet's stream as a hosted service (call this
    /// before the ingest's hosted service is added, so no live news is missed), its HTTP client, and its metrics families;
    /// the <c>Webhooks</c> options are registered (and validated) by <c>Hosting</c>.
    /// </summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddHttpClient(HttpClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // A receiver's redirect is not followed: the signature was made for the URL configured.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            // The factory's request logs name the URL, which may carry a password or a token.
            .RemoveAllLoggers();
        services.AddSingleton(sp => new WebhookSender(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<IOptions<WebhookOptions>>().Value,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WebhookSender>>()));
        services.AddSingleton<WebhookDispatcher>();
        services.AddSingleton<IWebhookStatus>(sp => sp.GetRequiredService<WebhookDispatcher>());
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());

        AddFamily(services, "choria_dashboard_webhook_deliveries_total", "counter", "Webhook deliveries the endpoint accepted (a retried delivery counts once)", s => s.Delivered);
        AddFamily(services, "choria_dashboard_webhook_failed_attempts_total", "counter", "Webhook delivery attempts that failed (no connection, no answer, not 2xx)", s => s.FailedAttempts);
        AddFamily(services, "choria_dashboard_webhook_given_up_total", "counter", "Webhook deliveries given up after Webhooks:MaxAttempts or an answer not worth retrying", s => s.GivenUp);
        AddFamily(services, "choria_dashboard_webhook_dropped_total", "counter", "Webhook deliveries dropped unsent from a full queue (Webhooks:QueueCapacity)", s => s.Dropped);
        AddFamily(services, "choria_dashboard_webhook_queue_length", "gauge", "Webhook deliveries waiting", s => s.QueueLength);
        return services;
    }

    /// <summary>Maps <c>GET webhooks</c> on <paramref name="api"/>, the <c>/api</c> group.</summary>
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/webhooks", (IWebhookStatus status) => TypedResults.Ok(new WebhooksResponse(status.Endpoints, status.ReaderFellBehind)))
            .WithName("GetWebhooks")
            .ProducesRefusals()
            .WithSummary("Webhook delivery per endpoint")
            .WithDescription("Each configured endpoint (Webhooks:Endpoints; its URL without user information or query, never its secret) with its deliveries, "
                + "failed attempts, deliveries given up and dropped, its queue, and its last success and failure.");
        return api;
    }

    private static void AddFamily(IServiceCollection services, string name, string type, string help, Func<WebhookEndpointStatus, double> value) =>
        services.AddSingleton(sp => new DashboardFamily(
            name, type, help, "endpoint",
            () => sp.GetRequiredService<IWebhookStatus>().Endpoints.Select(s => new KeyValuePair<string, double>(s.Index.ToString(CultureInfo.InvariantCulture), value(s)))));
}

/// <summary><c>GET /api/webhooks</c>: each endpoint's delivery counts, and how often the webhook reader lost news by falling behind.</summary>
/// <param name="Endpoints">In the order of <c>Webhooks:Endpoints</c>; empty when none is configured.</param>
/// <param name="ReaderFellBehind">Times the reader fell behind the fleet's stream since start; the news in between was not posted.</param>
public sealed record WebhooksResponse(IReadOnlyList<WebhookEndpointStatus> Endpoints, long ReaderFellBehind);
