using ChoriaDashboard.Api;
using ChoriaDashboard.Api.Hub;
using ChoriaDashboard.Api.Metrics;
using ChoriaDashboard.Components;
using ChoriaDashboard.Components.Wall;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Fleet.Raw;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Hosting.Security;
using ChoriaDashboard.Hosting.SignIn;
using ChoriaDashboard.Hosting.WarmUp;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Connection;
using ChoriaDashboard.Ingest.Http;
using ChoriaDashboard.Ingest.Replay;
using ChoriaDashboard.Simulation;
using ChoriaDashboard.Webhooks;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using NATS.Client.Core;

namespace ChoriaDashboard.Hosting;

/// <summary>Everything the dashboard registers (options, ingest, the fleet, the UI), so <c>Program.cs</c> stays a few lines.</summary>
public static class ServiceRegistration
{
    /// <summary>Registers every options section (validated at start) and service; endpoints are mapped by <see cref="EndpointMapping"/>.</summary>
    public static WebApplicationBuilder AddChoriaDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        services.AddValidatedOptions<NatsOptions, NatsOptionsValidator>(config, NatsOptions.Section)
            .PostConfigure(o => o.Subjects = o.Subjects.Length == 0 ? NatsOptions.DefaultSubjects : [.. o.Subjects.Distinct(StringComparer.Ordinal)]);
        services.AddValidatedOptions<FleetOptions, FleetOptionsValidator>(config, FleetOptions.Section);
        services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(config, DemoOptions.Section);
        services.AddValidatedOptions<ReplayOptions, ReplayOptionsValidator>(config, ReplayOptions.Section);
        services.AddValidatedOptions<IngestOptions, IngestOptionsValidator>(config, IngestOptions.Section);
        services.AddValidatedOptions<UiOptions, UiOptionsValidator>(config, UiOptions.Section);
        services.AddValidatedOptions<WallOptions, WallOptionsValidator>(config, WallOptions.Section);

        services.TryAddSingleton(TimeProvider.System);

        // Ingest: one NATS connection, the decoder, the broker connection monitor.
        services.AddSingleton(sp => new IngestCounters(
            sp.GetRequiredService<ILogger<IngestCounters>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<IngestOptions>>().Value.RejectionLogBurst,
            sp.GetRequiredService<IOptions<IngestOptions>>().Value.RejectionLogInterval,
            sp.GetService<IFleetObserver>()));
        services.AddSingleton(sp => new BrokerConnectionMonitor(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IFleetWriter>()));
        services.AddSingleton(sp => new ChoriaEventDecoder(sp.GetRequiredService<IOptions<IngestOptions>>().Value));
        // Resolved once: Nats:* and the files it names, already checked by NatsOptionsValidator at start.
        services.AddSingleton(sp => BrokerConnectionResolver.Resolve(sp.GetRequiredService<IOptions<NatsOptions>>().Value, out _));
        services.AddSingleton<INatsConnection>(sp => new NatsConnection(NatsConnectionFactory.CreateOpts(
            sp.GetRequiredService<IOptions<NatsOptions>>().Value,
            sp.GetRequiredService<BrokerConnectionSettings>(),
            new ClientFailureObserver(sp.GetRequiredService<ILoggerFactory>(), sp.GetRequiredService<BrokerConnectionMonitor>().ConnectionFailed),
            sp.GetRequiredService<BrokerConnectionMonitor>().ConnectionRefused)));

        // Accepted messages as received, within Ingest:RawEventBytes: written by the ingest, read through the fleet reader.
        services.AddSingleton(sp => new RawEventStore(sp.GetRequiredService<IOptions<IngestOptions>>().Value.RawEventBytes));

        // The fleet: one store, one writer loop; readers see it only through its reading interfaces.
        services.AddSingleton(sp => new FleetStore(
            sp.GetRequiredService<IOptions<FleetOptions>>(),
            sp.GetRequiredService<IngestCounters>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<FleetStore>>(),
            sp.GetRequiredService<IOptions<IngestOptions>>().Value.QueueCapacity,
            sp.GetRequiredService<RawEventStore>(),
            sp.GetService<IFleetObserver>()));
        services.AddSingleton<IFleetView>(sp => sp.GetRequiredService<FleetStore>());
        services.AddSingleton<IFleetStatus>(sp => sp.GetRequiredService<FleetStore>());
        services.AddSingleton<INodeHistory>(sp => sp.GetRequiredService<FleetStore>());
        services.AddSingleton<IEventTail>(sp => sp.GetRequiredService<FleetStore>());
        services.AddSingleton<IFleetWriter>(sp => sp.GetRequiredService<FleetStore>());
        services.AddHostedService(sp => sp.GetRequiredService<FleetStore>());
        services.AddSingleton<StreamReplay>();

        // Webhooks (issue 20): live news posted to Webhooks:Endpoints. Ahead of the ingest, so its reader has subscribed
        // before the first live event.
        services.AddValidatedOptions<WebhookOptions, WebhookOptionsValidator>(config, WebhookOptions.Section);
        services.AddWebhooks();

