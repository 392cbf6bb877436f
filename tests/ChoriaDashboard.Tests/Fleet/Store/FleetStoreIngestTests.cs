using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Fleet.FleetStoreTestKit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>Events enqueued to the store: applied in batches, counted, capped (nodes, components, watchers), and judged by the periodic liveness sweep.</summary>
public sealed class FleetStoreIngestTests
{
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
    public async Task FleetStore_ComponentAndWatcherCapsReached_CountsEachRejectionByReasonAndKnownOnesKeepUpdating()
    {
        await using var fixture = await StoreFixture.StartAsync(o =>
        {
            o.MaxComponents = 1;
            o.MaxWatchers = 1;
        });
        using var subscription = fixture.Store.Subscribe();

        await fixture.EnqueueAsync(Ev.Alive("n1", "1.0.0", "app_a"));
        await fixture.EnqueueAsync(Ev.Alive("n1", "1.0.0", "app_b"));
        await fixture.EnqueueAsync(Ev.Nagios("n1", "check_disk", "check", 0));
        await fixture.EnqueueAsync(Ev.Nagios("n2", "check_load", "check", 2));
        await fixture.EnqueueAsync(Ev.Nagios("n1", "check_disk", "check", 2));

        var batch = await ReadUntilAsync(subscription, b => b.Summary.Health.Critical == 1);

        Assert.Equal(1, fixture.Stats.RejectedByReason[RejectionReason.TooManyComponents]);
        Assert.Equal(1, fixture.Stats.RejectedByReason[RejectionReason.FleetFull]);
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 3, TimeSpan.FromSeconds(10), "the three events within the caps counted as accepted");
        Assert.Equal(["app_a"], batch.Summary.Components.Select(c => c.Component));
        Assert.Equal((0, 1), (batch.Summary.Health.Ok, batch.Summary.Health.Critical));
        Assert.False(fixture.Store.Machines.ContainsKey("n2"));
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
}
