using System.Diagnostics;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Ingest.Replay;
using ChoriaDashboard.Tests.Cluster;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Integration;

/// <summary>
/// The replay with pulls kept ahead of the one being applied (<c>Replay:PullsInFlight</c>), against a real nats-server
/// with JetStream: pulls that had arrived when the broker went away are applied, the one in flight is given up, and the
/// read resumes after the last message applied; every stored event is applied once, in order (each node ends on its last
/// version), and no read ever holds more pulls than the bound, even with the fleet writer held still.
/// </summary>
public sealed class ReplayPullsInFlightTests(NatsServerFixture nats, ITestOutputHelper output) : IClassFixture<NatsServerFixture>
{
    private const int Nodes = 1000;
    private const int Rounds = 20;
    private const int InFlight = 4;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>Each node's startup, its alives on 1.0.0, and its last alive on 2.0.0.</summary>
    private static int Stored => Nodes * (Rounds + 2);

    [Fact]
    public async Task Replay_BrokerRestartsWithPullsAhead_ResumesAfterTheLastAppliedAndAppliesEachEventOnceWithinTheBound()
    {
        await StoreHistoryAsync();
        var recorder = default(FleetRecorder);
        var gate = default(Func<ReplayGate>);
        await using var app = new DashboardFactory(nats.Url, Settings(), services: s =>
        {
            recorder = FleetRecorder.AddTo(s);
            gate = ReplayGate.AddTo(s, Stored / 4);
        });
        using var http = app.CreateClient();
        var status = app.Services.GetRequiredService<IFleetStatus>();
        var replay = app.Services.GetRequiredService<StreamReplay>();
        var watch = Stopwatch.StartNew();

        // The gate holds the replay's hand-over to the writer a quarter of the way: the pulls run ahead to the bound and
        // wait there, arrived but not applied, while the broker goes away.
        await gate!().Holding.WaitAsync(Timeout);
        await Eventually.TrueAsync(() => replay.MostPullsHeld >= InFlight, Timeout, $"the read to run {InFlight} pulls ahead while the writer is held");
        var at = status.Currency.Replay!;
        await nats.StopAsync();
        await Eventually.TrueAsync(() => status.Broker.State != BrokerState.Connected, Timeout, "the app to notice the broker is gone");
        gate().Release();
        await nats.StartAsync();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        output.WriteLine($"broker stopped at {at.Replayed} of {at.Total} with the hand-over held; caught up after {watch.Elapsed.TotalSeconds:0.0} s; most pulls held by one read: {replay.MostPullsHeld}");

        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        var currency = fleet.GetProperty("currency");
        Assert.True(currency.GetProperty("isCurrent").GetBoolean(), currency.ToString());
        Assert.True(currency.GetProperty("replayInterruptions").GetInt32() >= 1, $"the broker restart did not interrupt the replay: {currency}");
        Assert.Equal(System.Text.Json.JsonValueKind.Null, currency.GetProperty("historyIncomplete").ValueKind);
        Assert.True(replay.MostPullsHeld == InFlight, $"expected the reads to hold at most (and, with the writer held, exactly) {InFlight} pulls at once, not {replay.MostPullsHeld}");

        // Every node on its last version: the replay applied its events in order, and none was lost.
        var view = app.Services.GetRequiredService<IFleetView>();
        Assert.Equal(Nodes, view.Nodes.Count);
        var behind = view.Nodes.Values.Where(n => (n.Version, n.State) != ("2.0.0", NodeState.Live)).Select(n => $"{n.Identity} {n.Version} {n.State}").ToList();
        Assert.True(behind.Count == 0, $"{behind.Count} nodes not live on 2.0.0, e.g. {string.Join(", ", behind.Take(5))}");

        // Each stored event once: accepted or superseded, never twice, never rejected.
        var ingest = await Eventually.ValueAsync(
            async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("ingest"),
            i => i.GetProperty("accepted").GetInt64() + i.GetProperty("superseded").GetInt64() >= Stored,
            TimeSpan.FromSeconds(10),
            $"accepted + superseded to reach the {Stored} stored messages");
        Assert.True(
            Stored == ingest.GetProperty("accepted").GetInt64() + ingest.GetProperty("superseded").GetInt64(),
            $"expected the {Stored} stored events applied once each (accepted + superseded); ingest counters: {ingest}");
        Assert.Equal(0, ingest.GetProperty("rejected").GetInt64());
        Assert.Empty(recorder!.Deaths);
    }

    private static Dictionary<string, string?> Settings() => new()
    {
        ["Replay:Margin"] = "01:00:00",
        ["Replay:RetryDelay"] = "00:00:00.200",
        ["Replay:MaxRetryDelay"] = "00:00:02",
        ["Replay:StallTimeout"] = "00:00:02",

        // Small pulls, several ahead: three quarters of the history are left to pull when the gate holds.
        ["Replay:PullBatchSize"] = "64",
        ["Replay:PullsInFlight"] = InFlight.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private async Task StoreHistoryAsync()
    {
        await TestStreams.RecreateAsync(nats.Url);
        await using var publisher = new TestPublisher(nats.Url);
        for (var i = 0; i < Nodes; i++)
        {
            await publisher.PublishAsync(Startup(Identity(i, "ahead"), "1.0.0"), WireFormat.Legacy);
        }

        for (var round = 0; round < Rounds; round++)
        {
            for (var i = 0; i < Nodes; i++)
            {
                await publisher.PublishAsync(Alive(Identity(i, "ahead"), "1.0.0"), round % 2 == 0 ? WireFormat.Legacy : WireFormat.CloudEventStructured);
            }

            await publisher.FlushAsync();
        }

        for (var i = 0; i < Nodes; i++)
        {
            await publisher.PublishAsync(Alive(Identity(i, "ahead"), "2.0.0"), WireFormat.CloudEventBinary);
        }

        await publisher.FlushAsync();
        await Eventually.TrueAsync(async () => await TestStreams.MessagesAsync(nats.Url, ChoriaStreams.Events) == Stored, Timeout, $"the {Stored} events to be stored");
    }
}
