using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>What the fleet turns away or stops keeping at its configured limits, and governor counting.</summary>
public sealed class FleetStateLimitsTests
{
    [Fact]
    public void Apply_FleetAtMaxNodes_NewIdentityIsRejectedAndExistingNodesStillUpdate()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxNodes = 3 });
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n1", "0.29.4")));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n2", "0.29.4")));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n3", "0.29.4")));
        fleet.TakeChanges();

        Assert.Equal(ApplyOutcome.FleetFull, fleet.Apply(Ev.Startup("n4", "0.29.4")));
        Assert.Equal(ApplyOutcome.FleetFull, fleet.Apply(Ev.Startup("n1", "0.29.4", Ev.ProvisionModeServer)));

        Assert.False(fleet.Has("n4"));
        Assert.False(fleet.Has("n1", Ev.ProvisionModeServer));
        Assert.Equal(3, fleet.State.Nodes.Count);
        Assert.Empty(fleet.TakeChanges().ChangedNodes);

        fleet.AdvanceMinutes(5);
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Alive("n1", "0.29.5")));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Shutdown("n2")));

        Assert.Equal("0.29.5", fleet.Node("n1").Version);
        Assert.Equal(NodeState.Stopped, fleet.Node("n2").State);
        var summary = fleet.Summary();
        Assert.Equal(3, summary.TotalNodes);
        var server = FleetHarness.Component(summary, Ev.Server);
        Assert.Equal((2, 1), (server.Live, server.Stopped));
    }
    [Fact]
    public void Apply_FleetFullThenNodeForgotten_NewIdentityIsAccepted()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxNodes = 1 });
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n1"));
        Assert.Equal(ApplyOutcome.FleetFull, fleet.Apply(Ev.Startup("n2", "0.29.4")));

        fleet.Advance(TimeSpan.FromHours(25));
        fleet.Sweep();

        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n2", "0.29.4")));
        Assert.Equal(NodeState.Live, fleet.Node("n2").State);
    }
    [Fact]
    public void Apply_FinishedProvisioningForgotten_FreesItsSlotUnderMaxNodes()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxNodes = 2 });
        fleet.Apply(Ev.Startup("n1", "0.29.4", Ev.ProvisionModeServer));
        fleet.Apply(Ev.Shutdown("n1", Ev.ProvisionModeServer));
        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        Assert.False(fleet.Has("n1", Ev.ProvisionModeServer));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n2", "0.29.4")));
        Assert.Equal(ApplyOutcome.FleetFull, fleet.Apply(Ev.Startup("n3", "0.29.4")));
    }
    [Fact]
    public void Governor_Events_AreCountedAndCreateNoNodes()
    {
        var fleet = new FleetHarness();

        Assert.Equal(ApplyOutcome.CountedOnly, fleet.Apply(Ev.Governor("n1", "puppet", "enter")));
        Assert.Equal(ApplyOutcome.CountedOnly, fleet.Apply(Ev.Governor("n2", "puppet", "enter")));
        Assert.Equal(ApplyOutcome.CountedOnly, fleet.Apply(Ev.Governor("n1", "puppet", "exit")));
        Assert.Equal(ApplyOutcome.CountedOnly, fleet.Apply(Ev.Governor("n3", "backup", "timeouts")));

        Assert.Empty(fleet.State.Nodes);
        Assert.Equal(2, fleet.State.GovernorCounts[("puppet", "enter")]);
        Assert.Equal(1, fleet.State.GovernorCounts[("puppet", "exit")]);
        Assert.Equal(1, fleet.State.GovernorCounts[("backup", "timeouts")]);
        Assert.Equal(3, fleet.State.GovernorCounts.Count);
        var update = fleet.TakeChanges();
        Assert.Empty(update.ChangedNodes);
        Assert.Empty(update.ChangedMachines);
        Assert.Equal(4, update.News.Count(n => n.Kind == NewsKind.Governor));
        Assert.Equal(0, fleet.Summary().TotalNodes);
    }

    [Fact]
    public void Governor_PairsBeyondMaxGovernorCounters_AreNotCountedWhileKnownPairsAre()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxGovernorCounters = 2 });

        fleet.Apply(Ev.Governor("n1", "puppet", "enter"));
        fleet.Apply(Ev.Governor("n1", "puppet", "exit"));
        fleet.Apply(Ev.Governor("n1", "backup", "timeouts"));
        fleet.Apply(Ev.Governor("n2", "puppet", "enter"));

        Assert.Equal(2, fleet.State.GovernorCounts.Count);
        Assert.Equal(2, fleet.State.GovernorCounts[("puppet", "enter")]);
        Assert.False(fleet.State.GovernorCounts.ContainsKey(("backup", "timeouts")));
    }
    [Fact]
    public void History_DetailsBeyondMaxHistoryDetails_AreKeptWithoutDetail()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxHistoryDetails = 1 });

        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.AdvanceMinutes(1);
        fleet.Apply(Ev.Alive("n1", "0.29.5"));

        Assert.Equal(["0.29.4", null], fleet.Node("n1").History.Select(h => h.Detail));
    }
}
