using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>The news the writer tells with each batch: every kind, in order, flagged live or replayed.</summary>
public sealed class FleetStateNewsTests
{
    private static (NewsKind Kind, string Identity, bool Replayed)[] News(FleetUpdate update) =>
        [.. update.News.Select(n => (n.Kind, n.Identity, n.Replayed))];

    [Fact]
    public void Lifecycle_StartStopDieComeBack_ToldInOrderAsLive()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Startup("n2", "0.29.4"));
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.Apply(Ev.Shutdown("n1")); // already stopped: no news
        Assert.Equal(
            [(NewsKind.Started, "n1", false), (NewsKind.Started, "n2", false), (NewsKind.Stopped, "n1", false)],
            News(fleet.TakeChanges()));

        fleet.AdvanceMinutes(81);
        fleet.Sweep();
        Assert.Equal([(NewsKind.Died, "n2", false)], News(fleet.TakeChanges()));

        fleet.Apply(Ev.Alive("n2", "0.29.4"));
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        Assert.Equal(
            [(NewsKind.CameBack, "n2", false), (NewsKind.Started, "n1", false), (NewsKind.CameBack, "n1", false)],
            News(fleet.TakeChanges()));
    }

    [Fact]
    public void Startup_CarriesTheVersionStarted()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        var started = Assert.Single(fleet.TakeChanges().News);
        Assert.Equal((NewsKind.Started, Ev.Server, "0.29.4", fleet.Now), (started.Kind, started.Component, started.Version, started.At));
    }

    [Fact]
    public void Upgrade_AnnouncedOrSeen_CarriesBothVersionsAndHowItWasLearnt()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.3"));
        fleet.Apply(Ev.Startup("n2", "0.29.3"));
        fleet.TakeChanges();

        fleet.Apply(Ev.Upgraded("n1", "0.29.3", "0.29.4", Ev.Server));
        fleet.Apply(Ev.Alive("n2", "0.29.4"));
        var news = fleet.TakeChanges().News;

        Assert.Equal(2, news.Count);
        Assert.Equal((NewsKind.Upgraded, "0.29.3", "0.29.4", true, "0.29.3 → 0.29.4"), (news[0].Kind, news[0].FromVersion, news[0].Version, news[0].Announced, news[0].Detail));
        Assert.Equal((NewsKind.Upgraded, "n2", "0.29.3", "0.29.4", false), (news[1].Kind, news[1].Identity, news[1].FromVersion, news[1].Version, news[1].Announced));
    }

    [Fact]
    public void Upgrade_AnnouncedThenSeenRunning_ToldOnce()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.3"));
        fleet.Apply(Ev.Upgraded("n1", "0.29.3", "0.29.4", Ev.Server));
        fleet.Apply(Ev.Startup("n1", "0.29.4"));

        var news = fleet.TakeChanges().News;

        Assert.Equal([NewsKind.Started, NewsKind.Upgraded, NewsKind.Started], news.Select(n => n.Kind));
        Assert.True(news[1].Announced);
        Assert.Equal("0.29.4", fleet.Node("n1").Version);
    }

    [Fact]
    public void Checks_TurnCriticalThenRecover_ToldOnceEach()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 0));
        fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 2));
        fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 2)); // still critical: no news
        fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 0));
        fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 0)); // still OK: no news

        var news = fleet.TakeChanges().News;

        Assert.Equal([NewsKind.CheckCritical, NewsKind.CheckRecovered], news.Select(n => n.Kind));
        Assert.All(news, n => Assert.Equal(("n1", "check_disk", null), (n.Identity, n.Check, n.Component)));
    }

    [Fact]
    public void Governor_EveryEventIsNewsWithTheSlotInWords()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Governor("n1", "puppet", "enter"));

        var news = Assert.Single(fleet.TakeChanges().News);
        Assert.Equal((NewsKind.Governor, "n1", "puppet enter slot 1", false), (news.Kind, news.Identity, news.Detail, news.Replayed));
        Assert.Empty(fleet.State.Notable.Recent);
    }

    [Fact]
    public void ReplayedEvents_TheirNewsIsFlaggedReplayed()
    {
        var fleet = new FleetHarness();
        fleet.State.Apply(Ev.Startup("n1", "0.29.3"), fleet.Now, fleet.Changes, replayed: true);
        fleet.State.Apply(Ev.Alive("n1", "0.29.4"), fleet.Now, fleet.Changes, replayed: true);
        fleet.State.Apply(Ev.Startup("n2", "0.29.4"), fleet.Now, fleet.Changes, replayed: false);

        Assert.Equal(
            [(NewsKind.Started, "n1", true), (NewsKind.Upgraded, "n1", true), (NewsKind.Started, "n2", false)],
            News(fleet.TakeChanges()));
    }

    [Fact]
    public void Death_ThresholdPassedBeforeTheDashboardWasLive_IsHistory()
    {
        var fleet = new FleetHarness();
        fleet.State.Apply(Ev.Startup("long-dead", "0.29.4"), fleet.Now, fleet.Changes, replayed: true);
        fleet.AdvanceMinutes(70);
        fleet.State.Apply(Ev.Startup("dies-later", "0.29.4"), fleet.Now, fleet.Changes, replayed: true);
        fleet.AdvanceMinutes(20);

        // The replay ended now: long-dead's threshold (80 minutes) passed 10 minutes ago, dies-later's not yet.
        fleet.State.LiveSince = fleet.Now;
        fleet.Sweep();
        fleet.AdvanceMinutes(61);
        fleet.Sweep();

        var deaths = fleet.TakeChanges().News.Where(n => n.Kind == NewsKind.Died).Select(n => (n.Identity, n.Replayed));
        Assert.Equal([("long-dead", true), ("dies-later", false)], deaths);
    }
}
