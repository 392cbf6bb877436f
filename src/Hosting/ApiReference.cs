using ChoriaDashboard.Api;
using ChoriaDashboard.Components;
using ChoriaDashboard.Hosting.Security;
using Scalar.AspNetCore;

namespace ChoriaDashboard.Hosting;

/// <summary>
/// The API reference page (Scalar) at <see cref="Path"/>: it reads the OpenAPI document (<see cref="ApiDocument"/>) and
/// shows every operation. Its scripts are served by the app (no CDN, no web fonts, no telemetry); its one inline start-up
/// script runs by a per-response nonce (<see cref="ScriptNonce"/>), so the rest of the app keeps its strict policy.
/// </summary>
public static class ApiReference
{
    public const string Path = "/api-reference";

    /// <summary>Maps the page and its scripts on <paramref name="ui"/>, the UI group, for viewers.</summary>
    public static IEndpointConventionBuilder MapApiReference(this IEndpointRouteBuilder ui) =>
        ui.MapScalarApiReference(Path, (options, context) =>
            {
                options.Title = "Choria Dashboard API";
                options.OpenApiRoutePattern = ApiDocument.DocumentPattern;
                options.DefaultFonts = false;
                options.Telemetry = false;
                // Nothing that talks to Scalar's services from a fleet's private network: no developer toolbar (share,
                // SDK generation, deploy) and no AI chat.
                options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
                options.Agent = new ScalarAgentOptions { Disabled = true };
                var nonce = ScriptNonce.Of(context);
                options.Nonce = nonce;
                // Scalar bundles Zod 4, which probes Function("") on start to see whether it may compile validators:
                // without 'unsafe-eval' the probe is refused (and reported as a violation), though Zod then does without.
                // Told to do without from the start, it does not probe.
                options.HeadContent = $"<script nonce=\"{nonce}\">globalThis.__zod_globalConfig = {{ jitless: true }};</script>";
                options.AddPreferredSecuritySchemes(ApiDocument.ApiKeyScheme);
            })
            .WithMetadata(new ScriptNonce())
            .RequireAuthorization(DashboardPolicies.Viewer);
}
