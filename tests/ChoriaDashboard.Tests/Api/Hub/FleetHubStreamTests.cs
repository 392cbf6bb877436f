using System.Text.Json;
using ChoriaDashboard.Api;
using ChoriaDashboard.Api.Hub;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.TestKit;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
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

        var messages = FleetHubStream.Snapshot(fleet, fleet.Summary, false, new HashSet<string> { ChoriaComponents.Server }, 2).ToList();

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
        var options = new FleetHubOptions { UpdateInterval = TimeSpan.FromMilliseconds(50), ClientBacklog = 2 };
        using var feeds = Feeds(fleet, options);
        var clients = new FleetHubClients(feeds);
        await using var stream = FleetHubStream.ReadAsync(fleet, feeds, null, options, clients, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await stream.MoveNextAsync());
        Assert.Equal(FleetHubMessage.Snapshot, Message(stream.Current).Kind);

        // Not read meanwhile: rounds of changes until more than the client's backlog of two wait for it.
        for (var i = 0; clients.FellBehind == 0; i++)
        {
            Assert.True(i < 2_000, "the reader never fell behind");
            fleet.Publish(Node($"n{i % 10}", NodeState.Live, $"1.{i}"));
            await Task.Delay(10);
        }

        Assert.True(await stream.MoveNextAsync());
        var message = Message(stream.Current);
        Assert.Equal((FleetHubMessage.Snapshot, true), (message.Kind, message.Resynchronised));
        // The fleet as it is now, in place of the rounds missed.
        Assert.Equal(
            fleet.Nodes.Values.Select(n => (n.Identity, n.Version)).Order(),
            message.Nodes.Select(n => (n.Identity, n.Version)).Order());
        Assert.Equal((1L, 1L, 1), (clients.FellBehind, clients.Resynchronised, clients.Streams));
    }

    [Fact]
    public async Task ReadAsync_TwoClientsOfOneFilter_ShareOneFeedAndTheSameSerializedRound()
    {
        var fleet = new FakeFleetStore();
        var options = new FleetHubOptions { UpdateInterval = TimeSpan.FromMilliseconds(50) };
        using var feeds = Feeds(fleet, options);
        var clients = new FleetHubClients(feeds);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var servers = new HashSet<string> { ChoriaComponents.Server };
        await using var first = FleetHubStream.ReadAsync(fleet, feeds, servers, options, clients, cancel.Token).GetAsyncEnumerator();
        await using var second = FleetHubStream.ReadAsync(fleet, feeds, new HashSet<string> { ChoriaComponents.Server }, options, clients, cancel.Token).GetAsyncEnumerator();
        await using var other = FleetHubStream.ReadAsync(fleet, feeds, null, options, clients, cancel.Token).GetAsyncEnumerator();
        foreach (var stream in new[] { first, second, other })
        {
            Assert.True(await stream.MoveNextAsync());
            Assert.Equal(FleetHubMessage.Snapshot, stream.Current.Kind);
        }

        Assert.Equal((2, 3), (clients.Feeds, clients.Streams));

        fleet.Publish(Node("a", NodeState.Live, "1.1"));
        Assert.True(await first.MoveNextAsync());
        Assert.True(await second.MoveNextAsync());
        Assert.True(await other.MoveNextAsync());

        // One merge and one serialization for the filter's two clients: the very same frame; the other filter's its own.
        Assert.Same(first.Current, second.Current);
        Assert.NotSame(first.Current, other.Current);
        var message = Message(first.Current);
        Assert.Equal((FleetHubMessage.Changes, "1.1"), (message.Kind, Assert.Single(message.Nodes).Version));
        Assert.Equal(Message(other.Current).Nodes.Single().Identity, message.Nodes.Single().Identity);
    }

    [Fact]
    public async Task ReadAsync_LastClientOfAFilterGoes_ItsFeedStopsAndUnsubscribes()
    {
        var fleet = new FakeFleetStore();
        var options = new FleetHubOptions { UpdateInterval = TimeSpan.FromMilliseconds(50) };
        using var feeds = Feeds(fleet, options);
        var clients = new FleetHubClients(feeds);
        var streams = new List<IAsyncEnumerator<FleetHubFrame>>();
        for (var i = 0; i < 3; i++)
        {
            streams.Add(FleetHubStream.ReadAsync(fleet, feeds, null, options, clients, CancellationToken.None).GetAsyncEnumerator());
            Assert.True(await streams[^1].MoveNextAsync());
        }

        Assert.Equal((1, 3), (clients.Feeds, clients.Streams));
        await streams[0].DisposeAsync();
        await streams[1].DisposeAsync();
        Assert.Equal((1, 1), (clients.Feeds, clients.Streams));
        await streams[2].DisposeAsync();
        Assert.Equal((0, 0), (clients.Feeds, clients.Streams));
    }

    [Fact]
    public async Task ReadAsync_FeedFails_ItsStreamsEndWithAnErrorAndTheNextClientGetsANewFeed()
    {
        var fleet = new BrokenUpdates();
        var options = new FleetHubOptions { UpdateInterval = TimeSpan.FromMilliseconds(50) };
        using var feeds = Feeds(fleet, options);
        var clients = new FleetHubClients(feeds);
        await using var broken = FleetHubStream.ReadAsync(fleet, feeds, null, options, clients, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await broken.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        // An update the feed cannot read (a null node) fails its loop.
        fleet.Updates.Publish(Update(1, changed: [null!]));

        var error = await Assert.ThrowsAsync<HubException>(async () => await broken.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("reconnect", error.Message, StringComparison.Ordinal);
        await broken.DisposeAsync();
        Assert.Equal((0, 0), (clients.Feeds, clients.Streams));

        // A client after it gets a feed that works.
        await using var next = FleetHubStream.ReadAsync(fleet, feeds, null, options, clients, CancellationToken.None).GetAsyncEnumerator();
        Assert.True(await next.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        fleet.Updates.Publish(Update(1, changed: [Node("a", NodeState.Live)]));
        Assert.True(await next.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(["a"], Message(next.Current).Nodes.Select(n => n.Identity));
    }

    /// <summary>A fleet whose stream the test feeds by hand, malformed updates included.</summary>
    private sealed class BrokenUpdates : IFleetView
    {
        private readonly FakeFleetStore _fleet = new();

        public BrokenUpdates() => Updates = new Broadcast<FleetUpdate>((_, _) => new FleetUpdate { Summary = Summary, Broker = Broker, IsSnapshot = true });

        public Broadcast<FleetUpdate> Updates { get; }

        public FleetSummary Summary => _fleet.Summary;

        public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _fleet.Nodes;

        public IReadOnlyDictionary<string, MachineHost> Machines => _fleet.Machines;

        public IReadOnlyList<FleetSample> Series => _fleet.Series;

        public IReadOnlyList<FleetNews> RecentNews => _fleet.RecentNews;

        public BroadcastSubscription<FleetUpdate> Subscribe(bool withEvents = false) => Updates.Subscribe(64);
    }

    private static FleetHubFeeds Feeds(IFleetView fleet, FleetHubOptions options)
    {
        var json = new JsonHubProtocolOptions();
        FleetApi.ConfigureJson(json.PayloadSerializerOptions);
        return new FleetHubFeeds(fleet, Options.Create(options), Options.Create(json), TimeProvider.System, NullLogger<FleetHubFeeds>.Instance);
    }

    private static FleetHubMessage Message(FleetHubFrame frame)
    {
        var json = new JsonSerializerOptions();
        FleetApi.ConfigureJson(json);
        return JsonSerializer.Deserialize<FleetHubMessage>(frame.Utf8Json, json)!;
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
