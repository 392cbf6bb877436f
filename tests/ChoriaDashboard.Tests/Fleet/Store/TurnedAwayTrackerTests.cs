using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>New nodes turned away at Fleet:MaxNodes: counted by node and event, since when, until the fleet has had room for a while.</summary>
public sealed class TurnedAwayTrackerTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 7, 8, 12, 0, TimeSpan.Zero);
    private static readonly TimeSpan QuietAfter = TimeSpan.FromMinutes(40);

    private static TurnedAwayTracker Tracker(int maxCounted = 100) => new(maxNodes: 10, maxCounted, QuietAfter, NullLogger.Instance);

    [Fact]
    public void TurnedAway_SameNodeAgainAndAMachineEvent_CountsNodesOnceAndEveryEvent()
    {
        var tracker = Tracker();

        tracker.TurnedAway(new NodeKey("web-11", "server"), Start);
        tracker.TurnedAway(new NodeKey("web-11", "server"), Start + TimeSpan.FromMinutes(30));
        tracker.TurnedAway(new NodeKey("web-12", "server"), Start + TimeSpan.FromMinutes(31));
        tracker.TurnedAway(null, Start + TimeSpan.FromMinutes(32));
        var changed = tracker.Refresh(nodeCount: 10, Start + TimeSpan.FromMinutes(32));

        Assert.True(changed);
        Assert.Equal(new TurnedAway(10, 2, false, 4, Start, Start + TimeSpan.FromMinutes(32)), tracker.Current);
        Assert.False(tracker.Refresh(nodeCount: 10, Start + TimeSpan.FromMinutes(33)));
    }

    [Fact]
    public void TurnedAway_MoreNodesThanCounted_SaysTheCountIsALowerBound()
    {
        var tracker = Tracker(maxCounted: 2);

        foreach (var identity in new[] { "a", "b", "c", "a" })
        {
            tracker.TurnedAway(new NodeKey(identity, "server"), Start);
        }

        tracker.Refresh(nodeCount: 10, Start);
        Assert.Equal((2, true, 4L), (tracker.Current!.Nodes, tracker.Current.NodesAtLeast, tracker.Current.Events));
    }

    [Fact]
    public void Refresh_FleetStillFull_TheSpellGoesOnHoweverQuiet()
    {
        var tracker = Tracker();
        tracker.TurnedAway(new NodeKey("web-11", "server"), Start);
        tracker.Refresh(nodeCount: 10, Start);

        Assert.False(tracker.Refresh(nodeCount: 10, Start + TimeSpan.FromDays(1)));
        Assert.NotNull(tracker.Current);
    }

    [Fact]
    public void Refresh_RoomAgainForQuietAfter_EndsTheSpellAndANewOneStartsAfresh()
    {
        var tracker = Tracker();
        tracker.TurnedAway(new NodeKey("web-11", "server"), Start);
        tracker.Refresh(nodeCount: 10, Start);

        // Room, but not yet long enough for every node turned away to have sent an alive since.
        Assert.False(tracker.Refresh(nodeCount: 9, Start + QuietAfter - TimeSpan.FromSeconds(1)));
        Assert.True(tracker.Refresh(nodeCount: 9, Start + QuietAfter));
        Assert.Null(tracker.Current);

        var later = Start + TimeSpan.FromHours(2);
        tracker.TurnedAway(new NodeKey("web-13", "server"), later);
        tracker.Refresh(nodeCount: 10, later);
        Assert.Equal(new TurnedAway(10, 1, false, 1, later, later), tracker.Current);
    }
}
