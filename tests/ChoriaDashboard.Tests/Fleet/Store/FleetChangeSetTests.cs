using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>What a writer batch publishes: one upsert per node, last write wins, removals.</summary>
public sealed class FleetChangeSetTests
{
    [Fact]
    public void ChangeSet_TwoEventsForSameNodeInOneBatch_GiveOneUpsertWithLatestSnapshot()
    {
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.AdvanceMinutes(1);
        fleet.Apply(Ev.Alive("n1", "0.29.5"));
        fleet.Apply(Ev.Startup("n2", "0.29.4"));

        var changes = fleet.TakeChanges();

        Assert.Equal(2, changes.ChangedNodes.Count);
        var n1 = Assert.Single(changes.ChangedNodes, n => n.Identity == "n1");
        Assert.Equal(LifecycleEventType.Alive, n1.LastEvent);
        Assert.Equal("0.29.5", n1.Version);
        Assert.Equal(fleet.Now, n1.LastSeen);
        Assert.Same(fleet.Node("n1"), n1);
        Assert.Empty(changes.RemovedNodes);
        Assert.Equal(2, changes.Summary.TotalNodes);

        Assert.True(fleet.Changes.IsEmpty); // the next batch starts empty
    }
    [Fact]
    public void ChangeSet_NodeChangedThenForgottenInOneBatch_IsOnlyARemoval()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.Advance(TimeSpan.FromHours(25));

        fleet.Sweep();

        var changes = fleet.TakeChanges();
        Assert.Empty(changes.ChangedNodes);
        Assert.Equal(new NodeKey("n1", Ev.Server), Assert.Single(changes.RemovedNodes));
    }
    [Fact]
    public void ChangeSet_SweepWithNothingToChange_IsEmpty()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.TakeChanges();

        fleet.AdvanceMinutes(10);
        fleet.Sweep();

        Assert.True(fleet.Changes.IsEmpty);
    }

    [Fact]
    public void ChangeSet_AliveFromALiveNodeOnItsVersion_IsHeardOnlyAndListedLast()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Startup("n2", "0.29.4"));
        fleet.TakeChanges();
        fleet.AdvanceMinutes(1);

        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        fleet.Apply(Ev.Alive("n2", "0.29.5"));
        fleet.Apply(Ev.Startup("n3", "0.29.4"));

        var changes = fleet.TakeChanges();
        Assert.Equal(1, changes.HeardOnlyCount);
        Assert.Equal(["n2", "n3"], changes.ChangedNodes.Take(2).Select(n => n.Identity).Order(StringComparer.Ordinal));
        Assert.Equal("n1", changes.ChangedNodes[^1].Identity);
        Assert.Equal(fleet.Now, changes.ChangedNodes[^1].LastSeen);
    }

    [Fact]
    public void ChangeSet_NodeChangedAndHeardInOneBatch_IsAChangeWhicheverCameFirst()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Startup("n2", "0.29.4"));
        fleet.TakeChanges();
        fleet.AdvanceMinutes(1);

        fleet.Apply(Ev.Alive("n1", "0.29.5"));
        fleet.Apply(Ev.Alive("n1", "0.29.5"));
        fleet.Apply(Ev.Alive("n2", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n2"));

        var changes = fleet.TakeChanges();
        Assert.Equal(0, changes.HeardOnlyCount);
        Assert.Equal(["n1", "n2"], changes.ChangedNodes.Select(n => n.Identity).Order(StringComparer.Ordinal));
    }
}
