using ChoriaDashboard.Api;
using ChoriaDashboard.Api.Hub;
using ChoriaDashboard.Api.Metrics;
using ChoriaDashboard.Components;
using ChoriaDashboard.Hosting.Security;
using ChoriaDashboard.Hosting.SignIn;
using ChoriaDashboard.Hosting.WarmUp;
using ChoriaDashboard.Ingest.Http;
using ChoriaDashboard.Webhooks;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Hosting;

/// <summary>The request pipeline and every endpoint, mapped in the groups of <see cref="DashboardEndpoints"/>.</summary>
public static class EndpointMapping
{
    /// <summary>The middleware every request passes, before routing reaches an endpoint.</summary>
    public static WebApplication UseChoriaDashboard(this WebApplication app)
    {
        RetiredSettings.Warn(app.Configuration, app.Logger);
        app.UseWarmUp();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler(SignInEndpoints.ErrorPath, createScopeForErrors: true);
        }

        app.UseSecurityHeaders();
        app.UseOriginCheck();
        app.UseDashboardSignIn();
        // The per-client limits come after sign-in: a signed-in user counts by name, not by address.
        app.UseRateLimiter();
        app.UseConnectionLimits();
        app.UseAntiforgery();
        return app;
    }

    /// <summary>Maps every endpoint in one of five groups and returns them, for what a later change applies per group.</summary>
    public static DashboardEndpoints MapChoriaDashboard(this IEndpointRouteBuilder app)
    {
        var endpoints = new DashboardEndpoints(
            Api: Group(app, "/api", DashboardEndpointGroup.Api).WithTags(DashboardEndpointGroup.Api),
            Export: Group(app, "/export", DashboardEndpointGroup.Export).WithTags(DashboardEndpointGroup.Export),
            // Anonymous on the group, so a fallback authorization policy added later cannot lock out the probes.
            Health: Group(app, "", DashboardEndpointGroup.Health).AllowAnonymous(),
            Ui: Group(app, "", DashboardEndpointGroup.Ui),
            Metrics: Group(app, "", DashboardEndpointGroup.Metrics),

            // The API's readers, and no per-request rate limit: a connection is one long request (Hub's own limits).
            Hubs: Group(app, "/hubs", DashboardEndpointGroup.Hubs));

        // Who may read what: one line per group. The Ui group's pages carry their own policy ([Authorize]); anything
        // left unmarked falls back to "signed in at all" (SignInRegistration), never to public.
        endpoints.Api.RequireAuthorization(DashboardPolicies.Viewer);
        endpoints.Export.RequireAuthorization(DashboardPolicies.Viewer);
        endpoints.Hubs.RequireAuthorization(DashboardPolicies.Viewer);
        endpoints.Api.RequireRateLimiting(RateLimits.Api);
        endpoints.Api.CountInvalidRequests();
        endpoints.Export.RequireRateLimiting(RateLimits.Export);

        // Metrics (issue 19): Prometheus scrapes anonymously unless Metrics:RequireApiKey; not rate limited.
        var metrics = app.ServiceProvider.GetRequiredService<IOptions<MetricsOptions>>().Value;
        _ = metrics.RequireApiKey ? endpoints.Metrics.RequireAuthorization(DashboardPolicies.Viewer) : endpoints.Metrics.AllowAnonymous();
        if (metrics.Enabled)
        {
            endpoints.Metrics.MapMetrics();
        }

        endpoints.Api.MapFleetApi();
        endpoints.Api.MapNodesApi();

        // CloudEvents over HTTP in (issue 20): only when enabled, and only for API keys allowed to post (never a cookie).
        if (app.ServiceProvider.GetRequiredService<IOptions<HttpIngestOptions>>().Value.Enabled)
        {
            // Its own rate limit (a sender may post an event per request), in place of the group's.
            endpoints.Api.MapEventIngest().RequireAuthorization(DashboardPolicies.EventSender).RequireRateLimiting(RateLimits.Events).ProducesRefusals();
        }

        endpoints.Api.MapWebhooksApi();

        // The OpenAPI document at the framework's /openapi/v1.json, outside the /api prefix but of the api group: its
        // metadata, sign-in and rate limit (an API key counts there too, SignInSchemes). Its reference page is a page.
        var apiDocument = Group(app, "", DashboardEndpointGroup.Api).WithTags(DashboardEndpointGroup.Api);
        apiDocument.RequireAuthorization(DashboardPolicies.Viewer).RequireRateLimiting(RateLimits.Api);
        apiDocument.MapOpenApi(ApiDocument.DocumentPattern);
        endpoints.Ui.MapApiReference();
        endpoints.Export.MapNodeExport();
        endpoints.Hubs.MapFleetHub();
        MapHealth(endpoints.Health);
        endpoints.Ui.MapSignIn();
        // On the same builder as the components: only there do they find the assets' fingerprinted names. Public, so
        // the sign-in page has its stylesheets (the theme's palettes among them); they hold nothing of the fleet.
        endpoints.Ui.MapStaticAssets().AllowAnonymous();
        endpoints.Ui.MapThemeStylesheet().AllowAnonymous();
        // Blazor would append its own policy, frame-ancestors 'self' (against framing a page whose WebSocket is
        // compressed), beside ours; ours carries Security:FrameAncestors on every page, so one policy decides.
        endpoints.Ui.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return endpoints;
    }

    private static RouteGroupBuilder Group(IEndpointRouteBuilder app, string prefix, string name) =>
        app.MapGroup(prefix).WithMetadata(new DashboardEndpointGroup(name));

    private static void MapHealth(IEndpointRouteBuilder health)
    {
        // Liveness: the process answers. Readiness: connected to the broker and subscribed, and the pages warmed (unless
        // Hosting:WarmUp:Enabled is off).
        health.MapHealthChecks("/healthz", new() { Predicate = _ => false });
        // The status and why, in one line: "Unhealthy: replaying history from Choria Streams: 1200 of 300000 events".
        health.MapHealthChecks("/readyz", new()
        {
            Predicate = c => c.Tags.Contains("ready") && WarmUpRegistration.IsReadinessCheck(health.ServiceProvider, c.Name),
            ResponseWriter = (context, report) => context.Response.WriteAsync(
                string.Join("; ", report.Entries.Values.Select(e => $"{e.Status}: {e.Description}").DefaultIfEmpty(report.Status.ToString()))),
        });
    }
}
