using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.TestKit;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NodeListCacheTests
{
    [Fact]
    public void Get_ManyPagesSameViewSameVersion_ComputedOnce()
    {
        var store = new FakeFleetStore();
        store.Publish(Node("a", NodeState.Live), Node("b", NodeState.Dead));
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
        var store = new FakeFleetStore();
        store.Publish(Node("a", NodeState.Live));
        var cache = new NodeListCache(store, 4);
        cache.Get(new NodeQuery(), store.Summary.NodeListRevision);

        store.Publish(Node("a", NodeState.Live), Node("c", NodeState.Stale));
        var rows = cache.Get(new NodeQuery(), store.Summary.NodeListRevision);

        Assert.Equal(2, cache.Computed);
        Assert.Equal(["c", "a"], rows.Select(n => n.Identity));
    }

    [Fact]
    public void Get_MoreViewsThanCapacity_EvictsLeastRecentlyUsed()
    {
        var store = new FakeFleetStore();
        store.Publish(Node("a", NodeState.Live));
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
}
