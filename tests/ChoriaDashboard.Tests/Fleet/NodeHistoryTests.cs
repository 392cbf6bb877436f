using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NodeHistoryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static NodeHistoryEntry Entry(int i) => new(T0.AddSeconds(i), LifecycleEventType.Alive, WireFormat.Legacy, $"v{i}");

    [Theory]
    [InlineData(1, 5)]
    [InlineData(4, 3)]
    [InlineData(4, 100)]
    [InlineData(32, 1000)]
    public void Append_ManyEvents_KeepsTheNewestInOrder(int limit, int events)
    {
        var history = NodeHistory.Empty;
        for (var i = 0; i < events; i++)
        {
            history = history.Append(Entry(i), limit);
        }

        var expected = Enumerable.Range(Math.Max(0, events - limit), Math.Min(events, limit)).Select(Entry);
        Assert.Equal(expected, history);
        Assert.Equal(Math.Min(events, limit), history.Count);
        Assert.Equal(Entry(events - 1), history[^1]);
    }

    [Fact]
    public void Append_OlderSnapshotsOfTheSameNode_NeverChange()
    {
        // Readers hold older snapshots while the writer appends: what they see must stay as it was.
        var views = new List<(NodeHistory View, NodeHistoryEntry[] Seen)>();
        var history = NodeHistory.Empty;
        for (var i = 0; i < 200; i++)
        {
            history = history.Append(Entry(i), 8);
            views.Add((history, history.ToArray()));
        }

        Assert.All(views, v => Assert.Equal(v.Seen, v.View));
    }

    [Fact]
    public void Append_ZeroLimit_KeepsNothing()
    {
        var history = NodeHistory.Empty.Append(Entry(1), 0);

        Assert.Empty(history);
        Assert.Throws<ArgumentOutOfRangeException>(() => history[0]);
    }

    [Fact]
    public void Entry_ReceivedAt_RoundTripsAsUtc()
    {
        var local = new DateTimeOffset(2026, 11, 25, 10, 30, 0, TimeSpan.FromHours(2));

        var entry = new NodeHistoryEntry(local, LifecycleEventType.Startup, WireFormat.CloudEventBinary, "0.29.4");

        Assert.Equal(local, entry.ReceivedAt);
        Assert.Equal(TimeSpan.Zero, entry.ReceivedAt.Offset);
    }
}
