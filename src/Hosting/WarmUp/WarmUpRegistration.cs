using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>Registers the warm-up (<c>Hosting:WarmUp</c>): its options, the pipeline capture, the page step, the service and its readiness check.</summary>
public static class WarmUpRegistration
{
    /// <summary>
    /// The options (validated at start), the step for pages, the service and its readiness check. Whether it runs is read
    /// from <c>Hosting:WarmUp:Enabled</c> when the app starts (a host adds configuration after this registration): off,
    /// nothing is rendered, the pipeline is not captured and <c>/readyz</c> leaves the check out (<see cref="IsReadinessCheck"/>).
    /// </summary>
    public static IServiceCollection AddWarmUp(this IServiceCollection services, IConfiguration config)
    {
        services.AddValidatedOptions<WarmUpOptions, WarmUpOptionsValidator>(config, WarmUpOptions.Section);
        services.AddSingleton<WarmUpPipeline>();
        services.AddSingleton<PageWarmUp>();
        services.AddSingleton<IWarmUpStep>(sp => sp.GetRequiredService<PageWarmUp>());
        services.AddSingleton<WarmUpService>();
        services.AddHostedService(sp => sp.GetRequiredService<WarmUpService>());
        services.AddHealthChecks().AddCheck<WarmUpHealthCheck>(CheckName, tags: ["ready"]);
        return services;
    }

    /// <summary>The readiness check's name.</summary>
    public const string CheckName = "warm-up";

    /// <summary>Whether the health check <paramref name="name"/> counts for <c>/readyz</c>: the warm-up's only while it is on.</summary>
    public static bool IsReadinessCheck(IServiceProvider services, string name) =>
        name != CheckName || services.GetRequiredService<IOptions<WarmUpOptions>>().Value.Enabled;

    /// <summary>At the head of the pipeline: hands it to the warm-up when enabled, then routing (as the host would add it).</summary>
    public static IApplicationBuilder UseWarmUp(this IApplicationBuilder app)
    {
        if (app.ApplicationServices.GetRequiredService<IOptions<WarmUpOptions>>().Value.Enabled)
        {
            app.ApplicationServices.GetRequiredService<WarmUpPipeline>().Capture(app);
        }

        // Routing explicitly, where the host would have put it (first): the warm-up's requests are routed like any other.
        return app.UseRouting();
    }
}
