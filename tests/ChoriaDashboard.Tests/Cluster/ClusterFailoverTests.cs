using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// The dashboard given every broker of a three-node cluster, as Choria's brokers run: the broker it is connected to dies
/// under load, or before or during the replay of Choria Streams (replicated on all three). It carries on from another
/// broker, says which, and judges no node on the silence it could not hear.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Nodes under load, each sending an alive every <see cref="AliveEvery"/>.</summary>
    private const int LoadNodes = 300;

    private static readonly TimeSpan AliveEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DeadAfter = TimeSpan.FromSeconds(6);

    [Fact]
    public async Task Failover_BrokerKilledUnderLoad_ReconnectsToAnotherBrokerWithoutJudgingTheGapOrApplyingAnythingTwice()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await cluster.RecreateChoriaStreamsAsync(3);
        var recorder = default(FleetRecorder);
        var accepted = default(AcceptedEventRecorder);
        await using var app = new DashboardFactory(cluster.Urls, LoadSettings(), services: s =>
        {
            recorder = FleetRecorder.AddTo(s);
            accepted = AcceptedEventRecorder.AddTo(s);
        });
        using var http = app.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(http);
        var status = app.Services.GetRequiredService<IFleetStatus>();
        var view = app.Services.GetRequiredService<IFleetView>();
        var broker = cluster.NodeAt(status.Broker.Server)
            ?? throw new InvalidOperationException($"the dashboard names no broker of the cluster: '{status.Broker.Server}' ({cluster.Urls})");

        // The fleet publishes through the other two brokers, so killing the dashboard's broker loses it no publisher.
        await using var load = new AliveLoad(cluster.Nodes.Where(n => n != broker).Select(n => n.Url), LoadNodes, "failover", AliveEvery);
        await load.StartAsync();
        await Eventually.TrueAsync(
            () => load.Rounds >= 4 && view.Nodes.Count == LoadNodes && view.Nodes.Values.All(n => n.State == NodeState.Live),
            Timeout,
            $"every node live after four rounds of alives (rounds {load.Rounds}, nodes {view.Nodes.Count})");

        var killedAt = DateTimeOffset.UtcNow;
        await broker.StopAsync();
        var reconnected = await Eventually.ValueAsync(
            () => Task.FromResult(status.Broker),
            b => b.State == BrokerState.Connected && b.Since > killedAt && b.Ready,
            Timeout,
            $"the dashboard to be connected and subscribed again after {broker} was killed");
        var failover = reconnected.Since - killedAt;
        var now = cluster.NodeAt(reconnected.Server);
        output.WriteLine($"killed {broker}, the dashboard's broker; connected to {now} after {failover.TotalMilliseconds:0} ms");
        Assert.True(now is not null && now != broker, $"connected to '{reconnected.Server}' after {broker} was killed");
        var fleet = await FleetApiIntegrationTests.GetFleetAsync(http);
        Assert.Equal(reconnected.Server, fleet.GetProperty("nats").GetProperty("server").GetString());

        // The load goes on for longer than DeadAfter after the reconnect: a node judged on the gap would show by then.
        await Eventually.TrueAsync(() => DateTimeOffset.UtcNow - reconnected.Since > DeadAfter + TimeSpan.FromSeconds(1), Timeout, "DeadAfter to pass after the reconnect");
        await load.StopAsync();
        var sent = load.Sent.ToDictionary();

        // Every event sent from a second after the reconnect on is applied; the count of accepted events settles there.
        var settled = Eventually.ValueAsync(
            async () => (await FleetApiIntegrationTests.GetFleetAsync(http)).GetProperty("ingest").GetProperty("accepted").GetInt64(),
            n => n == accepted!.Accepted && sent.Where(s => s.Value > reconnected.Since.AddSeconds(1)).All(s => accepted.ById.ContainsKey(s.Key)),
            Timeout,
            "every event sent after the reconnect to be applied");
        var applied = await settled;

        // Nothing applied twice: every event carries an id of its own, and every accepted event is counted by id by a
        // reader that saw them all (no lag). An event applied twice has a count of 2; one the dashboard made up or took
        // from elsewhere (a replay after the reconnect, say) has an id never sent. And the dashboard's own count of
        // accepted events cannot exceed what was sent.
        var twice = accepted!.ById.Where(e => e.Value > 1).Select(e => e.Key).ToList();
        var unknown = accepted.ById.Keys.Where(id => !sent.ContainsKey(id)).ToList();
        var lost = sent.Where(s => !accepted.ById.ContainsKey(s.Key)).Select(s => s.Value).Order().ToList();
        output.WriteLine($"sent {sent.Count} events, accepted {applied}; lost {lost.Count} " +
            (lost.Count == 0 ? "" : $"(sent {(lost[0] - killedAt).TotalMilliseconds:0} to {(lost[^1] - killedAt).TotalMilliseconds:0} ms after the kill)"));
        Assert.Equal(0, accepted.Lags);
        Assert.Empty(twice);
        Assert.Empty(unknown);
        Assert.InRange(applied, 1, sent.Count);

        // What was lost was sent while the dashboard had no broker (give or take what was in flight): nothing else.
        Assert.All(lost, at => Assert.InRange(at, killedAt.AddSeconds(-1), reconnected.Since.AddSeconds(1)));

        // No node stale or dead for the gap, and every node live at the end.
        Assert.True(recorder!.Judged.IsEmpty, $"nodes judged: {string.Join(", ", recorder.Judged.Take(10))}");
        Assert.Empty(recorder.Deaths);
        Assert.Equal(LoadNodes, view.Nodes.Count);
        Assert.All(view.Nodes.Values, n => Assert.Equal(NodeState.Live, n.State));
    }

    /// <summary>Liveness in seconds, for a fleet sending an alive every second.</summary>
    private static Dictionary<string, string?> LoadSettings() => new()
    {
        ["Fleet:StaleAfter"] = StaleAfter.ToString("c", CultureInfo.InvariantCulture),
        ["Fleet:DeadAfter"] = DeadAfter.ToString("c", CultureInfo.InvariantCulture),
        ["Fleet:ForgetAfter"] = "01:00:00",
        ["Fleet:SweepInterval"] = "00:00:00.250",
    };
}
