using System.Diagnostics;
using System.Net.Http.Json;
using ChoriaDashboard.Api;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The real app holding a full fleet: 250,000 nodes (the default <c>Fleet:MaxNodes</c>) in 20 components with several
/// versions each, most live and thousands stale, dead and stopped, and 120,000 nagios checks. The events go in through
/// the writer's own queue (<see cref="IFleetWriter"/>, where the NATS loops hand theirs) with receipt times in the past,
/// so the writer's sweep judges the silent ones stale and dead on the default thresholds, as it would have over hours.
/// </summary>
public sealed class LargeWallFleet : IAsyncLifetime
{
    /// <summary>Nodes in the fleet: the default <c>Fleet:MaxNodes</c>.</summary>
    public const int Nodes = 250_000;

    /// <summary>
    /// The components, largest first: <c>server</c> on 121,000 nodes (a six-digit live count; its versions all 0.29 or later, so none is judged on the 60-minute cadence of older servers), the rest from 40,000 to
    /// 500; names short and long (Choria's own and site-made); one mostly stopped (a component being retired).
    /// </summary>
    public static readonly IReadOnlyList<Plan> Components =
    [
        new("server", 121_000, Stale: 4_321, Dead: 3_210, Stopped: 2_109, ["0.29.4", "0.29.3", "0.29.2", "0.30.0"]),
        new("legacy_inventory_agent", 40_000, Stale: 1_234, Dead: 2_345, Stopped: 31_415, ["2.4.1", "2.3.0", "1.9.12"]),
        new("provision_mode_server", 20_000, Stale: 612, Dead: 488, Stopped: 1_020, ["0.29.4", "0.29.3"]),
        new("service_host", 15_000, Stale: 456, Dead: 321, Stopped: 210, ["0.29.4", "0.29.3", "0.29.2"]),
        new("choria_stream_replicator", 10_000, Stale: 345, Dead: 234, Stopped: 123, ["0.10.2", "0.10.1", "0.9.0"]),
        new("tally", 8_000, Stale: 98, Dead: 76, Stopped: 54, ["0.1.4", "0.1.3"]),
        new("asyncjobs", 6_000, Stale: 210, Dead: 99, Stopped: 1_111, ["0.0.9", "0.0.8", "0.0.7"]),
        new("choria_provisioner", 5_000, Stale: 0, Dead: 0, Stopped: 0, ["0.15.1", "0.15.0"]),
        new("aaasvc", 4_000, Stale: 40, Dead: 30, Stopped: 20, ["0.7.2", "0.7.1", "0.7.0"]),
        new("broker_federation", 3_500, Stale: 35, Dead: 25, Stopped: 15, ["0.29.4", "0.29.3"]),
        new("scout_metrics_exporter", 3_000, Stale: 30, Dead: 20, Stopped: 10, ["1.2.0", "1.1.9", "1.1.8"]),
        new("backup_agent", 3_000, Stale: 300, Dead: 200, Stopped: 100, ["3.1.0", "3.0.4"]),
        new("puppet_agent_watch", 2_500, Stale: 25, Dead: 15, Stopped: 5, ["7.28.0", "7.27.0", "6.28.0"]),
        new("dns_cache_guard", 2_000, Stale: 20, Dead: 10, Stopped: 5, ["1.0.3", "1.0.2"]),
        new("log_shipper", 2_000, Stale: 120, Dead: 80, Stopped: 40, ["4.5.6", "4.5.5", "4.4.0"]),
        new("cert_renewer", 1_500, Stale: 15, Dead: 5, Stopped: 0, ["2.0.1", "2.0.0"]),
        new("nats_leafnode_monitor", 1_500, Stale: 150, Dead: 50, Stopped: 25, ["0.3.1", "0.3.0", "0.2.9"]),
        new("firmware_upgrader", 1_000, Stale: 10, Dead: 5, Stopped: 500, ["5.0.0", "4.9.9"]),
        new("lab_canary", 500, Stale: 5, Dead: 3, Stopped: 1, ["0.0.1-rc.3", "0.0.1-rc.2"]),
        new("edge_gateway", 500, Stale: 50, Dead: 25, Stopped: 10, ["1.0.0", "0.9.0", "0.8.0"]),
    ];

    /// <summary>Nagios checks reported (on the first <c>server</c> nodes), enough for a six-digit OK count.</summary>
    public const int Checks = 120_000;

    private readonly NatsServerFixture _nats = new();

    public DashboardFactory App { get; private set; } = default!;

    /// <summary>How long the fleet took to go in and be judged, for the test's output.</summary>
    public TimeSpan SeedTime { get; private set; }

    /// <summary>How long queuing the fleet's events took.</summary>
    public TimeSpan QueueTime { get; private set; }

