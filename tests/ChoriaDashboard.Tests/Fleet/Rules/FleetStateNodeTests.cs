using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class FleetStateNodeTests
{
    [Fact]
    public void Upgraded_RunningNode_RecordsUpgradingToAndKeepsOldVersion()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.28.0"));

        fleet.Apply(Ev.Upgraded("n1", "0.28.0", "0.29.4"));

        var node = fleet.Node("n1");
        Assert.Equal("0.28.0", node.Version);
        Assert.Equal("0.29.4", node.UpgradingTo);
        Assert.Null(node.PreviousVersion);
        Assert.Equal(NodeState.Live, node.State);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal(1, FleetHarness.Version(server, "0.28.0").Nodes);
        Assert.DoesNotContain(server.Versions, v => v.Version == "0.29.4");
    }

    [Fact]
    public void Upgrade_UpgradedShutdownStartup_VersionMovesAndUpgradingToClears()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.28.0"));
        fleet.Apply(Ev.Startup("n2", "0.28.0"));
        fleet.AdvanceMinutes(10);

        fleet.Apply(Ev.Upgraded("n1", "0.28.0", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n1"));
        var during = fleet.Node("n1");
        Assert.Equal(NodeState.Stopped, during.State);
        Assert.Equal("0.28.0", during.Version);
        Assert.Equal("0.29.4", during.UpgradingTo);
        fleet.AdvanceMinutes(1);
        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        var node = fleet.Node("n1");
        Assert.Equal(NodeState.Live, node.State);
        Assert.Equal("0.29.4", node.Version);
        Assert.Equal("0.28.0", node.PreviousVersion);
        Assert.Null(node.UpgradingTo);
        Assert.Equal(
            [LifecycleEventType.Startup, LifecycleEventType.Upgraded, LifecycleEventType.Shutdown, LifecycleEventType.Startup],
            node.History.Select(h => h.Type));
        Assert.Equal("0.28.0 → 0.29.4", node.History[1].Detail);

        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal(2, server.Live);
        var old = FleetHarness.Version(server, "0.28.0");
        var upgraded = FleetHarness.Version(server, "0.29.4");
        Assert.Equal((1, 1), (old.Nodes, old.Active));
        Assert.Equal((1, 1), (upgraded.Nodes, upgraded.Active));

        fleet.Apply(Ev.Upgraded("n2", "0.28.0", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n2"));
        fleet.Apply(Ev.Startup("n2", "0.29.4"));

        server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        var only = Assert.Single(server.Versions);
        Assert.Equal(("0.29.4", 2, 2), (only.Version, only.Nodes, only.Active));
    }

    [Fact]
    public void Alive_WithNewVersion_ChangesVersionAndClearsUpgradingTo()
    {
        // The startup after an upgrade can be lost; the next alive then shows the new version.
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.28.0"));
        fleet.Apply(Ev.Upgraded("n1", "0.28.0", "0.29.4"));

        fleet.Apply(Ev.Alive("n1", "0.29.4"));

        var node = fleet.Node("n1");
        Assert.Equal("0.29.4", node.Version);
        Assert.Equal("0.28.0", node.PreviousVersion);
        Assert.Null(node.UpgradingTo);
        Assert.Equal("0.29.4", Assert.Single(FleetHarness.Component(fleet.Summary(), Ev.Server).Versions).Version);
    }

    [Fact]
    public void Startup_SameIdentityTwoComponents_AreIndependentNodeComponents()
    {
        // The provisioner service runs on a host that is itself a Choria server.
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.9.0", Ev.Provisioner));
        fleet.Apply(Ev.Startup("n1", "0.29.4", Ev.Server));
        fleet.Apply(Ev.Shutdown("n1", Ev.Server));

        Assert.Equal(2, fleet.State.Nodes.Count);
        Assert.Equal(NodeState.Live, fleet.Node("n1", Ev.Provisioner).State);
        Assert.Equal(NodeState.Stopped, fleet.Node("n1", Ev.Server).State);
        var summary = fleet.Summary();
        Assert.Equal(2, summary.TotalNodes);
        Assert.Equal(1, FleetHarness.Component(summary, Ev.Provisioner).Live);
        Assert.Equal(1, FleetHarness.Component(summary, Ev.Server).Stopped);

        fleet.AdvanceMinutes(41);
        fleet.Sweep();

        Assert.Equal(NodeState.Stale, fleet.Node("n1", Ev.Provisioner).State);
        Assert.Equal(NodeState.Stopped, fleet.Node("n1", Ev.Server).State);

        fleet.Apply(Ev.Alive("n1", "0.29.5", Ev.Server));

        Assert.Equal("0.29.5", fleet.Node("n1", Ev.Server).Version);
        Assert.Equal(NodeState.Live, fleet.Node("n1", Ev.Server).State);
        Assert.Equal("0.9.0", fleet.Node("n1", Ev.Provisioner).Version);
        Assert.Equal(NodeState.Stale, fleet.Node("n1", Ev.Provisioner).State);
    }

    [Fact]
    public void History_MoreEventsThanHistoryLength_KeepsNewestInOrder()
    {
        var fleet = new FleetHarness(new FleetOptions { HistoryLength = 4 });
        var received = new List<DateTimeOffset>();
        fleet.Apply(Ev.Startup("n1", "0.28.0"));
        received.Add(fleet.Now);
        for (var i = 0; i < 4; i++)
        {
            fleet.AdvanceMinutes(30);
            fleet.Apply(Ev.Alive("n1", "0.28.0"));
            received.Add(fleet.Now);
        }

        fleet.AdvanceMinutes(1);
        fleet.Apply(Ev.Upgraded("n1", "0.28.0", "0.29.4"));
        received.Add(fleet.Now);

        var history = fleet.Node("n1").History;
        Assert.Equal(4, history.Count);
        Assert.Equal(received.TakeLast(4), history.Select(h => h.ReceivedAt));
        Assert.Equal(
            [LifecycleEventType.Alive, LifecycleEventType.Alive, LifecycleEventType.Alive, LifecycleEventType.Upgraded],
            history.Select(h => h.Type));
        Assert.Equal("0.28.0 → 0.29.4", history[^1].Detail);
    }

    [Fact]
    public void Alive_LiveNodeSameVersion_MovesLastSeenLastEventAndHistoryWithoutANewListVersion()
    {
        // The commonest event: it must reach pages (last seen, last event, history) but not rebuild every node list.
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        var listVersion = fleet.Summary().NodeListRevision;
        var held = fleet.Node("n1");
        fleet.TakeChanges();

        for (var i = 0; i < 2; i++)
        {
            fleet.AdvanceMinutes(30);
            Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Alive("n1", "0.29.4", id: $"alive-{i}")));
        }

        var node = Assert.Single(fleet.TakeChanges().ChangedNodes);
        Assert.Same(held, node);
        Assert.Equal((fleet.Now, LifecycleEventType.Alive), (node.LastSeen, node.LastEvent));
        Assert.Equal(
            [LifecycleEventType.Startup, LifecycleEventType.Alive, LifecycleEventType.Alive],
            node.History.Select(h => h.Type));
        Assert.Equal(["0.29.4", "0.29.4", "0.29.4"], node.History.Select(h => h.Detail));
        Assert.Equal((NodeState.Live, "0.29.4"), (node.State, node.Version));
        var summary = fleet.Summary();
        Assert.Equal(listVersion, summary.NodeListRevision);
        Assert.Equal((1, 1), (FleetHarness.Component(summary, Ev.Server).Live, summary.TotalNodes));
    }

    [Theory]
    [InlineData("stale")]
    [InlineData("new version")]
    [InlineData("upgrade announced")]
    public void Alive_ThatChangesWhatListsShow_PublishesANewSnapshotAndListVersion(string situation)
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        var expectedVersion = "0.29.4";
        var alive = Ev.Alive("n1", "0.29.4");
        fleet.AdvanceMinutes(1);
        fleet.Apply(Ev.Alive("n1", "0.29.4"));

        switch (situation)
        {
            case "stale":
                fleet.AdvanceMinutes(60);
                fleet.Sweep();
                Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
                break;
            case "new version":
                alive = Ev.Alive("n1", "0.29.5");
                expectedVersion = "0.29.5";
                break;
            case "upgrade announced":
                fleet.Apply(Ev.Upgraded("n1", "0.29.4", "0.29.5"));
                alive = Ev.Alive("n1", "0.29.5");
                expectedVersion = "0.29.5";
                break;
        }

        var before = fleet.Node("n1");
        var listVersion = fleet.Summary().NodeListRevision;
        fleet.AdvanceMinutes(1);

        fleet.Apply(alive);

        var after = fleet.Node("n1");
        Assert.NotSame(before, after);
        Assert.Equal((NodeState.Live, expectedVersion, LifecycleEventType.Alive, (string?)null), (after.State, after.Version, after.LastEvent, after.UpgradingTo));
        Assert.Equal(fleet.Now, after.LastSeen);
        Assert.True(fleet.Summary().NodeListRevision > listVersion, "lists showing state or version must be rebuilt");
    }

    [Fact]
    public void History_HistoryLengthZero_KeepsNoHistoryButTracksNode()
    {
        var fleet = new FleetHarness(new FleetOptions { HistoryLength = 0 });

        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Alive("n1", "0.29.4"));

        var node = fleet.Node("n1");
        Assert.Empty(node.History);
        Assert.Equal(NodeState.Live, node.State);
    }

    [Fact]
    public void Summary_MixOfEventsAndSweeps_CountsStatesAndVersions()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("a", "1.0"));
        fleet.Apply(Ev.Startup("b", "1.0"));
        fleet.Apply(Ev.Startup("c", "2.0"));
        fleet.Apply(Ev.Startup("d", "2.0"));
        fleet.Apply(Ev.Shutdown("d"));
        fleet.Apply(Ev.Alive("p", "0.9", Ev.Provisioner));

        var summary = fleet.Summary();
        var server = FleetHarness.Component(summary, Ev.Server);
        Assert.Equal((3, 0, 0, 1), (server.Live, server.Stale, server.Dead, server.Stopped));
        Assert.Equal((2, 2), (FleetHarness.Version(server, "1.0").Nodes, FleetHarness.Version(server, "1.0").Active));
        Assert.Equal((2, 1), (FleetHarness.Version(server, "2.0").Nodes, FleetHarness.Version(server, "2.0").Active));
        Assert.Equal(["2.0", "1.0"], server.Versions.Select(v => v.Version)); // newest first, however many run it
        Assert.Equal("2.0", server.Newest);
        Assert.Equal(2, server.Outdated); // both nodes on 1.0
        Assert.Equal(1, FleetHarness.Component(summary, Ev.Provisioner).Live);
        AssertConsistent(fleet, summary);

        fleet.AdvanceMinutes(41);
        fleet.Apply(Ev.Alive("a", "1.0"));
        fleet.Sweep();

        summary = fleet.Summary();
        server = FleetHarness.Component(summary, Ev.Server);
        Assert.Equal((1, 2, 0, 1), (server.Live, server.Stale, server.Dead, server.Stopped));
        Assert.Equal((2, 2), (FleetHarness.Version(server, "1.0").Nodes, FleetHarness.Version(server, "1.0").Active)); // stale is still active
        Assert.Equal((2, 1), (FleetHarness.Version(server, "2.0").Nodes, FleetHarness.Version(server, "2.0").Active));
        Assert.Equal(1, FleetHarness.Component(summary, Ev.Provisioner).Stale);
        AssertConsistent(fleet, summary);

        fleet.AdvanceMinutes(45); // a: 45 min silent; b, c, p: 86
        fleet.Sweep();

        summary = fleet.Summary();
        server = FleetHarness.Component(summary, Ev.Server);
        Assert.Equal((0, 1, 2, 1), (server.Live, server.Stale, server.Dead, server.Stopped));
        Assert.Equal((2, 1), (FleetHarness.Version(server, "1.0").Nodes, FleetHarness.Version(server, "1.0").Active));
        Assert.Equal((2, 0), (FleetHarness.Version(server, "2.0").Nodes, FleetHarness.Version(server, "2.0").Active));
        var provisioner = FleetHarness.Component(summary, Ev.Provisioner);
        Assert.Equal((0, 0, 1, 0), (provisioner.Live, provisioner.Stale, provisioner.Dead, provisioner.Stopped));
        Assert.Equal(1, summary.Count(NodeState.Stale));
        Assert.Equal(3, summary.Count(NodeState.Dead));
        AssertConsistent(fleet, summary);

        fleet.Apply(Ev.Startup("c", "2.0"));
        fleet.Apply(Ev.Startup("b", "2.0"));

        summary = fleet.Summary();
        server = FleetHarness.Component(summary, Ev.Server);
        Assert.Equal((2, 1, 0, 1), (server.Live, server.Stale, server.Dead, server.Stopped));
        Assert.Equal((1, 1), (FleetHarness.Version(server, "1.0").Nodes, FleetHarness.Version(server, "1.0").Active));
        Assert.Equal((3, 2), (FleetHarness.Version(server, "2.0").Nodes, FleetHarness.Version(server, "2.0").Active));
        AssertConsistent(fleet, summary);

        fleet.Advance(TimeSpan.FromHours(25));
        fleet.Sweep(); // everything still running goes dead; d (stopped) and p (dead) are forgotten
        fleet.Sweep();

        summary = fleet.Summary();
        Assert.Equal(0, summary.TotalNodes);
        Assert.Empty(summary.Components);
        AssertConsistent(fleet, summary);
    }

    [Fact]
    public void Summary_ProvisionedOnlyNode_CountsUnderUnknownVersion()
    {
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Provisioned("n1"));

        var node = fleet.Node("n1", Ev.ProvisionModeServer);
        Assert.Equal(NodeState.Live, node.State);
        Assert.Null(node.Version);
        var component = FleetHarness.Component(fleet.Summary(), Ev.ProvisionModeServer);
        Assert.Equal(1, component.Live);
        Assert.Equal(1, FleetHarness.Version(component, "unknown").Active);
    }

    [Fact]
    public void Provisioning_NodeThenRunsAsServer_StoppedProvisioningEntryIsForgotten()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("new1", "0.29.4", Ev.ProvisionModeServer));
        fleet.Apply(Ev.Provisioned("new1"));
        fleet.Apply(Ev.Shutdown("new1", Ev.ProvisionModeServer));
        Assert.Equal(NodeState.Stopped, fleet.Node("new1", Ev.ProvisionModeServer).State);
        fleet.TakeChanges();

        fleet.Apply(Ev.Startup("new1", "0.29.4"));

        Assert.False(fleet.Has("new1", Ev.ProvisionModeServer));
        Assert.Equal(NodeState.Live, fleet.Node("new1").State);
        var changes = fleet.TakeChanges();
        Assert.Contains(new NodeKey("new1", Ev.ProvisionModeServer), changes.RemovedNodes);
        var summary = fleet.Summary();
        Assert.Equal(0, summary.Count(NodeState.Stopped));
        Assert.DoesNotContain(summary.Components, c => c.Component == Ev.ProvisionModeServer);
    }

    [Fact]
    public void Provisioning_StillInProvisioningMode_EntryStaysBesideServer()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4", Ev.ProvisionModeServer));

        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        // Not stopped: the provisioning component is still running, so it is not forgotten.
        Assert.True(fleet.Has("n1", Ev.ProvisionModeServer));
        Assert.Equal(2, fleet.Summary().TotalNodes);
    }

    private static void AssertConsistent(FleetHarness fleet, FleetSummary summary)
    {
        Assert.Equal(fleet.State.Nodes.Count, summary.TotalNodes);
        Assert.Equal(
            summary.TotalNodes,
            summary.Count(NodeState.Live) + summary.Count(NodeState.Stale) + summary.Count(NodeState.Dead) + summary.Count(NodeState.Stopped));
        foreach (var component in summary.Components)
        {
            var nodes = fleet.State.Nodes.Values.Where(n => n.Component == component.Component).ToList();
            Assert.Equal(nodes.Count, component.Total);
            Assert.Equal(component.Total, component.Versions.Sum(v => v.Nodes));
            Assert.Equal(component.Live + component.Stale, component.Versions.Sum(v => v.Active));
            foreach (var state in Enum.GetValues<NodeState>())
            {
                Assert.Equal(nodes.Count(n => n.State == state), component.Count(state));
            }
        }
    }
}
