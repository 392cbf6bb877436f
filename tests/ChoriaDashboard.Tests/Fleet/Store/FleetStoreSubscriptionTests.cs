using ChoriaDashboard.Fleet.Model;
using Xunit;
using static ChoriaDashboard.Tests.Fleet.FleetStoreTestKit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>The store's stream of updates: a subscription starts from a snapshot, one that falls behind gets a fresh snapshot, a disposed one is removed.</summary>
public sealed class FleetStoreSubscriptionTests
{
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
        Assert.Equal(2, fixture.Store.FleetSubscriptions);
        Assert.True(fixture.Store.FleetSubscriptionLags > 0);
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
        Assert.Equal(1, fixture.Store.FleetSubscriptions);

        subscription.Dispose();

        Assert.Equal(0, fixture.Store.FleetSubscriptions);
        Assert.True(subscription.IsDisposed);
        Assert.False(await subscription.WaitToReadAsync());
    }
}
