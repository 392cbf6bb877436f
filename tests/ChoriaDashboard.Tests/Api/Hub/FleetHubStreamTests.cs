using ChoriaDashboard.Api.Hub;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.TestKit;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Tests.Api.Hub;

/// <summary>How one client's stream turns the fleet's updates into hub messages: merged, filtered, in bounded parts.</summary>
public sealed class FleetHubStreamTests
{
    private static readonly BrokerStatus Broker = new(BrokerState.Connected, DateTimeOffset.UnixEpoch, null, 3, 3, null);

    [Fact]
    public void Changes_NodeChangedTwiceInOneRound_GoesOnceAsItIsInTheNewest()
    {
        var first = Node("a", NodeState.Live, "1.0");
        var second = Node("a", NodeState.Dead, "1.1");

        var messages = FleetHubStream.Changes([Update(1, changed: [first]), Update(2, changed: [second])], 0, null, 10).ToList();

        var message = Assert.Single(messages);
        Assert.Equal((FleetHubMessage.Changes, 2L, 1, true), (message.Kind, message.Revision, message.Part, message.Last));
        var node = Assert.Single(message.Nodes);
        Assert.Equal((NodeState.Dead, "1.1"), (node.State, node.Version));
    }

    [Fact]
    public void Changes_NodeRemovedAfterAChange_GoesAsRemovedOnly()
    {
        var node = Node("a", NodeState.Live);

        var message = Assert.Single(FleetHubStream.Changes([Update(1, changed: [node]), Update(2, removed: [node.Key])], 0, null, 10));

        Assert.Empty(message.Nodes);
        Assert.Equal([new RemovedNode("a", ChoriaComponents.Server)], message.Removed);
    }

    [Fact]
    public void Changes_NodeBackAfterRemoval_GoesAsChangedOnly()
    {
        var node = Node("a", NodeState.Live);

        var message = Assert.Single(FleetHubStream.Changes([Update(1, removed: [node.Key]), Update(2, changed: [node])], 0, null, 10));

        Assert.Equal(["a"], message.Nodes.Select(n => n.Identity));
        Assert.Empty(message.Removed);
    }

    [Fact]
    public void Changes_MoreThanAMessageHolds_ComeInNumberedPartsTheLastMarked()
    {
        var nodes = Enumerable.Range(0, 7).Select(i => Node($"n{i}", NodeState.Live)).ToArray();
        var removed = Enumerable.Range(0, 3).Select(i => new NodeKey($"gone{i}", ChoriaComponents.Server)).ToArray();

        var messages = FleetHubStream.Changes([Update(5, changed: nodes, removed: removed)], 0, null, 3).ToList();

        Assert.Equal([1, 2, 3, 4], messages.Select(m => m.Part));
        Assert.Equal([false, false, false, true], messages.Select(m => m.Last));
        Assert.Equal([3, 3, 1, 0], messages.Select(m => m.Nodes.Count));
        Assert.Equal([0, 0, 2, 1], messages.Select(m => m.Removed.Count));
        Assert.Equal(nodes.Select(n => n.Identity).Order(StringComparer.Ordinal), messages.SelectMany(m => m.Nodes).Select(n => n.Identity).Order(StringComparer.Ordinal));
        Assert.Equal(removed.Select(k => k.Identity), messages.SelectMany(m => m.Removed).Select(r => r.Identity).Order(StringComparer.Ordinal));
        Assert.All(messages, m => Assert.Equal(5, m.Revision));
    }

    [Fact]
    public void Changes_NothingOfTheFiltersComponents_SendsNothing()
    {
        var node = Node("a", NodeState.Live, component: ChoriaComponents.Server);

        var messages = FleetHubStream.Changes([Update(1, changed: [node], removed: [new NodeKey("b", ChoriaComponents.Server)])], 0, new HashSet<string> { ChoriaComponents.ProvisionModeServer }, 10);

        Assert.Empty(messages);
    }

