using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Fleet.FleetStoreTestKit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>Whether the store's view is current: a broker outage or a replay pauses liveness, replayed events are judged by their stored time (never later than now) and never move a node back, dropped messages are reported until StaleAfter has passed.</summary>
public sealed class FleetStoreCurrencyTests
{
    private static BrokerStatus Broker(BrokerState state, int subscriptions) => new(state, DateTimeOffset.UnixEpoch, "nats://broker:4222", subscriptions, 3, null);

    [Fact]
    public async Task FleetStore_BrokerDownLongerThanDeadAfter_NoNodeDiesUntilDeadAfterOfHeardSilence()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        fixture.Store.ReportBroker(Broker(BrokerState.Connected, 3));
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 1);
        fixture.Time.Advance(TimeSpan.FromMinutes(10));

        // Cut off for two hours: longer than DeadAfter (80 min), yet nothing could be heard.
        fixture.Store.ReportBroker(Broker(BrokerState.Reconnecting, 0));
        var down = await ReadUntilAsync(subscription, b => !b.Summary.Currency.IsCurrent);
        Assert.True(down.Summary.Currency.LivenessPaused);
        Assert.Contains("broker disconnected", down.Summary.Currency.Reason);
        Assert.Equal(fixture.Time.GetUtcNow(), down.Summary.Currency.NotCurrentSince);
        for (var i = 0; i < 12; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(10));
        }

        await fixture.EnqueueAsync(Ev.Governor("probe", "g", "enter"));
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 2, TimeSpan.FromSeconds(10), "the probe to be applied");
        Assert.Equal(NodeState.Live, fixture.Store.Nodes[new NodeKey("n1", Ev.Server)].State);

        // Back: 10 minutes of silence were heard before the cut; stale after 40 heard, dead after 80 heard.
        fixture.Store.ReportBroker(Broker(BrokerState.Connected, 3));
        await ReadUntilAsync(subscription, b => b.Summary.Currency.IsCurrent);
        fixture.Time.Advance(TimeSpan.FromMinutes(25));
        await fixture.EnqueueAsync(Ev.Governor("probe", "g", "enter"));
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 3, TimeSpan.FromSeconds(10), "the probe to be applied");
        Assert.Equal(NodeState.Live, fixture.Store.Nodes[new NodeKey("n1", Ev.Server)].State);
        fixture.Time.Advance(TimeSpan.FromMinutes(10));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Stale) == 1);
        fixture.Time.Advance(TimeSpan.FromMinutes(36));
        var dead = await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Dead) == 1);
        Assert.Equal(TimeSpan.FromMinutes(120), dead.Summary.Currency.DeafTime);
    }

    [Fact]
    public async Task FleetStore_Replaying_FreezesStatesUntilCaughtUpThenJudgesReplayedReceiptTimes()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        var start = fixture.Time.GetUtcNow();
        fixture.Store.ReportReplay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(0, 2, start, null)));

        // Replayed: heard 100 minutes ago (dead by now) and 50 minutes ago (stale by now).
        await fixture.Store.EnqueueAsync(Ev.Startup("gone", "0.29.4"), Subject, start - TimeSpan.FromMinutes(100), CancellationToken.None);
        await fixture.Store.EnqueueAsync(Ev.Startup("quiet", "0.29.4"), Subject, start - TimeSpan.FromMinutes(50), CancellationToken.None);
        var replaying = await ReadUntilAsync(subscription, b => b.Summary.TotalNodes == 2);
        Assert.Equal("replaying history from Choria Streams", replaying.Summary.Currency.Reason);
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await fixture.EnqueueAsync(Ev.Governor("probe", "g", "enter"));
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 3, TimeSpan.FromSeconds(10), "the probe to be applied");
        Assert.Equal(2, fixture.Store.Summary.Count(NodeState.Live));

        fixture.Store.ReportReplay(new ReplayStatus(ReplayState.CaughtUp, new ReplayProgress(2, 2, start, TimeSpan.Zero), null, start - TimeSpan.FromHours(2), start));

        var judged = await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Dead) == 1 && b.Summary.Count(NodeState.Stale) == 1);
        Assert.True(judged.Summary.Currency.IsCurrent);
        Assert.Null(judged.Summary.Currency.Replay);
    }

    [Fact]
    public async Task FleetStore_ReplayCaughtUp_DeathsInHistoryAreReplayedNewsLaterOnesLive()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        var start = fixture.Time.GetUtcNow();
        fixture.Store.ReportReplay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(0, 2, start, null)));

        // Replayed: one node silent for 100 minutes (it died before this process started), one for 70 (it dies later).
        await fixture.EnqueueReplayedAsync(Ev.Startup("died-before", "0.29.4"), start - TimeSpan.FromMinutes(100));
        await fixture.EnqueueReplayedAsync(Ev.Startup("dies-later", "0.29.4"), start - TimeSpan.FromMinutes(70));
        await ReadUntilAsync(subscription, b => b.Summary.TotalNodes == 2);
        fixture.Store.ReportReplay(new ReplayStatus(ReplayState.CaughtUp, new ReplayProgress(2, 2, start, TimeSpan.Zero), null, start - TimeSpan.FromHours(2), start));
        fixture.Time.Advance(TimeSpan.FromMinutes(1));

        var first = await ReadUntilAsync(subscription, b => b.News.Any(n => n.Kind == NewsKind.Died));
        fixture.Time.Advance(TimeSpan.FromMinutes(12));
        var second = await ReadUntilAsync(subscription, b => b.News.Any(n => n is { Kind: NewsKind.Died, Identity: "dies-later" }));

        Assert.Equal(("died-before", true), first.News.Where(n => n.Kind == NewsKind.Died).Select(n => (n.Identity, n.Replayed)).Single());
        Assert.False(second.News.Single(n => n.Kind == NewsKind.Died).Replayed);
    }

    [Fact]
    public async Task FleetStore_ReplayedEventOlderThanLiveOne_DoesNotMoveTheNodeBack()
    {
        await using var fixture = await StoreFixture.StartAsync();
        using var subscription = fixture.Store.Subscribe();
        var now = fixture.Time.GetUtcNow();

        // Live first: the node restarted on 0.29.5; the replay then brings its older shutdown and alive.
        await fixture.Store.EnqueueAsync(Ev.Startup("n1", "0.29.5"), Subject, now, CancellationToken.None);
        await fixture.EnqueueReplayedAsync(Ev.Shutdown("n1"), now - TimeSpan.FromSeconds(5));
        await fixture.EnqueueReplayedAsync(Ev.Alive("n1", "0.29.4"), now - TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => fixture.Stats.Superseded == 2, TimeSpan.FromSeconds(10), "both replayed events to be taken as superseded");

        var node = fixture.Store.Nodes[new NodeKey("n1", Ev.Server)];
        Assert.Equal((NodeState.Live, "0.29.5", now), (node.State, node.Version, node.LastSeen));
        Assert.Equal(1, fixture.Stats.Accepted);
        Assert.Equal(now, fixture.Store.LatestEventAt);
    }

    [Fact]
    public async Task FleetStore_BrokerClockAhead_LiveStartupAfterReplayedShutdownMakesTheNodeLive()
    {
        await using var fixture = await StoreFixture.StartAsync();
        using var subscription = fixture.Store.Subscribe();
        var now = fixture.Time.GetUtcNow();

        // The broker's clock is 5 minutes ahead: the replayed shutdown carries a stream time after the dashboard's now.
        await fixture.EnqueueReplayedAsync(Ev.Shutdown("n1"), now + TimeSpan.FromMinutes(5));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Stopped) == 1);
        fixture.Time.Advance(TimeSpan.FromSeconds(30));

        // Then the node starts again, heard live on the dashboard's clock.
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.5"));

        var live = await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 1);
        Assert.Equal(0, live.Summary.Count(NodeState.Stopped));
        Assert.Equal("0.29.5", fixture.Store.Nodes[new NodeKey("n1", Ev.Server)].Version);
    }

    [Fact]
    public async Task FleetStore_ReplayedTimeAheadOfTheDashboardsClock_IsClampedToNow()
    {
        await using var fixture = await StoreFixture.StartAsync();
        var now = fixture.Time.GetUtcNow();

        await fixture.EnqueueReplayedAsync(Ev.Startup("n1", "0.29.4"), now + TimeSpan.FromMinutes(5));
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 1, TimeSpan.FromSeconds(10), "the replayed startup to be taken");

        Assert.Equal(now, fixture.Store.Nodes[new NodeKey("n1", Ev.Server)].LastSeen);
    }

    [Fact]
    public async Task FleetStore_ClientDroppedMessages_ViewMayBeMissingEventsUntilStaleAfterPassed()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        fixture.Stats.Rejected(RejectionReason.Dropped, Subject, "slow consumer");
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));

        var missing = await ReadUntilAsync(subscription, b => b.Summary.Currency.MayBeMissingEvents);
        Assert.False(missing.Summary.Currency.IsCurrent);
        Assert.False(missing.Summary.Currency.LivenessPaused);
        Assert.Contains("dropped 1 messages", missing.Summary.Currency.Reason);

        fixture.Time.Advance(TimeSpan.FromMinutes(41));
        var current = await ReadUntilAsync(subscription, b => b.Summary.Currency.IsCurrent);
        Assert.False(current.Summary.Currency.MayBeMissingEvents);
    }
}
