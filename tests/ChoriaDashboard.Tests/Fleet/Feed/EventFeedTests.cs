using ChoriaDashboard.Fleet.Store;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Tests.Fleet.Feed;

/// <summary>The ring of recent accepted events a live tail shows when it opens.</summary>
public sealed class EventFeedTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Recent_MoreEventsThanTheRing_NewestOldestFirstNumberedInOrder()
    {
        var feed = new EventFeed(length: 3);
        for (var i = 0; i < 5; i++)
        {
            feed.Publish(At, Alive($"n{i}"), "s", i);
        }

        var recent = feed.Recent();

        Assert.Equal(["n2", "n3", "n4"], recent.Select(e => e.Identity));
        Assert.Equal([3L, 4L, 5L], recent.Select(e => e.Sequence));
        Assert.Equal(4L, recent[^1].RawId);
        Assert.Equal(5, feed.Published);
    }

    [Fact]
    public void Publish_NoRing_StillNumbersEvents()
    {
        var feed = new EventFeed(length: 0);

        var entry = feed.Publish(At, Alive("n1"), "s", 0);

        Assert.Equal(1, entry.Sequence);
        Assert.Empty(feed.Recent());
    }

    [Fact]
    public void TailEvent_Shapes_ReadAsTheTailShowsThem()
    {
        var feed = new EventFeed(length: 10);
        feed.Publish(At, Upgraded("n1", "0.29.3", "0.29.4"), "s", 0);
        feed.Publish(At, Transition("n1", "app", "idle", "running", "start"), "s", 0);
        feed.Publish(At, Nagios("n1", "check_disk", 2, "DISK CRITICAL - / 97%\nmore"), "s", 0);

        var rows = feed.Recent();

        Assert.Equal(("upgraded", "provision_mode_server", "0.29.3 → 0.29.4"), (rows[0].Type, rows[0].Component, rows[0].Detail));
        Assert.Equal(("transition", "app", "idle → running (start)"), (rows[1].Type, rows[1].Component, rows[1].Detail));
        Assert.Equal(("state", "check_disk"), (rows[2].Type, rows[2].Component));
        Assert.EndsWith(" DISK CRITICAL - / 97%", rows[2].Detail, StringComparison.Ordinal);
    }
}