    [Fact]
    public void Changes_Filter_KeepsOnlyItsComponentsNodesRemovalsAndSummaries()
    {
        var server = Node("a", NodeState.Live, component: ChoriaComponents.Server);
        var provisioning = Node("a", NodeState.Live, component: ChoriaComponents.ProvisionModeServer);
        var summary = new FleetSummary(1, DateTimeOffset.UnixEpoch, [Summary(ChoriaComponents.ProvisionModeServer), Summary(ChoriaComponents.Server)], 0, HealthSummary.Empty);

        var message = Assert.Single(FleetHubStream.Changes(
            [Update(1, changed: [server, provisioning], removed: [new NodeKey("b", ChoriaComponents.Server), new NodeKey("c", ChoriaComponents.ProvisionModeServer)]) with { Summary = summary }],
            0,
            new HashSet<string> { ChoriaComponents.ProvisionModeServer },
            10));

        Assert.Equal([ChoriaComponents.ProvisionModeServer], message.Nodes.Select(n => n.Component));
        Assert.Equal(["c"], message.Removed.Select(r => r.Identity));
        Assert.Equal([ChoriaComponents.ProvisionModeServer], message.Components.Select(c => c.Component));
    }

    [Fact]
    public void Snapshot_FleetInTheView_ComesInPartsOfTheFiltersNodesWithAnEmptyLastWhenItDividesEvenly()
    {
        var fleet = new FakeFleetStore();
        fleet.Publish([.. Enumerable.Range(0, 4).Select(i => Node($"s{i}", NodeState.Live)), Node("p", NodeState.Live, component: ChoriaComponents.ProvisionModeServer)]);
        using var subscription = fleet.Subscribe();

        var messages = FleetHubStream.Snapshot(fleet, subscription.Initial, new HashSet<string> { ChoriaComponents.Server }, 2).ToList();

        Assert.All(messages, m => Assert.Equal((FleetHubMessage.Snapshot, fleet.Summary.Revision), (m.Kind, m.Revision)));
        Assert.Equal([2, 2, 0], messages.Select(m => m.Nodes.Count));
        Assert.Equal([false, false, true], messages.Select(m => m.Last));
        Assert.Equal(["s0", "s1", "s2", "s3"], messages.SelectMany(m => m.Nodes).Select(n => n.Identity).Order(StringComparer.Ordinal));
        Assert.All(messages, m => Assert.Equal([ChoriaComponents.Server], m.Components.Select(c => c.Component)));
    }

    [Fact]
    public async Task ReadAsync_ReaderFallsBehind_GetsAResynchronisedSnapshotAndIsCounted()
    {
        var fleet = new FakeFleetStore();
        var clients = new FleetHubClients();
        var options = new FleetHubOptions { UpdateInterval = TimeSpan.FromMilliseconds(50) };
        await using var stream = FleetHubStream.ReadAsync(fleet, null, options, TimeProvider.System, clients, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(FleetHubMessage.Snapshot, stream.Current.Kind);

        // Not read meanwhile: more updates than the fake's buffer holds.
        for (var i = 0; i < 5000; i++)
        {
            fleet.Publish(Node($"n{i % 10}", NodeState.Live));
        }

        Assert.True(await stream.MoveNextAsync());
        Assert.Equal((FleetHubMessage.Snapshot, true), (stream.Current.Kind, stream.Current.Resynchronised));
        Assert.Equal(10, stream.Current.Nodes.Count);
        Assert.Equal((1L, 1L, 1), (clients.FellBehind, clients.Resynchronised, clients.Streams));
    }

    private static FleetUpdate Update(long revision, NodeSnapshot[]? changed = null, NodeKey[]? removed = null) => new()
    {
        Summary = new FleetSummary(revision, DateTimeOffset.UnixEpoch, [], 0, HealthSummary.Empty),
        Broker = Broker,
        ChangedNodes = changed ?? [],
        RemovedNodes = removed ?? [],
    };

    private static ComponentSummary Summary(string component) => new(component, 1, 0, 0, 0, [new VersionCount("0.29.4", 1, 1)]);
}
