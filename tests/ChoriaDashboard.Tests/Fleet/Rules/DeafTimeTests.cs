using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class DeafTimeTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int minutes) => T0 + TimeSpan.FromMinutes(minutes);

    [Fact]
    public void Between_TwoOutages_CountsOnlyTheirPartsInsideTheSpan()
    {
        var deaf = new DeafTime(10);
        deaf.Set(true, At(10));
        deaf.Set(false, At(20));
        deaf.Set(true, At(40));
        deaf.Set(false, At(70));

        var timeline = deaf.Snapshot(At(100));

        Assert.Equal(TimeSpan.FromMinutes(40), timeline.Between(At(0), At(100)));
        Assert.Equal(TimeSpan.FromMinutes(5 + 30), timeline.Between(At(15), At(100)));
        Assert.Equal(TimeSpan.FromMinutes(10), timeline.Between(At(60), At(80)));
        Assert.Equal(TimeSpan.Zero, timeline.Between(At(20), At(40)));
    }

    [Fact]
    public void Snapshot_StillCutOff_CountsUpToNow()
    {
        var deaf = new DeafTime(10);
        deaf.Set(true, At(10));

        Assert.Equal(TimeSpan.FromMinutes(25), deaf.Snapshot(At(35)).Between(At(0), At(35)));
    }

    [Fact]
    public void Heard_ReplayCoveredAnOutage_ItNoLongerCounts()
    {
        var deaf = new DeafTime(10);
        deaf.Set(true, At(10));
        deaf.Set(false, At(30));

        deaf.Heard(At(20), At(50));

        Assert.Equal(TimeSpan.FromMinutes(10), deaf.Snapshot(At(60)).Between(At(0), At(60)));
    }

    [Fact]
    public void Unheard_OverlapsAnOutage_MergesIntoOnePeriod()
    {
        var deaf = new DeafTime(10);
        deaf.Set(true, At(10));
        deaf.Set(false, At(30));

        deaf.Unheard(At(20), At(50));
        deaf.Unheard(At(60), At(70));

        var timeline = deaf.Snapshot(At(100));
        Assert.Equal(TimeSpan.FromMinutes(40 + 10), timeline.Total);
        Assert.Equal(TimeSpan.FromMinutes(40), timeline.Between(At(0), At(55)));
        Assert.Equal(TimeSpan.FromMinutes(5), timeline.Between(At(65), At(100)));
    }

    [Fact]
    public void Unheard_BeforeAnEarlierRecordedOutage_KeepsPeriodsInTimeOrder()
    {
        var deaf = new DeafTime(10);
        deaf.Set(true, At(60));
        deaf.Set(false, At(70));

        deaf.Unheard(At(10), At(20));

        var timeline = deaf.Snapshot(At(100));
        Assert.Equal(TimeSpan.FromMinutes(10), timeline.Between(At(0), At(30)));
        Assert.Equal(TimeSpan.FromMinutes(20), timeline.Between(At(0), At(100)));
    }

    [Fact]
    public void Unheard_ReachesIntoAnOpenOutage_CountsTheOverlapOnce()
    {
        var deaf = new DeafTime(10);
        deaf.Set(true, At(30));

        deaf.Unheard(At(10), At(40));

        Assert.Equal(TimeSpan.FromMinutes(40), deaf.Snapshot(At(50)).Between(At(0), At(50)));
    }

    [Fact]
    public void Set_MorePeriodsThanKept_DropsTheOldest()
    {
        var deaf = new DeafTime(2);
        for (var i = 0; i < 3; i++)
        {
            deaf.Set(true, At(i * 10));
            deaf.Set(false, At((i * 10) + 5));
        }

        Assert.Equal(TimeSpan.FromMinutes(10), deaf.Snapshot(At(60)).Total);
    }

    [Fact]
    public void Evaluate_SilentThroughAnOutage_IsJudgedOnTheSilenceThatCouldBeHeard()
    {
        var policy = new LivenessPolicy(new FleetOptions());
        var node = new NodeSnapshot
        {
            Key = new NodeKey("n1", "server"),
            State = NodeState.Live,
            FirstSeen = At(0),
            Activity = new NodeActivity(At(0), Events.LifecycleEventType.Alive),
        };
        var outage = new DeafTimeline([(At(10), At(70))]);

        // 100 minutes of wall time, 60 of them cut off: 40 heard, not yet stale (40 min is the limit).
        Assert.Equal(NodeState.Dead, policy.Evaluate(node, At(100)));
        Assert.Equal(NodeState.Live, policy.Evaluate(node, At(100), outage));
        Assert.Equal(NodeState.Stale, policy.Evaluate(node, At(101), outage));
        Assert.Equal(NodeState.Dead, policy.Evaluate(node, At(141), outage));
    }

    [Fact]
    public void Add_SuspendOverlappingAnOutage_MergedAndNeverCountedTwice()
    {
        var deaf = new DeafTime(10);
        deaf.Set(true, At(10));
        deaf.Set(false, At(20));
        deaf.Add(At(15), At(30));
        deaf.Add(At(40), At(45));
        deaf.Add(At(5), At(12));

        var timeline = deaf.Snapshot(At(100));

        Assert.Equal(TimeSpan.FromMinutes(25 + 5), timeline.Between(At(0), At(100)));
        Assert.Equal(TimeSpan.FromMinutes(30), deaf.ClosedTotal());
    }

    [Fact]
    public void Add_WhileCutOff_OnlyThePartBeforeTheOpenPeriodCounts()
    {
        var deaf = new DeafTime(10);
        deaf.Set(true, At(30));
        deaf.Add(At(20), At(50));
        deaf.Add(At(35), At(45));

        Assert.Equal(TimeSpan.FromMinutes(10 + 70), deaf.Snapshot(At(100)).Between(At(0), At(100)));
    }
}
