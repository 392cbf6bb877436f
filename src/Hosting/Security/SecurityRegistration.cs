using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting.Security;

/// <summary>Registers the hardened surface (<c>Security</c> options, headers, origin check, rate limits, circuit limits) and its middleware.</summary>
public static class SecurityRegistration
{
    /// <summary>The <c>Security</c> section, validated at start, and the services the middleware and rate limiter use.</summary>
    public static IServiceCollection AddDashboardSecurity(this IServiceCollection services, IConfiguration config)
    {
        services.AddValidatedOptions<SecurityOptions, SecurityOptionsValidator>(config, SecurityOptions.Section);
        services.AddSingleton(sp => SecurityHeaders.Create(sp.GetRequiredService<IOptions<SecurityOptions>>().Value, config));
        services.AddSingleton<SecurityRefusals>();
        services.AddSingleton<CircuitCounter>();
        services.AddSingleton<HubConnectionCounter>();
        // X-Frame-Options is the security headers' to set, in step with Security:FrameAncestors; antiforgery would add
        // SAMEORIGIN on its own, which contradicts a list of origins allowed to frame the wallboard.
        services.Configure<AntiforgeryOptions>(o => o.SuppressXFrameOptionsHeader = true);
        services.AddDashboardRateLimits();
        return services;
    }

    /// <summary>Security headers on every response (<see cref="SecurityHeadersMiddleware"/>).</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.UseMiddleware<SecurityHeadersMiddleware>();

    /// <summary>Cross-origin circuits and hub connections refused (<see cref="OriginCheckMiddleware"/>).</summary>
    public static IApplicationBuilder UseOriginCheck(this IApplicationBuilder app) => app.UseMiddleware<OriginCheckMiddleware>();

    /// <summary>Open circuits and hub connections bounded per client and in all (<see cref="ConnectionLimitMiddleware"/>).</summary>
    public static IApplicationBuilder UseConnectionLimits(this IApplicationBuilder app) => app.UseMiddleware<ConnectionLimitMiddleware>();
}
