using System.Net;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// Restart recovery from Choria Streams against a real nats-server with JetStream: an app started after the events
/// shows what an app that saw them live shows.
/// </summary>
public sealed class StreamReplayTests : IClassFixture<NatsServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly NatsServerFixture _nats;

    public StreamReplayTests(NatsServerFixture nats) => _nats = nats;

    [Fact]
    public async Task Replay_AfterMixedFleet_EqualsTheViewOfAnAppThatSawItLive()
    {
        await TestStreams.RecreateAsync(_nats.Url);
        await using var live = new DashboardFactory(_nats.Url, MixedFleet.Settings());
        using var liveHttp = live.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(liveHttp);

        await using (var publisher = new TestPublisher(_nats.Url))
        {
            await MixedFleet.PublishAsync(publisher);
        }

        // The short-lived nodes die inside the retained window; the live app sees them go.
        var seenLive = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(liveHttp),
            f => MixedFleet.Total(f) == MixedFleet.Nodes && MixedFleet.Dead(f) == 4,
            Timeout,
            "the live app to show the mixed fleet with its short-lived nodes dead");

        await using var restarted = new DashboardFactory(_nats.Url, MixedFleet.Settings());
        using var http = restarted.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        var replayed = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => MixedFleet.Figures(f) == MixedFleet.Figures(seenLive),
            Timeout,
            "the replayed view to equal the live one");
        Assert.True(replayed.GetProperty("currency").GetProperty("isCurrent").GetBoolean());
        Assert.Null(replayed.GetProperty("currency").GetProperty("historyUnavailable").GetString());
        Assert.True(replayed.GetProperty("ingest").GetProperty("received").GetProperty("replay CHORIA_EVENTS").GetInt64() > 0);
    }

    [Fact]
    public async Task Replay_ComponentWithLongerThresholds_ItsOlderStartupComesBackWhileTheFleetWindowStaysShort()
    {
        await TestStreams.RecreateAsync(_nats.Url);
        await using (var publisher = new TestPublisher(_nats.Url))
        {
            await publisher.PublishAsync(Startup("prov-1.example.net", "0.9.0", component: "provisioner"), WireFormat.CloudEventStructured);
            await publisher.PublishAsync(Startup("old-1.example.net"), WireFormat.Legacy);
            await publisher.FlushAsync();
        }

        // Both fall out of the fleet-wide window (DeadAfter 2 s + Margin 1 s) once it has passed; not out of the
        // provisioner's (DeadAfter 1 h).
        var storedBy = DateTimeOffset.UtcNow;
        await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow - storedBy > TimeSpan.FromSeconds(4)), Timeout, "the fleet-wide replay window to pass");
        await using (var publisher = new TestPublisher(_nats.Url))
        {
            await publisher.PublishAsync(Startup("new-1.example.net"), WireFormat.CloudEventBinary);
            await publisher.FlushAsync();
        }

        await using var app = new DashboardFactory(_nats.Url, new Dictionary<string, string?>
        {
            ["Fleet:StaleAfter"] = "00:00:01",
            ["Fleet:DeadAfter"] = "00:00:02",
            ["Fleet:ForgetAfter"] = "01:00:00",
            ["Replay:Margin"] = "00:00:01",
            // Alives at most every second: the fleet-wide window is 3.5 s (2.5 of them + Margin), not hours.
            ["Fleet:MaxAliveInterval"] = "00:00:01",
            ["Fleet:Components:provisioner:StaleAfter"] = "00:30:00",
            ["Fleet:Components:provisioner:DeadAfter"] = "01:00:00",
            ["Fleet:Components:provisioner:ForgetAfter"] = "02:00:00",
        });
        using var http = app.CreateClient();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("currency").GetProperty("isCurrent").GetBoolean(),
            Timeout,
            "the replay to catch up");

        var components = fleet.GetProperty("components").EnumerateArray().ToDictionary(c => c.GetProperty("component").GetString()!, c => c.GetProperty("total").GetInt32());
        Assert.True(components.GetValueOrDefault("provisioner") == 1, fleet.GetProperty("currency").ToString());
        Assert.Equal(1, components.GetValueOrDefault(ChoriaComponents.Server));
        Assert.Equal(2, fleet.GetProperty("totals").GetProperty("nodes").GetInt32());
    }

    [Fact]
    public async Task Replay_EventsPublishedDuringTheReplay_AreAppliedOnce()
    {
        await TestStreams.RecreateAsync(_nats.Url);
        await using var publisher = new TestPublisher(_nats.Url);

        // History for the replay to read while live delivery runs.
        for (var i = 0; i < 20_000; i++)
        {
            await publisher.PublishAsync(Alive(Identity(i % 2000, "history")), WireFormat.Legacy);
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(async () => await TestStreams.MessagesAsync(_nats.Url, ChoriaStreams.Events) == 20_000, Timeout, "the history to be stored");

        // Governor events published without pause from before the app starts until it is ready: some fall between
        // where the replay starts and where it ends, and arrive both live and replayed.
        using var stop = new CancellationTokenSource();
        var published = 0;
        var publishing = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await publisher.PublishAsync(Governor(Identity(published, "during"), governor: "DURING", sequence: (ulong)published), WireFormat.CloudEventStructured);
                if (++published % 50 == 0)
                {
                    await publisher.FlushAsync();
                }
            }

            await publisher.FlushAsync();
        });
        await Eventually.TrueAsync(() => Volatile.Read(ref published) > 500, Timeout, "publishing to be under way");
        await using var app = new DashboardFactory(_nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        var before = Volatile.Read(ref published);
        await Eventually.TrueAsync(() => Volatile.Read(ref published) > before + 500, Timeout, "publishing to go on after the replay");
        await stop.CancelAsync();
        await publishing;
        var during = published;

        // Each governor event is counted: one applied twice, or lost between replay and live delivery, shows here.
        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => GovernorCount(f, "DURING") >= during && f.GetProperty("ingest").GetProperty("queueLength").GetInt32() == 0,
            Timeout,
            "every governor event to be counted");
        Assert.Equal(during, GovernorCount(fleet, "DURING"));
        Assert.Equal(2000, MixedFleet.Total(fleet));
    }

    [Fact]
    public async Task Replay_StreamsMissing_WorksLiveAndSaysWhyThereIsNoHistory()
    {
        await TestStreams.DeleteAsync(_nats.Url);
        await using var app = new DashboardFactory(_nats.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        await using var publisher = new TestPublisher(_nats.Url);
        await publisher.PublishAsync(Startup("live-only.example.net"), WireFormat.Legacy);
        await publisher.FlushAsync();

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => MixedFleet.Total(f) == 1,
            Timeout,
            "the live event to be applied");
        var currency = fleet.GetProperty("currency");
        Assert.True(currency.GetProperty("isCurrent").GetBoolean());
        Assert.Contains("stream CHORIA_EVENTS not found", currency.GetProperty("historyUnavailable").GetString());
    }

    [Fact]
    public async Task Replay_CreateStreamsOn_CreatesTheMissingStreams()
    {
        await TestStreams.DeleteAsync(_nats.Url);
        await using var app = new DashboardFactory(_nats.Url, new Dictionary<string, string?> { ["Replay:CreateStreams"] = "true" });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        Assert.Equal(0, await TestStreams.MessagesAsync(_nats.Url, ChoriaStreams.Events));
        Assert.Equal(0, await TestStreams.MessagesAsync(_nats.Url, ChoriaStreams.Machine));
        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, fleet.GetProperty("currency").GetProperty("historyUnavailable").ValueKind);
    }

    [Fact]
    public async Task Replay_PlainNatsWithoutJetStream_WorksLiveAndSaysJetStreamIsMissing()
    {
        await using var server = await ConfiguredNatsServer.StartAsync("listen: 127.0.0.1:{port}");
        await using var app = new DashboardFactory(server.Url);
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);

        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.Contains("JetStream is not enabled", fleet.GetProperty("currency").GetProperty("historyUnavailable").GetString());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
    }

    private static long GovernorCount(System.Text.Json.JsonElement fleet, string governor) =>
        fleet.GetProperty("governor").GetProperty("counts").EnumerateArray()
            .Where(c => c.GetProperty("governor").GetString() == governor)
            .Sum(c => c.GetProperty("count").GetInt64());
}