        services.AddHostedService<NatsIngestService>();
        services.AddSingleton(sp => new NodeListCache(sp.GetRequiredService<IFleetView>(), sp.GetRequiredService<IOptions<UiOptions>>().Value.NodeListCacheSize));
        services.AddSingleton(sp => new CheckListCache(sp.GetRequiredService<IFleetView>(), sp.GetRequiredService<IOptions<UiOptions>>().Value.CheckListCacheSize));

        if (config.GetValue<bool>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}"))
        {
            services.AddHostedService<DemoFleetService>();
        }

        // Metrics (issue 19): /metrics with tally's families (told by the fleet writer) and the dashboard's own.
        services.AddValidatedOptions<MetricsOptions, MetricsOptionsValidator>(config, MetricsOptions.Section);
        services.AddDashboardMetrics(config.GetValue($"{MetricsOptions.Section}:{nameof(MetricsOptions.Enabled)}", true));
        services.AddSingleton(sp => new DashboardFamily("choria_dashboard_open_circuits", "gauge", "Blazor circuits open now", null, () => [new("", sp.GetRequiredService<CircuitCounter>().Open)]));
        services.AddSingleton(sp => new DashboardFamily(
            "choria_dashboard_refused_requests_total", "counter", "Requests the hardened surface refused since start, by reason", "reason",
            () => sp.GetRequiredService<SecurityRefusals>().ByReason.Select(r => new KeyValuePair<string, double>(MetricsScrape.SnakeCase(r.Key.ToString()), r.Value))));

        // The live hub's clients (FleetHubClients): connected now, streams open, and how often one fell behind.
        services.AddSingleton(sp => new DashboardFamily("choria_dashboard_hub_clients", "gauge", "Connections open on the live hub /hubs/fleet", null, () => [new("", sp.GetRequiredService<FleetHubClients>().Connected)]));
        services.AddSingleton(sp => new DashboardFamily("choria_dashboard_hub_streams", "gauge", "Fleet streams open on the live hub", null, () => [new("", sp.GetRequiredService<FleetHubClients>().Streams)]));
        services.AddSingleton(sp => new DashboardFamily(
            "choria_dashboard_hub_streams_fell_behind_total", "counter", "Times a hub stream fell behind Hub:ClientBacklog rounds, or a feed behind Fleet:SubscriberBufferSize updates, and lost its backlog (a fresh snapshot follows)", null,
            () => [new("", sp.GetRequiredService<FleetHubClients>().FellBehind)]));
        services.AddSingleton(sp => new DashboardFamily("choria_dashboard_hub_feeds", "gauge", "Hub feeds running: distinct component filters of the open streams, each merged and serialized once", null, () => [new("", sp.GetRequiredService<FleetHubClients>().Feeds)]));
        services.AddSingleton(sp => new DashboardFamily("choria_dashboard_hub_refused_calls_total", "counter", "Fleet calls the hub refused (a bad filter, a second stream)", null, () => [new("", sp.GetRequiredService<FleetHubClients>().Refused)]));

        services.AddDashboardSignIn(config);
        services.AddDashboardSecurity(config);
        services.AddHealthChecks().AddCheck<BrokerHealthCheck>("broker", tags: ["ready"]);
        // The pages rendered once at start, before /readyz answers ready (issue 23): Hosting:WarmUp.
        services.AddWarmUp(config);
        services.AddRazorComponents().AddInteractiveServerComponents();
        // What a circuit may hold beyond its components: render batches the browser has not acknowledged, and circuits
        // whose browser went away (Ui:*).
        services.AddOptions<CircuitOptions>().Configure<IOptions<UiOptions>>((circuit, ui) =>
        {
            circuit.MaxBufferedUnacknowledgedRenderBatches = ui.Value.MaxUnacknowledgedRenderBatches;
            circuit.DisconnectedCircuitMaxRetained = ui.Value.DisconnectedCircuitMaxRetained;
            circuit.DisconnectedCircuitRetentionPeriod = ui.Value.DisconnectedCircuitRetention;
        });
        services.AddMudServices();
        // MudBlazor's theme as one cached stylesheet (/theme.css), not a provider in every circuit (issue 23).
        services.AddSingleton<Components.Layout.ThemeStylesheet>();
        services.AddSingleton<Components.Pages.FleetTrendCache>();
        // The live hub for other clients (/hubs/fleet): SignalR sized by Hub:*.
        services.AddValidatedOptions<FleetHubOptions, FleetHubOptionsValidator>(config, FleetHubOptions.Section);
        services.AddFleetHub();
        services.ConfigureHttpJsonOptions(o => FleetApi.ConfigureJson(o.SerializerOptions));
        services.AddApiDocument("/api", SignInSchemes.ApiKeyHeader);

        // CloudEvents over HTTP in (issue 20): POST /api/events, mapped only when HttpIngest:Enabled.
        services.AddValidatedOptions<HttpIngestOptions, HttpIngestOptionsValidator>(config, HttpIngestOptions.Section);
        services.AddSingleton<HttpEventIngest>();
        return builder;
    }
}
