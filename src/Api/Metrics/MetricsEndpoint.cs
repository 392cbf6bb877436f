namespace ChoriaDashboard.Api.Metrics;

/// <summary>The Prometheus scrape endpoint.</summary>
public static class MetricsEndpoint
{
    /// <summary>
    /// Maps <c>GET /metrics</c> on <paramref name="metrics"/>, the metrics group: the text format 0.0.4
    /// (<see cref="Exposition"/>), whatever the scraper's <c>Accept</c> asks (tally's counters have no <c>_total</c>,
    /// which OpenMetrics would require).
    /// </summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder metrics)
    {
        metrics.MapGet("/metrics", (MetricsScrape scrape) => Results.Text(scrape.Write(), Exposition.ContentType))
            .WithName("GetMetrics")
            .ExcludeFromDescription();
        return metrics;
    }

    /// <summary>Registers the recorder (told by the fleet writer), the election and the scrape; options are registered by the hosting.</summary>
    public static IServiceCollection AddDashboardMetrics(this IServiceCollection services, bool enabled)
    {
        services.AddSingleton<TallyRecorder>();
        if (enabled)
        {
            services.AddSingleton<Fleet.IFleetObserver>(sp => sp.GetRequiredService<TallyRecorder>());
        }

        services.AddSingleton<LeaderElection>();
        services.AddHostedService(sp => sp.GetRequiredService<LeaderElection>());
        services.AddSingleton<MetricsScrape>();
        return services;
    }
}
