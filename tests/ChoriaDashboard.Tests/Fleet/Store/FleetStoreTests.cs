using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class FleetStoreTests
{
    private static readonly string Subject = ChoriaSubjects.Lifecycle(LifecycleEventType.Startup, ChoriaComponents.Server);

    [Fact]
    public async Task FleetStore_EnqueuedEvents_AppearInChangesAndSummary()
    {
        await using var fixture = await StoreFixture.StartAsync();
        using var subscription = fixture.Store.Subscribe();
        Assert.Equal(0, subscription.Initial.Summary.TotalNodes);

        await fixture.EnqueueAsync(Ev.Governor("n3", "puppet", "enter"));
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Startup("n2", "0.28.0"));
        await fixture.EnqueueAsync(Ev.Shutdown("n2"));

        var batch = await ReadUntilAsync(subscription, b => b.Summary.TotalNodes == 2 && b.Summary.Count(NodeState.Stopped) == 1);

        var server = FleetHarness.Component(batch.Summary, Ev.Server);
        Assert.Equal((1, 1), (server.Live, server.Stopped));
        Assert.Equal(1, FleetHarness.Version(server, "0.29.4").Active);
        Assert.Equal(NodeState.Live, fixture.Store.Nodes[new NodeKey("n1", Ev.Server)].State);
        Assert.Equal(NodeState.Stopped, fixture.Store.Nodes[new NodeKey("n2", Ev.Server)].State);
        Assert.True(fixture.Store.Summary.Revision >= batch.Revision);
        Assert.Equal(2, fixture.Store.Summary.TotalNodes);

        // the governor event, applied before them, is counted without creating a node; the batch is counted as
        // accepted once its summary is out, so the API never reports more accepted events than its totals show
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 4, TimeSpan.FromSeconds(10), "all four events counted as accepted");
        Assert.Equal(1, fixture.Store.GovernorCounts[("puppet", "enter")]);
        Assert.Equal(2, fixture.Store.Nodes.Count);
    }

    [Fact]
    public async Task FleetStore_TimeAdvancedPastStaleAfter_PeriodicSweepMarksNodesStaleThenDead()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Startup("n2", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 2);

        // No events arrive: only the store's own timer can notice the silence.
        fixture.Time.Advance(TimeSpan.FromMinutes(41));

        var stale = await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Stale) == 2);
        Assert.Equal(2, stale.ChangedNodes.Count);
        Assert.All(stale.ChangedNodes, n => Assert.Equal(NodeState.Stale, n.State));
        Assert.Equal(0, stale.Summary.Count(NodeState.Live));
        Assert.Equal(NodeState.Stale, fixture.Store.Nodes[new NodeKey("n1", Ev.Server)].State);

        await fixture.EnqueueAsync(Ev.Alive("n2", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 1);
        fixture.Time.Advance(TimeSpan.FromMinutes(40));

        var dead = await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Dead) == 1);
        Assert.Equal(NodeState.Dead, fixture.Store.Nodes[new NodeKey("n1", Ev.Server)].State);
        Assert.Equal(NodeState.Live, fixture.Store.Nodes[new NodeKey("n2", Ev.Server)].State);
        Assert.Equal(1, dead.Summary.Count(NodeState.Live));
    }

    [Fact]
    public async Task FleetStore_FleetAtMaxNodes_CountsFleetFullRejectionAndKeepsUpdating()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.MaxNodes = 3);
        using var subscription = fixture.Store.Subscribe();

        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Startup("n2", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Startup("n3", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Startup("n4", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Alive("n1", "0.29.5"));

        await ReadUntilAsync(subscription, b => b.ChangedNodes.Any(n => n.Identity == "n1" && n.Version == "0.29.5"));

        Assert.Equal(1, fixture.Stats.RejectedByReason[RejectionReason.FleetFull]);
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 4, TimeSpan.FromSeconds(10), "the four events that fit counted as accepted");
        Assert.Equal(3, fixture.Store.Nodes.Count);
        Assert.False(fixture.Store.Nodes.ContainsKey(new NodeKey("n4", Ev.Server)));
        Assert.Equal(3, fixture.Store.Summary.TotalNodes);
    }

    [Fact]
    public async Task FleetStore_SubscriberThatNeverReads_FallsBehindAndStoreKeepsGoing()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SubscriberBufferSize = 2);
        using var idle = fixture.Store.Subscribe();
        using var active = fixture.Store.Subscribe();

        for (var i = 1; i <= 5; i++)
        {
            var identity = $"n{i}";
            await fixture.EnqueueAsync(Ev.Startup(identity, "0.29.4"));
            await ReadUntilAsync(active, b => b.ChangedNodes.Any(n => n.Identity == identity));
        }

        Assert.True(idle.Lags > 0);
        Assert.Equal(0, active.Lags);
        Assert.Equal(5, fixture.Store.Summary.TotalNodes);
        Assert.Equal(5, fixture.Store.Nodes.Count);
        Assert.Equal(2, fixture.Store.SubscriberCount);
        Assert.True(fixture.Store.SubscriberLags > 0);
    }

    [Fact]
    public async Task FleetStore_SubscriberFellBehind_GetsOneSnapshotOfNowThenChangesAgain()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SubscriberBufferSize = 1);
        using var lagging = fixture.Store.Subscribe();
        using var active = fixture.Store.Subscribe();
        for (var i = 1; i <= 3; i++)
        {
            var identity = $"n{i}";
            await fixture.EnqueueAsync(Ev.Startup(identity, "0.29.4"));
            await ReadUntilAsync(active, b => b.ChangedNodes.Any(n => n.Identity == identity));
        }

        var snapshot = await lagging.ReadAsync();

        Assert.True(snapshot.IsSnapshot);
        Assert.Empty(snapshot.ChangedNodes);
        Assert.Same(fixture.Store.Summary, snapshot.Summary);
        Assert.Equal(3, FleetHarness.Component(snapshot.Summary, Ev.Server).Live);

        await fixture.EnqueueAsync(Ev.Shutdown("n1"));
        var next = await ReadUntilAsync(lagging, b => b.ChangedNodes.Any(n => n.Identity == "n1"));
        Assert.False(next.IsSnapshot);
        Assert.True(next.Revision > snapshot.Revision);
        Assert.Equal(1, next.Summary.Count(NodeState.Stopped));
    }

    [Fact]
    public async Task FleetStore_Subscribe_StartsFromASnapshotOfNow()
    {
        await using var fixture = await StoreFixture.StartAsync();
        using (var first = fixture.Store.Subscribe())
        {
            await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
            await fixture.EnqueueAsync(Ev.Startup("n2", "0.29.4", Ev.Provisioner));
            await ReadUntilAsync(first, b => b.Summary.TotalNodes == 2);
            Assert.Equal(0, first.Initial.Summary.TotalNodes);
        }

        using var subscription = fixture.Store.Subscribe();

        var initial = subscription.Initial;
        Assert.True(initial.IsSnapshot);
        Assert.Equal(fixture.Store.Summary.Revision, initial.Revision);
        Assert.Equal(2, initial.Summary.TotalNodes);
        Assert.Equal(1, FleetHarness.Component(initial.Summary, Ev.Provisioner).Live);
        Assert.Equal(1, FleetHarness.Component(initial.Summary, Ev.Server).Live);
    }

    [Fact]
    public async Task FleetStore_DisposedSubscription_IsRemoved()
    {
        await using var fixture = await StoreFixture.StartAsync();
        var subscription = fixture.Store.Subscribe();
        Assert.Equal(1, fixture.Store.SubscriberCount);

        subscription.Dispose();

        Assert.Equal(0, fixture.Store.SubscriberCount);
        Assert.True(subscription.IsDisposed);
        Assert.False(await subscription.WaitToReadAsync());
    }

    private static async Task<FleetUpdate> ReadUntilAsync(BroadcastSubscription<FleetUpdate> subscription, Func<FleetUpdate, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var batch = await subscription.ReadAsync(timeout.Token);
                if (condition(batch))
                {
                    return batch;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException("No update met the condition within 10 seconds.");
        }
    }

    [Fact]
    public async Task FleetStore_EventsArriveWhileWriterGathers_OneBatchCarriesThemAll()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.BatchDelay = TimeSpan.FromMilliseconds(10));
        using var subscription = fixture.Store.Subscribe();
        await fixture.EnqueueAsync(Ev.Startup("first", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.TotalNodes == 1);

        // The writer is now waiting BatchDelay on the (fake) clock: 100 events pile up meanwhile.
        for (var i = 0; i < 100; i++)
        {
            await fixture.EnqueueAsync(Ev.Startup($"n{i}", "0.29.4"));
        }

        // After publishing a batch that was not full, the writer waits BatchDelay before it reads again: while the
        // fake clock stands still, nothing is published, however many events are queued.
        using (var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => subscription.WaitToReadAsync(quiet.Token).AsTask());
        }

        // Move the clock on (repeatedly: the writer's timer may start after the first step) until the batch comes.
        FleetUpdate? batch = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (batch is null)
        {
            fixture.Time.Advance(TimeSpan.FromMilliseconds(10));
            try
            {
                using var step = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
                step.CancelAfter(TimeSpan.FromMilliseconds(50));
                batch = await subscription.ReadAsync(step.Token);
            }
            catch (OperationCanceledException) when (!timeout.IsCancellationRequested)
            {
            }
        }

        Assert.Equal(101, batch.Summary.TotalNodes);
        Assert.Equal(100, batch.ChangedNodes.Count);
    }

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

    private sealed class StoreFixture : IAsyncDisposable
    {
        private StoreFixture(FleetOptions options)
        {
            Stats = new IngestCounters(NullLogger<IngestCounters>.Instance, Time, 5, TimeSpan.FromMinutes(1));
            Store = new FleetStore(Options.Create(options), Stats, Time, NullLogger<FleetStore>.Instance, new IngestOptions().QueueCapacity);
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

        public IngestCounters Stats { get; }

        public FleetStore Store { get; }

        public static async Task<StoreFixture> StartAsync(Action<FleetOptions>? configure = null)
        {
            // No gathering delay by default: these tests are about what a batch holds, not when it is cut.
            var options = new FleetOptions { BatchDelay = TimeSpan.Zero };
            configure?.Invoke(options);
            var fixture = new StoreFixture(options);
            await fixture.Store.StartAsync(CancellationToken.None);
            return fixture;
        }

        public ValueTask EnqueueReplayedAsync(ChoriaEvent evt, DateTimeOffset storedAt)
        {
            var batch = new IngestBatch(1);
            batch.Add(evt, Subject, storedAt, replayed: true);
            return Store.EnqueueAsync(batch, CancellationToken.None);
        }

        public ValueTask EnqueueAsync(ChoriaEvent evt) =>
            Store.EnqueueAsync(evt, Subject, Time.GetUtcNow(), CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await Store.StopAsync(CancellationToken.None);
            Store.Dispose();
        }
    }
}
