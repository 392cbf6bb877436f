namespace ChoriaDashboard.Hosting.WarmUp;

/// <summary>Registers the warm-up (<c>Hosting:WarmUp</c>): its options, the pipeline capture, the page step, the service and its readiness check.</summary>
public static class WarmUpRegistration
{
    /// <summary>
    /// The options (validated at start) always; the rest only when <c>Hosting:WarmUp:Enabled</c> (the default), so with
    /// it off nothing is rendered at start and <c>/readyz</c> is the broker's alone.
    /// </summary>
    public static IServiceCollection AddWarmUp(this IServiceCollection services, IConfiguration config)
    {
        services.AddValidatedOptions<WarmUpOptions, WarmUpOptionsValidator>(config, WarmUpOptions.Section);
        if (!config.GetValue($"{WarmUpOptions.Section}:{nameof(WarmUpOptions.Enabled)}", true))
        {
            return services;
        }

        services.AddSingleton<WarmUpPipeline>();
        services.AddSingleton<PageWarmUp>();
        services.AddSingleton<IWarmUpStep>(sp => sp.GetRequiredService<PageWarmUp>());
        services.AddSingleton<WarmUpService>();
        services.AddHostedService(sp => sp.GetRequiredService<WarmUpService>());
        services.AddHealthChecks().AddCheck<WarmUpHealthCheck>("warm-up", tags: ["ready"]);
        return services;
    }

    /// <summary>At the head of the pipeline: hands it to the warm-up when enabled, then routing (as the host would add it).</summary>
    public static IApplicationBuilder UseWarmUp(this IApplicationBuilder app)
    {
        app.ApplicationServices.GetService<WarmUpPipeline>()?.Capture(app);
        // Routing explicitly, where the host would have put it (first): the warm-up's requests are routed like any other.
        return app.UseRouting();
    }
}
