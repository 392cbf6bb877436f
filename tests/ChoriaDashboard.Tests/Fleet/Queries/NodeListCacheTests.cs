using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NodeListCacheTests
{
    [Fact]
    public void Get_ManyPagesSameViewSameVersion_ComputedOnce()
    {
        var store = new StubStore();
        store.Set(Node("a", NodeState.Live), Node("b", NodeState.Dead));
        var cache = new NodeListCache(store, 4);
        var query = new NodeQuery();

        var lists = Enumerable.Range(0, 50).Select(_ => cache.Get(query, store.Summary.NodeListRevision)).ToArray();

        Assert.Equal(1, cache.Computed);
        Assert.All(lists, rows => Assert.Same(lists[0], rows));
        Assert.Equal(["b", "a"], lists[0].Select(n => n.Identity));
    }

    [Fact]
    public void Get_NewerListVersion_Recomputes()
    {
        var store = new StubStore();
        store.Set(Node("a", NodeState.Live));
        var cache = new NodeListCache(store, 4);
        cache.Get(new NodeQuery(), store.Summary.NodeListRevision);

        store.Set(Node("a", NodeState.Live), Node("c", NodeState.Stale));
        var rows = cache.Get(new NodeQuery(), store.Summary.NodeListRevision);

        Assert.Equal(2, cache.Computed);
        Assert.Equal(["c", "a"], rows.Select(n => n.Identity));
    }

    [Fact]
    public void Get_MoreViewsThanCapacity_EvictsLeastRecentlyUsed()
    {
        var store = new StubStore();
        store.Set(Node("a", NodeState.Live));
        var cache = new NodeListCache(store, 2);
        var byState = new NodeQuery { State = NodeState.Live };
        var bySearch = new NodeQuery { Search = "a" };
        var byComponent = new NodeQuery { Component = ChoriaComponents.Server };

        cache.Get(byState, 1);
        cache.Get(bySearch, 1);
        cache.Get(byState, 1);       // byState is now the most recent
        cache.Get(byComponent, 1);   // evicts bySearch
        cache.Get(byState, 1);       // still cached
        cache.Get(bySearch, 1);      // computed again

        Assert.Equal(4, cache.Computed);
    }

    [Fact]
    public void VersionFor_SortByLastSeen_FollowsEveryBatch()
    {
        var summary = FleetSummary.Empty with { Revision = 40, NodeListRevision = 7 };

        Assert.Equal(7, NodeListCache.RevisionFor(new NodeQuery(), summary));
        Assert.Equal(40, NodeListCache.RevisionFor(new NodeQuery { Sort = NodeSort.LastSeen }, summary));
    }

    [Fact]
    public void FleetState_AliveThatOnlyRefreshesLastSeen_KeepsNodeListRevision()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        var afterStartup = fleet.Summary().NodeListRevision;

        fleet.AdvanceMinutes(30);
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        Assert.Equal(afterStartup, fleet.Summary().NodeListRevision);

        fleet.Apply(Ev.Alive("n1", "0.29.5"));
        Assert.True(fleet.Summary().NodeListRevision > afterStartup, "a version change must change the list");

        var beforeShutdown = fleet.Summary().NodeListRevision;
        fleet.Apply(Ev.Shutdown("n1"));
        Assert.True(fleet.Summary().NodeListRevision > beforeShutdown, "a state change must change the list");
    }

    private sealed class StubStore : IFleetReader
    {
        private Dictionary<NodeKey, NodeSnapshot> _nodes = [];

        public FleetSummary Summary { get; private set; } = FleetSummary.Empty;

        public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _nodes;

        public IReadOnlyDictionary<string, MachineHost> Machines { get; } = new Dictionary<string, MachineHost>();

        public IReadOnlyDictionary<(string Governor, string Event), long> GovernorCounts { get; } = new Dictionary<(string Governor, string Event), long>();

        public IReadOnlyList<GovernorHistoryEntry> GovernorHistory { get; } = [];

        public BrokerStatus Broker { get; } = new(BrokerState.Connected, DateTimeOffset.UnixEpoch, null, 3, 3, null);

        public IIngestCounts Ingest { get; } = new IngestCounters(Microsoft.Extensions.Logging.Abstractions.NullLogger<IngestCounters>.Instance, TimeProvider.System, 0, TimeSpan.FromMinutes(1));

        public int QueueLength => 0;

        public IReadOnlyList<FleetSample> Series => [];

        public IReadOnlyList<NotableChange> NotableChanges => [];

        public DateTimeOffset? LatestEventAt => null;

        public event Action<BrokerStatus>? BrokerChanged
        {
            add { }
            remove { }
        }

        public FleetSubscription Subscribe() => FleetSubscription.CreateDetached(Summary);

        public EventFeedSubscription SubscribeEvents() => EventFeedSubscription.CreateDetached([]);

        public RawEventLookup FindRawEvent(long id) => RawEventLookup.NotCaptured;

        public RawEventLookup FindRawEvent(string identity, DateTimeOffset receivedAt) => RawEventLookup.NotCaptured;

        public void Set(params NodeSnapshot[] nodes)
        {
            _nodes = nodes.ToDictionary(n => n.Key);
            Summary = Summary with { Revision = Summary.Revision + 1, NodeListRevision = Summary.NodeListRevision + 1 };
        }
    }
}
