using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>The overview's feed: what the rules record as notable, and what they leave out.</summary>
public sealed class FleetStateNotableTests
{
    private static (NewsKind Kind, string Identity, string? Detail)[] Feed(FleetHarness fleet) =>
        [.. fleet.State.Notable.Recent.Select(c => (c.Kind, c.Identity, c.Detail))];

    [Fact]
    public void Apply_NewNodesAndAlives_NothingNotable()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Alive("n1", "0.29.4"));

        Assert.Empty(fleet.State.Notable.Recent);
    }

    [Fact]
    public void Lifecycle_StopDieComeBackUpgrade_RecordedNewestFirstWithTimes()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.3"));
        fleet.Apply(Ev.Startup("n2", "0.29.3"));
        fleet.Apply(Ev.Shutdown("n1"));
        var stoppedAt = fleet.Now;
        fleet.AdvanceMinutes(81);
        fleet.Sweep(); // n2 silent past DeadAfter
        var diedAt = fleet.Now;
        fleet.Apply(Ev.Startup("n2", "0.29.4")); // back, on a new version

        Assert.Equal(
            [
                (NewsKind.Upgraded, "n2", "0.29.3 → 0.29.4"),
                (NewsKind.CameBack, "n2", null),
                (NewsKind.Died, "n2", null),
                (NewsKind.Stopped, "n1", null),
            ],
            Feed(fleet));
        var recent = fleet.State.Notable.Recent;
        Assert.Equal(stoppedAt, recent.Single(c => c.Kind == NewsKind.Stopped).At);
        Assert.Equal(diedAt, recent.Single(c => c.Kind == NewsKind.Died).At);
        Assert.Equal(Ev.Server, recent[0].Component);
    }

    [Fact]
    public void Upgraded_AnnouncedOnAProvisioningNode_RecordedWithTarget()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n3", "0.29.3", component: Ev.ProvisionModeServer));
        fleet.Apply(Ev.Upgraded("n3", "0.29.3", "0.29.4", Ev.ProvisionModeServer));

        var change = Assert.Single(fleet.State.Notable.Recent);
        Assert.Equal((NewsKind.Upgraded, "n3", "0.29.3 → 0.29.4"), (change.Kind, change.Identity, change.Detail));
    }

    [Fact]
    public void NagiosCheck_TurnsCritical_RecordedOnceUntilItRecovers()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Check(0, "OK: fine"));
        fleet.Apply(Check(2, "CRITICAL: / 99% full"));
        fleet.Apply(Check(2, "CRITICAL: / 99% full"));
        fleet.Apply(Check(0, "OK: fine"));
        fleet.Apply(Check(2, "CRITICAL: again"));

        var feed = fleet.State.Notable.Recent;
        Assert.Equal(2, feed.Length);
        Assert.All(feed, c => Assert.Equal(NewsKind.CheckCritical, c.Kind));
        Assert.Equal("CRITICAL: again", feed[0].Detail);
        Assert.Equal("check_disk#disk", feed[0].Check);

        static Events.NagiosWatcherState Check(int code, string output) => Ev.Nagios("n1", "check_disk", "disk", code) with { Output = output };
        Assert.Null(feed[0].Component);
    }

    [Fact]
    public void NewsLog_PastItsLength_KeepsTheNewest()
    {
        var log = new NewsLog(2);
        foreach (var identity in new[] { "a", "b", "c" })
        {
            log.Add(new FleetNews(DateTimeOffset.UnixEpoch, NewsKind.Died, identity, "server", null, null, Replayed: false));
        }

        Assert.Equal(["c", "b"], log.Recent.Select(c => c.Identity));
        Assert.Empty(new NewsLog(0).Recent);
    }
}