    public async Task InitializeAsync()
    {
        if (Components.Sum(c => c.Nodes) != Nodes || Components.Count != 20)
        {
            throw new InvalidOperationException($"the plan must hold {Nodes:N0} nodes in 20 components, not {Components.Sum(c => c.Nodes):N0} in {Components.Count}");
        }

        await _nats.InitializeAsync();
        // /api/fleet is polled below until the fleet is judged; the default rate limit would refuse that.
        App = new DashboardFactory(_nats.Url, new Dictionary<string, string?> { ["Security:ApiRequestsPerMinute"] = "100000" }, kestrel: true);
        App.StartServer();
        using var http = App.CreateClient();
        await WallBoardTests.WaitReadyAsync(http);

        var clock = Stopwatch.StartNew();
        var writer = App.Services.GetRequiredService<IFleetWriter>();
        var now = TimeProvider.System.GetUtcNow();
        var batch = new IngestBatch(IngestBatch.MaxCount);
        async Task Add(ChoriaEvent evt, string subject, DateTimeOffset receivedAt)
        {
            if (!batch.Add(evt, subject, receivedAt))
            {
                await writer.EnqueueAsync(batch, CancellationToken.None);
                batch = new IngestBatch(IngestBatch.MaxCount);
                batch.Add(evt, subject, receivedAt);
            }
        }

        foreach (var plan in Components)
        {
            var startup = ChoriaProtocol.LifecyclePrefix + "startup." + plan.Name;
            var shutdown = ChoriaProtocol.LifecyclePrefix + "shutdown." + plan.Name;
            for (var i = 0; i < plan.Nodes; i++)
            {
                var identity = plan.Identity(i);
                var version = plan.VersionOf(i);
                switch (plan.StateOf(i))
                {
                    case "dead":
                        // Silent three hours: past every dead threshold (80 minutes, 162.5 at most for a slow cadence).
                        await Add(Startup(identity, version, plan.Name), startup, now.AddHours(-3));
                        break;
                    case "stale":
                        // Silent 50 minutes: past the 40-minute stale threshold, well before the dead one.
                        await Add(Startup(identity, version, plan.Name), startup, now.AddMinutes(-50));
                        break;
                    case "stopped":
                        await Add(Startup(identity, version, plan.Name), startup, now.AddMinutes(-20));
                        await Add(Shutdown(identity, plan.Name), shutdown, now.AddMinutes(-10));
                        break;
                    default:
                        await Add(Startup(identity, version, plan.Name), startup, now);
                        break;
                }
            }
        }

        var server = Components[0];
        var watcher = ChoriaProtocol.WatcherState(WatcherTypes.Nagios);
        for (var i = 0; i < Checks; i++)
        {
            // Most OK; a few thousand failing, as a large site has on a bad day.
            var code = (i % 100) switch { < 94 => 0, < 97 => 1, < 99 => 2, _ => 3 };
            await Add(Nagios(server.Identity(i), "check_disk", code, code == 0 ? "DISK OK - free space: / 41231 MB (62%)" : "DISK WARNING - free space: / 2048 MB (6%)"), watcher, now);
        }

        await writer.EnqueueAsync(batch, CancellationToken.None);

        QueueTime = clock.Elapsed;
        var expected = Expected;
        FleetResponse? last = null;
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    last = await http.GetFromJsonAsync<FleetResponse>("/api/fleet", FleetJson);
                    return last is not null && last.Totals == expected && last.Health.Total == Checks;
                },
                TimeSpan.FromSeconds(90),
                $"the fleet to hold {expected} (nodes, live, stale, dead, stopped) and {Checks:N0} checks");
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message} /api/fleet said {last?.Totals} and {last?.Health}; turned away: {last?.TurnedAway}", e);
        }

        SeedTime = clock.Elapsed;
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await _nats.DisposeAsync();
    }

    /// <summary>The whole fleet's counts as planned.</summary>
    public static StateCounts Expected => new(
        Nodes,
        Components.Sum(c => c.Live),
        Components.Sum(c => c.Stale),
        Components.Sum(c => c.Dead),
        Components.Sum(c => c.Stopped));

    /// <summary><c>/api/fleet</c>'s JSON options (camelCase, enums as camelCase strings).</summary>
    public static readonly System.Text.Json.JsonSerializerOptions FleetJson = CreateJson();

    private static System.Text.Json.JsonSerializerOptions CreateJson()
    {
        var options = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        FleetApi.ConfigureJson(options);
        return options;
    }

    /// <summary>One component of the fleet: how many nodes it runs on, how many of those are in each state, its versions.</summary>
    public sealed record Plan(string Name, int Nodes, int Stale, int Dead, int Stopped, string[] Versions)
    {
        public int Live => Nodes - Stale - Dead - Stopped;

        /// <summary>A host name per node; each component on hosts of its own (<c>server000042.lon3.example.net</c>).</summary>
        public string Identity(int i) => $"{Name.Replace('_', '-')}{i:000000}.lon3.example.net";

        /// <summary>The first nodes dead, then stale, then stopped, the rest live.</summary>
        public string StateOf(int i) =>
            i < Dead ? "dead" : i < Dead + Stale ? "stale" : i < Dead + Stale + Stopped ? "stopped" : "live";

        /// <summary>Six nodes in ten on the first version, three on the second, one on the rest in turn.</summary>
        public string VersionOf(int i) => (i % 10) switch
        {
            < 6 => Versions[0],
            < 9 => Versions[Math.Min(1, Versions.Length - 1)],
            _ => Versions[Versions.Length > 2 ? 2 + (i / 10 % (Versions.Length - 2)) : Versions.Length - 1],
        };
    }
}
