using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>
/// A component's newest version is the highest a live or stale node runs, release versions first: what "not on newest"
/// counts on the overview and what the node list's <c>outdated=true</c> shows must agree.
/// </summary>
public sealed class NewestVersionTests
{
    [Fact]
    public void Summary_CanaryOnPreReleaseBesideReleases_NewestIsTheReleaseAndOnlyOlderNodesAreBehind()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("web-1", "0.29.4"));
        fleet.Apply(Ev.Startup("web-2", "0.29.4"));
        fleet.Apply(Ev.Startup("web-3", "0.29.3"));
        fleet.Apply(Ev.Startup("canary", "0.30.0-rc.1"));

        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);

        Assert.Equal("0.29.4", server.Newest);
        Assert.Equal(1, server.Outdated); // web-3; the canary is ahead, not behind
        Assert.Equal(["web-3"], OutdatedIdentities(fleet));
    }

    [Fact]
    public void Summary_CanaryOnPreReleaseCrashed_NewestStaysTheReleaseTheFleetRuns()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("canary", "0.30.0-rc.1"));
        fleet.Apply(Ev.Startup("web-1", "0.29.4"));
        fleet.Apply(Ev.Startup("web-2", "0.29.4"));

        // The canary crashes (no shutdown); the fleet keeps sending alives until the canary is dead.
        for (var minutes = 0; minutes < 90; minutes += 20)
        {
            fleet.AdvanceMinutes(20);
            fleet.Apply(Ev.Alive("web-1", "0.29.4"));
            fleet.Apply(Ev.Alive("web-2", "0.29.4"));
            fleet.Sweep();
        }

        Assert.Equal(NodeState.Dead, fleet.Node("canary").State);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal("0.29.4", server.Newest);
        Assert.Equal(0, server.Outdated);
        Assert.Empty(OutdatedIdentities(fleet));
    }

    [Fact]
    public void Summary_DeadNodeOnceClaimed99_NewestIsTheHighestVersionStillRunning()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("web-1", "0.29.4"));
        fleet.Apply(Ev.Startup("web-2", "0.29.4"));
        fleet.Apply(Ev.Startup("web-3", "0.29.3"));
        fleet.Apply(Ev.Alive("ghost", "99.0.0"));

        // While the claim is live it is the newest: that node does run it.
        Assert.Equal("99.0.0", FleetHarness.Component(fleet.Summary(), Ev.Server).Newest);

        fleet.AdvanceMinutes(60);
        fleet.Apply(Ev.Alive("web-1", "0.29.4"));
        fleet.Apply(Ev.Alive("web-2", "0.29.4"));
        fleet.Apply(Ev.Alive("web-3", "0.29.3"));
        fleet.AdvanceMinutes(30);
        fleet.Sweep();

        Assert.Equal(NodeState.Dead, fleet.Node("ghost").State);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal("0.29.4", server.Newest);
        Assert.Equal(1, server.Outdated); // web-3 only: the dead 99.0.0 is ahead, not behind
        Assert.Equal(["web-3"], OutdatedIdentities(fleet));
    }

    [Fact]
    public void Summary_NoReleaseLiveOrStale_HighestPreReleaseIsNewest()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("lab-1", "0.30.0-rc.1"));
        fleet.Apply(Ev.Startup("lab-2", "0.30.0-rc.2"));
        fleet.Apply(Ev.Startup("lab-3", "0.29.4"));
        fleet.Apply(Ev.Shutdown("lab-3"));

        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);

        Assert.Equal("0.30.0-rc.2", server.Newest);
        Assert.Equal(2, server.Outdated); // lab-1 on rc.1, and the stopped lab-3 on an older release
        Assert.Equal(["lab-1", "lab-3"], OutdatedIdentities(fleet));
    }

    [Fact]
    public void Summary_PreReleaseNewestOn_ActivePreReleaseAboveTheReleasesIsNewest()
    {
        var fleet = new FleetHarness(new FleetOptions { PreReleaseNewest = true });
        fleet.Apply(Ev.Startup("web-1", "0.29.4"));
        fleet.Apply(Ev.Startup("web-2", "0.29.4"));
        fleet.Apply(Ev.Startup("canary", "0.30.0-rc.1"));

        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);

        Assert.Equal("0.30.0-rc.1", server.Newest);
        Assert.Equal(2, server.Outdated);
        Assert.Equal(["web-1", "web-2"], OutdatedIdentities(fleet));
    }

    [Fact]
    public void Summary_NoNodeLiveOrStale_NoNewestAndNoneBehind()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("web-1", "0.29.4"));
        fleet.Apply(Ev.Startup("web-2", "0.29.3"));
        fleet.Apply(Ev.Shutdown("web-1"));
        fleet.Apply(Ev.Shutdown("web-2"));

        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);

        Assert.Null(server.Newest);
        Assert.Equal(0, server.Outdated);
        Assert.Empty(OutdatedIdentities(fleet));
    }

    /// <summary>
    /// The node list's <c>outdated=true</c>, as the cache runs it (with the summary's newest versions); it must agree
    /// with the list worked out from the nodes alone and with the summary's count.
    /// </summary>
    private static string[] OutdatedIdentities(FleetHarness fleet)
    {
        var query = new NodeQuery { Outdated = true, Sort = NodeSort.Identity };
        var summary = fleet.Summary();
        var nodes = fleet.State.Nodes.Values.ToArray();
        var rows = query.Apply(nodes, NodeQuery.NewestVersions(summary));

        Assert.Equal(rows, query.Apply(nodes, NodeQuery.NewestVersions(nodes, fleet.Options.PreReleaseNewest)));
        Assert.Equal(summary.Components.Sum(c => c.Outdated), rows.Length);
        return [.. rows.Select(r => r.Identity)];
    }
}
