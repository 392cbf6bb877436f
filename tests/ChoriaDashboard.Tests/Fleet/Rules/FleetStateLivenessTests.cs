using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class FleetStateLivenessTests
{
    [Fact]
    public void Startup_UnknownNode_IsLiveWithItsVersion()
    {
        var fleet = new FleetHarness();

        var outcome = fleet.Apply(Ev.Startup("n1.example.net", "0.29.4"));

        Assert.Equal(ApplyOutcome.Accepted, outcome);
        var node = fleet.Node("n1.example.net");
        Assert.Equal(NodeState.Live, node.State);
        Assert.Equal("0.29.4", node.Version);
        Assert.Equal(fleet.Now, node.FirstSeen);
        Assert.Equal(fleet.Now, node.LastSeen);
        Assert.Equal(fleet.Now, node.LastStartup);
        Assert.Equal(LifecycleEventType.Startup, node.LastEvent);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal(1, server.Live);
        Assert.Equal(1, FleetHarness.Version(server, "0.29.4").Active);
    }

    [Fact]
    public void Alive_UnknownNode_IsLiveWithItsVersion()
    {
        // Tally semantics: an alive from a host never seen starting (startup lost, or dashboard restarted) adds it.
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Alive("n1", "0.29.4"));

        var node = fleet.Node("n1");
        Assert.Equal(NodeState.Live, node.State);
        Assert.Equal("0.29.4", node.Version);
        Assert.Null(node.LastStartup);
    }

    [Fact]
    public void Alive_RepeatingSameIdAndTimestamp_RefreshesLastSeenByReceiptTime()
    {
        var fleet = new FleetHarness();
        var t0 = fleet.Now;

        // The server builds one alive event and republishes it: same id, same timestamp, every 30 minutes.
        var alive = Ev.Alive("n1", "0.29.4", id: "4a7b6c1e-0000-4000-8000-000000000001");
        fleet.Apply(alive);
        fleet.AdvanceMinutes(30);
        fleet.Apply(alive with { });
        fleet.AdvanceMinutes(20);
        fleet.Sweep();

        var node = fleet.Node("n1");
        Assert.Equal(t0 + TimeSpan.FromMinutes(30), node.LastSeen);
        Assert.Equal(NodeState.Live, node.State);
        Assert.Equal(2, node.History.Count);
        Assert.Equal(1, FleetHarness.Component(fleet.Summary(), Ev.Server).Live);
    }

    [Fact]
    public void Alive_TwoIdenticalAlivesAt0And30Min_StillLiveAt50MinWithDefaultStaleAfter()
    {
        var fleet = new FleetHarness(new FleetOptions { StaleAfter = TimeSpan.FromMinutes(40) });
        var first = Ev.Alive("n1", "0.29.4", id: "same-id");
        var second = Ev.Alive("n1", "0.29.4", id: "same-id");
        Assert.Equal(first, second); // identical on the wire

        fleet.Apply(first);
        fleet.AdvanceMinutes(30);
        fleet.Apply(second);
        fleet.AdvanceMinutes(20);
        fleet.Sweep();

        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
        Assert.DoesNotContain(fleet.TakeChanges().ChangedNodes, n => n.State != NodeState.Live);
    }

    [Fact]
    public void Sweep_SilentPastStaleAfter_NodeIsStale()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        fleet.AdvanceMinutes(40);
        fleet.Sweep();
        Assert.Equal(NodeState.Live, fleet.Node("n1").State);

        fleet.AdvanceMinutes(1);
        fleet.Sweep();

        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal(0, server.Live);
        Assert.Equal(1, server.Stale);
    }

    [Fact]
    public void Sweep_SilentPastDeadAfter_NodeIsDead()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        fleet.AdvanceMinutes(41);
        fleet.Sweep();
        fleet.AdvanceMinutes(39);
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);

        fleet.AdvanceMinutes(1);
        fleet.Sweep();

        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal((0, 0, 1, 0), (server.Live, server.Stale, server.Dead, server.Stopped));
        var version = FleetHarness.Version(server, "0.29.4");
        Assert.Equal(1, version.Nodes);
        Assert.Equal(0, version.Active);
    }

    [Fact]
    public void Sweep_SilentPastDeadAfterWithoutEarlierSweep_GoesStraightToDead()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        fleet.AdvanceMinutes(81);
        fleet.Sweep();

        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
    }

    [Theory]
    [InlineData(41, NodeState.Stale, "startup")]
    [InlineData(41, NodeState.Stale, "alive")]
    [InlineData(81, NodeState.Dead, "startup")]
    [InlineData(81, NodeState.Dead, "alive")]
    public void StartupOrAlive_StaleOrDeadNode_IsLiveAgain(int silentMinutes, NodeState before, string kind)
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.AdvanceMinutes(silentMinutes);
        fleet.Sweep();
        Assert.Equal(before, fleet.Node("n1").State);

        fleet.Apply(kind == "startup" ? Ev.Startup("n1", "0.29.4") : Ev.Alive("n1", "0.29.4"));

        var node = fleet.Node("n1");
        Assert.Equal(NodeState.Live, node.State);
        Assert.Equal(fleet.Now, node.LastSeen);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal((1, 0, 0, 0), (server.Live, server.Stale, server.Dead, server.Stopped));
        Assert.Equal(1, FleetHarness.Version(server, "0.29.4").Active);

        // and it is judged afresh from the new receipt time
        fleet.AdvanceMinutes(40);
        fleet.Sweep();
        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
    }

    [Fact]
    public void Shutdown_LiveNode_IsStopped()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.AdvanceMinutes(5);

        fleet.Apply(Ev.Shutdown("n1"));

        var node = fleet.Node("n1");
        Assert.Equal(NodeState.Stopped, node.State);
        Assert.Equal("0.29.4", node.Version);
        Assert.Equal(LifecycleEventType.Shutdown, node.LastEvent);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal((0, 0, 0, 1), (server.Live, server.Stale, server.Dead, server.Stopped));
        var version = FleetHarness.Version(server, "0.29.4");
        Assert.Equal(1, version.Nodes);
        Assert.Equal(0, version.Active);
    }

    [Fact]
    public void Shutdown_UnknownNode_IsStoppedWithoutVersion()
    {
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Shutdown("n1"));

        var node = fleet.Node("n1");
        Assert.Equal(NodeState.Stopped, node.State);
        Assert.Null(node.Version);
        Assert.Equal(1, fleet.Summary().Count(NodeState.Stopped));
    }

    [Fact]
    public void Sweep_StoppedNodeAsTimePasses_StaysStoppedNotDead()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.TakeChanges();

        foreach (var minutes in new[] { 41, 40, 60, 600 })
        {
            fleet.AdvanceMinutes(minutes);
            fleet.Sweep();
            Assert.Equal(NodeState.Stopped, fleet.Node("n1").State);
        }

        Assert.Empty(fleet.TakeChanges().ChangedNodes);
        Assert.Equal(1, FleetHarness.Component(fleet.Summary(), Ev.Server).Stopped);
    }

    [Fact]
    public void Startup_StoppedNode_IsLiveAgain()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.AdvanceMinutes(2);

        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
        Assert.Equal(1, FleetHarness.Component(fleet.Summary(), Ev.Server).Live);
    }

    [Fact]
    public void Sweep_DeadNodePastForgetAfter_IsForgotten()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Startup("n2", "0.29.4"));
        fleet.AdvanceMinutes(81);
        fleet.Apply(Ev.Alive("n2", "0.29.4"));
        fleet.Sweep();
        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
        fleet.TakeChanges();

        fleet.Advance(TimeSpan.FromHours(24) - TimeSpan.FromMinutes(81));
        fleet.Apply(Ev.Alive("n2", "0.29.4"));
        fleet.Sweep();
        Assert.True(fleet.Has("n1")); // exactly 24h since last heard of, not more: still shown
        var before = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal((1, 1, 2), (before.Live, before.Dead, before.Total));
        fleet.TakeChanges();

        fleet.AdvanceMinutes(1);
        fleet.Sweep();

        Assert.False(fleet.Has("n1"));
        var changes = fleet.TakeChanges();
        Assert.Equal(new NodeKey("n1", Ev.Server), Assert.Single(changes.RemovedNodes));
        Assert.DoesNotContain(changes.ChangedNodes, n => n.Identity == "n1");
        var server = FleetHarness.Component(changes.Summary, Ev.Server);
        Assert.Equal((1, 0, 1), (server.Live, server.Dead, server.Total));
        Assert.Equal(1, FleetHarness.Version(server, "0.29.4").Nodes);
        Assert.Equal(1, changes.Summary.TotalNodes);
    }

    [Fact]
    public void Sweep_StoppedNodePastForgetAfter_IsForgotten()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.TakeChanges();

        fleet.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        fleet.Sweep();

        Assert.False(fleet.Has("n1"));
        Assert.Empty(fleet.State.Nodes);
        var changes = fleet.TakeChanges();
        Assert.Equal(new NodeKey("n1", Ev.Server), Assert.Single(changes.RemovedNodes));
        Assert.Empty(changes.Summary.Components);
        Assert.Equal(0, changes.Summary.TotalNodes);
    }

    [Fact]
    public void Sweep_LiveNodeSilentPastForgetAfter_IsMarkedDeadBeforeBeingForgotten()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.TakeChanges();

        // No sweep ran for longer than ForgetAfter (e.g. the clock jumped): a live node is never dropped directly.
        fleet.Advance(TimeSpan.FromHours(30));
        fleet.Sweep();

        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
        var changes = fleet.TakeChanges();
        Assert.Empty(changes.RemovedNodes);
        Assert.Equal(NodeState.Dead, Assert.Single(changes.ChangedNodes).State);
        Assert.Equal(1, FleetHarness.Component(changes.Summary, Ev.Server).Dead);

        fleet.Sweep();

        Assert.False(fleet.Has("n1"));
        Assert.Single(fleet.TakeChanges().RemovedNodes);
    }

    [Fact]
    public void Alive_ForgottenNodeReturns_IsLiveAsNewNode()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.Advance(TimeSpan.FromHours(25));
        fleet.Sweep();
        Assert.False(fleet.Has("n1"));

        fleet.Apply(Ev.Alive("n1", "0.29.5"));

        var node = fleet.Node("n1");
        Assert.Equal(NodeState.Live, node.State);
        Assert.Equal(fleet.Now, node.FirstSeen);
        Assert.Null(node.PreviousVersion);
        var server = FleetHarness.Component(fleet.Summary(), Ev.Server);
        Assert.Equal(1, server.Total);
        Assert.Equal("0.29.5", Assert.Single(server.Versions).Version);
    }

    [Fact]
    public void Sweep_ComponentOverride_AppliesOnlyToThatComponent()
    {
        var options = new FleetOptions();
        options.Components[Ev.Provisioner] = new ComponentThresholds
        {
            StaleAfter = TimeSpan.FromMinutes(10),
            DeadAfter = TimeSpan.FromMinutes(20),
            ForgetAfter = TimeSpan.FromMinutes(60),
        };
        var fleet = new FleetHarness(options);
        fleet.Apply(Ev.Startup("p1", "0.9.0", Ev.Provisioner));
        fleet.Apply(Ev.Startup("n1", "0.29.4", Ev.Server));
        fleet.Apply(Ev.Startup("n2", "0.29.4", Ev.Server));
        fleet.Apply(Ev.Shutdown("n2", Ev.Server));

        fleet.AdvanceMinutes(11);
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("p1", Ev.Provisioner).State);
        Assert.Equal(NodeState.Live, fleet.Node("n1", Ev.Server).State);

        fleet.AdvanceMinutes(10);
        fleet.Sweep();
        Assert.Equal(NodeState.Dead, fleet.Node("p1", Ev.Provisioner).State);
        Assert.Equal(NodeState.Live, fleet.Node("n1", Ev.Server).State);

        fleet.AdvanceMinutes(9);
        fleet.Apply(Ev.Alive("n1", "0.29.4", Ev.Server)); // at 30 minutes, as servers do
        fleet.AdvanceMinutes(31); // 61 minutes since p1 and n2 were last heard of
        fleet.Sweep();
        Assert.False(fleet.Has("p1", Ev.Provisioner));
        Assert.Equal(NodeState.Live, fleet.Node("n1", Ev.Server).State);
        Assert.Equal(NodeState.Stopped, fleet.Node("n2", Ev.Server).State); // the server keeps its 24h ForgetAfter
        var summary = fleet.Summary();
        Assert.DoesNotContain(summary.Components, c => c.Component == Ev.Provisioner);
        var server = FleetHarness.Component(summary, Ev.Server);
        Assert.Equal((1, 1), (server.Live, server.Stopped));
    }

    [Fact]
    public void ThresholdsFor_PartialOverride_FallsBackToFleetWideValues()
    {
        var options = new FleetOptions();
        options.Components[Ev.Provisioner] = new ComponentThresholds { DeadAfter = TimeSpan.FromHours(3) };
        var policy = new LivenessPolicy(options);

        Assert.Equal(new LivenessThresholds(TimeSpan.FromMinutes(40), TimeSpan.FromHours(3), TimeSpan.FromHours(24)), policy.For(Ev.Provisioner));
        Assert.Equal(new LivenessThresholds(TimeSpan.FromMinutes(40), TimeSpan.FromMinutes(80), TimeSpan.FromHours(24)), policy.For(Ev.Server));
    }
}
