using System.Text.Json;
using ChoriaDashboard.Tests.Infrastructure;
using ChoriaDashboard.Tests.Integration;
using Xunit;
using Xunit.Abstractions;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// Two dashboard replicas behind a load balancer, each connected to a different broker of one cluster, under the same
/// fleet publishing through all three brokers: the cluster routes every event to both, so both show the same fleet.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterReplicaTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Servers sending an alive every <see cref="AliveEvery"/> beside the mixed fleets.</summary>
    private const int SteadyNodes = 300;

    private static readonly TimeSpan AliveEvery = TimeSpan.FromMilliseconds(250);

    [Fact]
    public async Task TwoReplicas_OnDifferentBrokers_ShowTheSameFleetOnceThePublishersStop()
    {
        await using var cluster = await NatsCluster.StartAsync();
        await cluster.RecreateChoriaStreamsAsync(3);
        var settings = MixedFleet.Settings();
        settings["Security:ApiRequestsPerMinute"] = "100000";
        await using var first = new DashboardFactory(cluster.Nodes[0].Url, settings);
        await using var second = new DashboardFactory(cluster.Nodes[1].Url, settings);
        using var firstHttp = first.CreateClient();
        using var secondHttp = second.CreateClient();
        await FleetApiIntegrationTests.WaitReadyAsync(firstHttp);
        await FleetApiIntegrationTests.WaitReadyAsync(secondHttp);

        // The same publishers for both: a mixed fleet (every rule, every wire shape) through each broker, and steady
        // alives spread over all three, so most events reach each replica through a route between brokers. Each node's
        // events go through one publisher, so both replicas get them in the order sent.
        long sent;
        await using (var steady = new AliveLoad(cluster.Nodes.Select(n => n.Url), SteadyNodes, "steady", AliveEvery))
        {
            await steady.StartAsync();
            for (var i = 0; i < cluster.Nodes.Count; i++)
            {
                await using var publisher = new TestPublisher(cluster.Nodes[i].Url);
                await MixedFleet.PublishAsync(publisher, $"mixed{i}-");
            }

            await Eventually.TrueAsync(() => steady.Rounds >= 8, Timeout, "eight rounds of alives");
            await steady.StopAsync();
            sent = steady.Sent.Count;
        }

        var nodes = (cluster.Nodes.Count * MixedFleet.Nodes) + SteadyNodes;
        var dead = cluster.Nodes.Count * 4;
        var seen = await Eventually.ValueAsync(
            () => FleetApiIntegrationTests.GetFleetAsync(firstHttp),
            f => MixedFleet.Total(f) == nodes && MixedFleet.Dead(f) == dead,
            Timeout,
            $"the replica on {cluster.Nodes[0]} to show the {nodes} nodes, {dead} of them (short-lived) dead");
        var other = default(JsonElement);
        try
        {
            await Eventually.TrueAsync(
                async () =>
                {
                    (seen, other) = (await FleetApiIntegrationTests.GetFleetAsync(firstHttp), await FleetApiIntegrationTests.GetFleetAsync(secondHttp));
                    return Compared(seen) == Compared(other);
                },
                Timeout,
                $"the replica on {cluster.Nodes[1]} to show the same fleet");
        }
        finally
        {
            output.WriteLine($"{sent} steady events sent; on {cluster.Nodes[0].Name}: {Compared(seen)}");
            output.WriteLine($"on {cluster.Nodes[1].Name}: {(other.ValueKind == JsonValueKind.Undefined ? "nothing" : Compared(other))}");
        }

        Assert.Equal(nodes, MixedFleet.Total(other));
        Assert.True(seen.GetProperty("ingest").GetProperty("accepted").GetInt64() > sent, $"fewer events accepted than the {sent} steady ones sent");
        Assert.Equal(0, seen.GetProperty("ingest").GetProperty("rejected").GetInt64());
        Assert.Equal(cluster.Nodes[0].Url, seen.GetProperty("nats").GetProperty("server").GetString());
        Assert.Equal(cluster.Nodes[1].Url, other.GetProperty("nats").GetProperty("server").GetString());
    }

    /// <summary>What two replicas must agree on: the fleet's figures (<see cref="MixedFleet.Figures"/>) and the events they accepted.</summary>
    private static string Compared(JsonElement fleet) =>
        $"{MixedFleet.Figures(fleet)}, accepted {fleet.GetProperty("ingest").GetProperty("accepted").GetInt64()}";
}
