using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Store;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Fleet.Feed;

public sealed class EventFeedTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Subscribe_AfterEvents_GetsTheNewestAsRecentThenEveryNewOne()
    {
        var feed = new EventFeed(length: 3, subscriberBuffer: 16);
        for (var i = 0; i < 5; i++)
        {
            feed.Publish(At, Alive($"n{i}"), "s", 0);
        }

        using var subscription = feed.Subscribe();
        feed.Publish(At, Alive("n5"), "s", 42);

        Assert.Equal(["n2", "n3", "n4"], subscription.Recent.Select(e => e.Identity));
        Assert.True(subscription.Events.TryRead(out var next));
        Assert.Equal(("n5", 6L, 42L), (next.Identity, next.Sequence, next.RawId));
    }

    [Fact]
    public void Publish_SubscriberNeverReads_WriterGoesOnAndDropsAreCounted()
    {
        var feed = new EventFeed(length: 10, subscriberBuffer: 4);
        using var slow = feed.Subscribe();
        using var fast = feed.Subscribe();
        var readByFast = 0;

        // Synchronous on purpose: if Publish could wait for the slow subscriber, this loop would never finish.
        for (var i = 0; i < 1000; i++)
        {
            feed.Publish(At, Alive($"n{i}"), "s", 0);
            while (fast.Events.TryRead(out _))
            {
                readByFast++;
            }
        }

        Assert.Equal(1000, feed.Published);
        Assert.Equal(996, slow.Dropped);
        Assert.Equal(0, fast.Dropped);
        Assert.Equal(1000, readByFast);
    }

    [Fact]
    public void Dispose_Subscription_IsNoLongerFed()
    {
        var feed = new EventFeed(length: 10, subscriberBuffer: 4);
        var subscription = feed.Subscribe();
        Assert.Equal(1, feed.SubscriberCount);

        subscription.Dispose();
        feed.Publish(At, Alive("n1"), "s", 0);

        Assert.Equal(0, feed.SubscriberCount);
        Assert.False(subscription.Events.TryRead(out _));
    }

    [Fact]
    public void TailEvent_Shapes_ReadAsTheTailShowsThem()
    {
        var feed = new EventFeed(length: 10, subscriberBuffer: 16);
        feed.Publish(At, Upgraded("n1", "0.29.3", "0.29.4"), "s", 0);
        feed.Publish(At, Transition("n1", "app", "idle", "running", "start"), "s", 0);
        feed.Publish(At, Nagios("n1", "check_disk", 2, "DISK CRITICAL - / 97%\nmore"), "s", 0);

        var rows = feed.Subscribe().Recent;

        Assert.Equal(("upgraded", "provision_mode_server", "0.29.3 → 0.29.4"), (rows[0].Type, rows[0].Component, rows[0].Detail));
        Assert.Equal(("transition", "app", "idle → running (start)"), (rows[1].Type, rows[1].Component, rows[1].Detail));
        Assert.Equal(("state", "check_disk"), (rows[2].Type, rows[2].Component));
        Assert.EndsWith(" DISK CRITICAL - / 97%", rows[2].Detail, StringComparison.Ordinal);
    }
}
