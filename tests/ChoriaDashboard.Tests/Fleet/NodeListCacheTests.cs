using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using Xunit;

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

        var lists = Enumerable.Range(0, 50).Select(_ => cache.Get(query, store.Summary.NodeListVersion)).ToArray();

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
        cache.Get(new NodeQuery(), store.Summary.NodeListVersion);

        store.Set(Node("a", NodeState.Live), Node("c", NodeState.Stale));
        var rows = cache.Get(new NodeQuery(), store.Summary.NodeListVersion);

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
        var byComponent = new NodeQuery { Component = "server" };

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
        var summary = FleetSummary.Empty with { Version = 40, NodeListVersion = 7 };

        Assert.Equal(7, NodeListCache.VersionFor(new NodeQuery(), summary));
        Assert.Equal(40, NodeListCache.VersionFor(new NodeQuery { Sort = NodeSort.LastSeen }, summary));
    }

    [Fact]
    public void FleetState_AliveThatOnlyRefreshesLastSeen_KeepsNodeListVersion()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        var afterStartup = fleet.Summary().NodeListVersion;

        fleet.AdvanceMinutes(30);
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        Assert.Equal(afterStartup, fleet.Summary().NodeListVersion);

        fleet.Apply(Ev.Alive("n1", "0.29.5"));
        Assert.True(fleet.Summary().NodeListVersion > afterStartup, "a version change must change the list");

        var beforeShutdown = fleet.Summary().NodeListVersion;
        fleet.Apply(Ev.Shutdown("n1"));
        Assert.True(fleet.Summary().NodeListVersion > beforeShutdown, "a state change must change the list");
    }

    private static NodeSnapshot Node(string identity, NodeState state) => new()
    {
        Key = new NodeKey(identity, "server"),
        Version = "0.29.4",
        State = state,
        FirstSeen = DateTimeOffset.UnixEpoch,
        Activity = new NodeActivity(DateTimeOffset.UnixEpoch, LifecycleEventType.Alive),
    };

    private sealed class StubStore : IFleetStore
    {
        private Dictionary<NodeKey, NodeSnapshot> _nodes = [];

        public FleetSummary Summary { get; private set; } = FleetSummary.Empty;

        public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => _nodes;

        public IReadOnlyDictionary<string, MachineHost> Machines { get; } = new Dictionary<string, MachineHost>();

        public FleetSubscription Subscribe() => FleetSubscription.CreateDetached(Summary);

        public void Set(params NodeSnapshot[] nodes)
        {
            _nodes = nodes.ToDictionary(n => n.Key);
            Summary = Summary with { Version = Summary.Version + 1, NodeListVersion = Summary.NodeListVersion + 1 };
        }
    }
}
