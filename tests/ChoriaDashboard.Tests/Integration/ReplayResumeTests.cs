using System.Diagnostics;
using System.Globalization;
using System.Net;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// A replay of Choria Streams that breaks off half-way (the broker restarts, a consumer is deleted under it, the stream
/// goes away), against a real nats-server with JetStream storage kept on disk: it resumes where it stopped, or is given
/// up and says so; either way liveness is never judged on half a history.
/// </summary>
/// <remarks>
/// The history spans longer than <c>Fleet:StaleAfter</c>: every node sent its startup and many alives first, and its
/// last alive, on a new version, more than StaleAfter later. Judged on the first part alone, every node would be stale.
/// </remarks>
public sealed class ReplayResumeTests(NatsServerFixture nats, ITestOutputHelper output) : IClassFixture<NatsServerFixture>
{
    private const int Nodes = 1000;
    private const int EarlyRounds = 60;
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(12);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Events in the history: each node's startup, its early alives, and its late alive.</summary>
    private static int Stored => Nodes * (EarlyRounds + 2);

    [Fact]
    public async Task Replay_BrokerRestartsMidReplay_ResumesAndAppliesTheWholeHistoryWithoutJudgingHalfOfIt()
    {
        await StoreHistoryAsync();
        var recorder = default(FleetRecorder);
        await using var app = new DashboardFactory(nats.Url, Settings(), services: s => recorder = FleetRecorder.AddTo(s));
        using var http = app.CreateClient();
        var status = app.Services.GetRequiredService<IFleetStatus>();
        var watch = Stopwatch.StartNew();

        await Eventually.TrueAsync(() => status.Currency.Replay is { } r && r.Total > 0 && r.Replayed >= r.Total / 4, Timeout, "a quarter of the history to be replayed");
        var at = status.Currency.Replay!;
        await nats.StopAsync();
        await Eventually.TrueAsync(() => status.Broker.State != BrokerState.Connected, Timeout, "the app to notice the broker is gone");
        Assert.NotNull(status.Currency.Replay);
        await nats.StartAsync();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        output.WriteLine($"stopped at {at.Replayed} of {at.Total}; caught up after {watch.Elapsed.TotalSeconds:0.0} s");

        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        var currency = fleet.GetProperty("currency");
        Assert.True(currency.GetProperty("isCurrent").GetBoolean(), currency.ToString());
        Assert.True(currency.GetProperty("replayInterruptions").GetInt32() >= 1, currency.ToString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, currency.GetProperty("historyIncomplete").ValueKind);
        await AssertWholeHistoryAsync(app, http);
        Assert.Empty(recorder!.Judged);
        Assert.Empty(recorder.Deaths);
    }

    [Fact]
    public async Task Replay_ConsumersDeletedUnderIt_ResumesAndAppliesTheWholeHistory()
    {
        await StoreHistoryAsync();
        var recorder = default(FleetRecorder);
        await using var app = new DashboardFactory(nats.Url, Settings(), services: s => recorder = FleetRecorder.AddTo(s));
        using var http = app.CreateClient();
        var status = app.Services.GetRequiredService<IFleetStatus>();

        // An operator (or a broker clean-up) deleting every consumer on the stream, three times while the replay reads it.
        var deleted = 0;
        foreach (var share in new[] { 5, 3, 2 })
        {
            await Eventually.TrueAsync(() => status.Currency.Replay is { } r && r.Total > 0 && r.Replayed >= r.Total / share, Timeout, $"1/{share} of the history to be replayed");
            deleted += await TestStreams.DeleteConsumersAsync(nats.Url, ChoriaStreams.Events);
        }

        var watch = Stopwatch.StartNew();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        output.WriteLine($"deleted {deleted} consumers; caught up {watch.Elapsed.TotalSeconds:0.0} s after the last deletion");

        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.True(deleted > 0, "no consumer was deleted: the test did not test anything");
        Assert.True(fleet.GetProperty("currency").GetProperty("isCurrent").GetBoolean());
        await AssertWholeHistoryAsync(app, http);
        Assert.Empty(recorder!.Judged);
    }

    [Fact]
    public async Task Replay_StreamGoneMidReplay_GivenUpSaysSoEverywhereAndNoNodeTurnsStaleForTheMissingPart()
    {
        await StoreHistoryAsync();
        var recorder = default(FleetRecorder);
        var settings = Settings();
        settings["Replay:MaxAttempts"] = "3";
        await using var app = new DashboardFactory(nats.Url, settings, services: s => recorder = FleetRecorder.AddTo(s));
        using var http = app.CreateClient();
        var status = app.Services.GetRequiredService<IFleetStatus>();

        await Eventually.TrueAsync(() => status.Currency.Replay is { } r && r.Total > 0 && r.Replayed >= r.Total / 4, Timeout, "a quarter of the history to be replayed");
        await TestStreams.DeleteAsync(nats.Url);

        var fleet = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(http),
            f => f.GetProperty("currency").GetProperty("historyIncomplete").ValueKind == System.Text.Json.JsonValueKind.String,
            Timeout,
            "the replay to be given up");
        var currency = fleet.GetProperty("currency");
        Assert.Contains("stream CHORIA_EVENTS not found", currency.GetProperty("historyIncomplete").GetString());
        Assert.False(currency.GetProperty("livenessPaused").GetBoolean());
        // Ready once the pages are warmed (Hosting:WarmUp runs when the replay is over, given up or not).
        var ready = await Eventually.ValueAsync(
            async () =>
            {
                using var response = await http.GetAsync("/readyz");
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
            },
            r => r.StatusCode == HttpStatusCode.OK,
            Timeout,
            "/readyz to answer 200 after the replay was given up");
        Assert.Contains("history from Choria Streams incomplete", ready.Body);

