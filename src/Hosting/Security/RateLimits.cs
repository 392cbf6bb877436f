using System.Globalization;
using System.Threading.RateLimiting;
using ChoriaDashboard.Ingest.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>
/// The rate limiter's policies, one per endpoint group (applied in <see cref="EndpointMapping.MapChoriaDashboard"/>),
/// and what a refused request gets: 429, <c>Retry-After</c> when the limiter can tell, a problem (RFC 9457) saying when to try again, a count and a
/// bounded log line.
/// </summary>
public static class RateLimits
{
    /// <summary>The <c>/api</c> group: <c>Security:ApiRequestsPerMinute</c> per client, in fixed one-minute windows.</summary>
    public const string Api = "api";

    /// <summary><c>POST /api/events</c>: <c>HttpIngest:RequestsPerMinute</c> per client, in fixed one-minute windows.</summary>
    public const string Events = "events";

    /// <summary>The <c>/export</c> group: <c>Security:ConcurrentExports</c> at once fleet-wide, <c>Security:ExportQueueLength</c> waiting.</summary>
    public const string Export = "export";

    /// <summary>Registers the rate limiter with its policies, sized by <see cref="SecurityOptions"/> and <see cref="HttpIngestOptions"/>.</summary>
    public static IServiceCollection AddDashboardRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>, IOptions<HttpIngestOptions>>((limiter, security, httpIngest) =>
        {
            var options = security.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // A fixed window tells a refused client exactly when it may try again (Retry-After); the partitions of
            // clients gone quiet are dropped by the limiter, so the table follows the active clients.
            limiter.AddPolicy(Api, context => RateLimitPartition.GetFixedWindowLimiter(ClientKey.Of(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = options.ApiRequestsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
            var events = httpIngest.Value.RequestsPerMinute;
            limiter.AddPolicy(Events, context => RateLimitPartition.GetFixedWindowLimiter(ClientKey.Of(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = events,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            }));
            // One partition for everybody: the point is the server's cores, not fairness between clients. An export walks
            // and serialises the whole filtered fleet, so a loop of varied queries (each missing the list cache) could
            // otherwise keep every core busy.
            limiter.AddPolicy(Export, _ => RateLimitPartition.GetConcurrencyLimiter("fleet", _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = options.ConcurrentExports,
                QueueLimit = options.ExportQueueLength,
                QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            }));
            limiter.OnRejected = OnRejectedAsync;
        });
        return services;
    }

    private static async ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        var export = context.GetEndpoint()?.Metadata.GetMetadata<EnableRateLimitingAttribute>()?.PolicyName == Export;
        context.RequestServices.GetRequiredService<SecurityRefusals>().Refused(export ? RefusalReason.ExportsBusy : RefusalReason.ApiRateLimit, context);

        // A window limiter knows when it opens again; a concurrency limiter cannot know when an export ends.
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? (int)Math.Ceiling(wait.TotalSeconds)
            : (int?)null;
        if (retryAfter is { } seconds)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, seconds).ToString(CultureInfo.InvariantCulture);
        }

        // An RFC 9457 problem, as every other refusal a machine gets (401, 403, 400, 404).
        await Results.Problem(
                title: "Too many requests",
                detail: export
                    ? "Too many exports at once; try again when one has finished."
                    : $"Too many requests; try again in {retryAfter ?? 60} s.",
                statusCode: StatusCodes.Status429TooManyRequests)
            .ExecuteAsync(context);
    }
}