        // Liveness runs again (sweeps every second), yet the nodes whose late alive was never replayed stay live: the
        // time not replayed is deaf time. The part of the history that was replayed is kept.
        var store = app.Services.GetRequiredService<IFleetView>();
        var givenUp = DateTimeOffset.UtcNow;
        await Eventually.TrueAsync(
            () =>
            {
                Assert.Equal(store.Summary.TotalNodes, store.Summary.Count(NodeState.Live));
                return DateTimeOffset.UtcNow - givenUp > TimeSpan.FromSeconds(4);
            },
            Timeout,
            "four sweeps after giving up");
        Assert.InRange(store.Summary.TotalNodes, 1, Nodes);
        Assert.Empty(recorder!.Judged);
    }

    private Dictionary<string, string?> Settings() => new()
    {
        ["Fleet:StaleAfter"] = StaleAfter.ToString("c", CultureInfo.InvariantCulture),
        ["Fleet:DeadAfter"] = (StaleAfter * 2).ToString("c", CultureInfo.InvariantCulture),
        ["Fleet:ForgetAfter"] = "01:00:00",
        ["Replay:Margin"] = "01:00:00",
        ["Replay:RetryDelay"] = "00:00:00.200",
        ["Replay:MaxRetryDelay"] = "00:00:02",
        ["Replay:StallTimeout"] = "00:00:02",

        // A writer slowed down (a small queue, a pause between batches), so the replay takes a few seconds and a test
        // can break it off half-way.
        ["Ingest:QueueCapacity"] = "1024",
        ["Fleet:MaxBatchSize"] = "1000000",
        ["Fleet:BatchDelay"] = "00:00:00.040",
    };

    /// <summary>
    /// Every node's startup and early alives on 1.0.0, then, more than StaleAfter later, its late alive on 2.0.0: the
    /// whole history leaves every node live on 2.0.0; half of it would leave them stale on 1.0.0.
    /// </summary>
    private async Task StoreHistoryAsync()
    {
        await TestStreams.RecreateAsync(nats.Url);
        await using var publisher = new TestPublisher(nats.Url);
        for (var i = 0; i < Nodes; i++)
        {
            await publisher.PublishAsync(Startup(Identity(i, "resume"), "1.0.0"), WireFormat.Legacy);
        }

        for (var round = 0; round < EarlyRounds; round++)
        {
            for (var i = 0; i < Nodes; i++)
            {
                await publisher.PublishAsync(Alive(Identity(i, "resume"), "1.0.0"), round % 2 == 0 ? WireFormat.Legacy : WireFormat.CloudEventStructured);
            }

            await publisher.FlushAsync();
        }

        var early = DateTimeOffset.UtcNow;
        await Eventually.TrueAsync(() => Task.FromResult(DateTimeOffset.UtcNow - early > StaleAfter + TimeSpan.FromSeconds(1)), Timeout, "the history to span more than StaleAfter");
        for (var i = 0; i < Nodes; i++)
        {
            await publisher.PublishAsync(Alive(Identity(i, "resume"), "2.0.0"), WireFormat.CloudEventBinary);
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(async () => await TestStreams.MessagesAsync(nats.Url, ChoriaStreams.Events) == Stored, Timeout, $"the {Stored} events to be stored");
    }

    /// <summary>Every node live on 2.0.0, and every stored event applied once: none lost, none twice.</summary>
    /// <summary>
    /// Every node live on its last version, and every stored message accounted for (accepted, or superseded by what
    /// was already known), none rejected. The writer counts a batch as accepted just after it publishes the batch's
    /// summary, and readiness can turn true on the last replayed batch before that: the counts are read until they
    /// settle, and a lost event still fails (the sum then stays short).
    /// </summary>
    private static async Task AssertWholeHistoryAsync(DashboardFactory app, HttpClient http)
    {
        var view = app.Services.GetRequiredService<IFleetView>();
        Assert.Equal(Nodes, view.Nodes.Count);
        Assert.All(view.Nodes.Values, n => Assert.Equal(("2.0.0", NodeState.Live), (n.Version, n.State)));
        var ingest = await Eventually.ValueAsync(
            async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("ingest"),
            i => i.GetProperty("accepted").GetInt64() + i.GetProperty("superseded").GetInt64() >= Stored,
            TimeSpan.FromSeconds(10),
            $"accepted + superseded to reach the {Stored} stored messages");
        Assert.Equal(Stored, ingest.GetProperty("accepted").GetInt64() + ingest.GetProperty("superseded").GetInt64());
        Assert.Equal(0, ingest.GetProperty("rejected").GetInt64());
    }
}
