using System.Globalization;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NodeActivityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static NodeHistoryEntry Entry(long i) =>
        new(T0.AddTicks(i), i % 2 == 0 ? LifecycleEventType.Alive : LifecycleEventType.Startup, WireFormat.Legacy, i.ToString(CultureInfo.InvariantCulture));

    private static NodeActivity Recorded(int limit, int events)
    {
        var activity = new NodeActivity(T0, LifecycleEventType.Startup);
        for (var i = 0; i < events; i++)
        {
            activity.Record(T0.AddSeconds(i), Entry(i), limit);
        }

        return activity;
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(4, 3)]
    [InlineData(4, 100)]
    [InlineData(5, 9)]
    [InlineData(32, 33)]
    [InlineData(32, 1000)]
    public void Record_ManyEvents_KeepsTheNewestInOrder(int limit, int events)
    {
        var activity = Recorded(limit, events);

        var history = activity.History;
        var expected = Enumerable.Range(Math.Max(0, events - limit), Math.Min(events, limit)).Select(i => Entry(i));
        Assert.Equal(expected, history);
        Assert.Equal(Math.Min(events, limit), history.Count);
        Assert.Equal(Entry(events - 1), history[^1]);
        Assert.Equal(T0.AddSeconds(events - 1), activity.LastSeen);
        Assert.Equal(Entry(events - 1).Type, activity.LastEvent);
        Assert.Equal(events, activity.Recorded);
    }

    [Fact]
    public void History_ReadBeforeMoreEvents_NeverChanges()
    {
        // A page holding a history it read must not see it change under it, however many events follow.
        var activity = new NodeActivity(T0, LifecycleEventType.Startup);
        var views = new List<(NodeHistory View, NodeHistoryEntry[] Seen)>();
        for (var i = 0; i < 200; i++)
        {
            activity.Record(T0.AddSeconds(i), Entry(i), 8);
            var view = activity.History;
            views.Add((view, view.ToArray()));
        }

        Assert.All(views, v => Assert.Equal(v.Seen, v.View));
    }

    [Fact]
    public void Record_ZeroLimit_KeepsNoHistoryButMovesLastSeen()
    {
        var activity = Recorded(0, 3);

        Assert.Empty(activity.History);
        Assert.Throws<ArgumentOutOfRangeException>(() => activity.History[0]);
        Assert.Equal(T0.AddSeconds(2), activity.LastSeen);
    }

    [Fact]
    public void LastSeen_LocalOffset_ReadsBackAsTheSameInstantInUtc()
    {
        var local = new DateTimeOffset(2026, 11, 25, 10, 30, 0, TimeSpan.FromHours(2));

        var activity = new NodeActivity(local, LifecycleEventType.Startup);

        Assert.Equal(local, activity.LastSeen);
        Assert.Equal(TimeSpan.Zero, activity.LastSeen.Offset);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4)]
    [InlineData(32)]
    public async Task History_ReadWhileTheWriterRecords_IsAlwaysAConsistentRunOfTheNewest(int limit)
    {
        // One writer records as fast as it can while readers copy the history. A small limit makes the ring wrap
        // constantly, so a reader that did not detect being overtaken would see a torn entry or a gap.
        const int minimumEvents = 300_000;
        const int minimumReads = 2_000;
        var activity = new NodeActivity(T0, LifecycleEventType.Startup);
        using var done = new CancellationTokenSource();
        using var started = new CountdownEvent(2);
        var reads = 0L;
        var problems = new List<string>();

        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            started.Signal();
            while (!done.IsCancellationRequested)
            {
                var before = activity.Recorded;
                var history = activity.History;
                var after = activity.Recorded;
                Interlocked.Increment(ref reads);
                var problem = Check(history, before, after, limit);
                if (problem is not null)
                {
                    lock (problems)
                    {
                        problems.Add(problem);
                    }

                    return;
                }
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        // The writer goes on until the readers have read often enough while it wrote (or one found a problem).
        var recorded = await Task.Factory.StartNew(() =>
        {
            Assert.True(started.Wait(TimeSpan.FromSeconds(30)), "the readers did not start");
            var i = 0L;
            while ((i < minimumEvents || Interlocked.Read(ref reads) < minimumReads) && readers.All(r => !r.IsCompleted) && i < 500_000_000)
            {
                activity.Record(T0.AddTicks(i), Entry(i), limit);
                i++;
            }

            return i;
        }, TaskCreationOptions.LongRunning);
        await done.CancelAsync();
        await Task.WhenAll(readers);

        Assert.Empty(problems);
        Assert.True(Interlocked.Read(ref reads) >= minimumReads, $"only {reads} reads overlapped the writer");
        Assert.Equal(Entry(recorded - 1), activity.History[^1]);
    }

    /// <summary>What is wrong with a history read between counts <paramref name="before"/> and <paramref name="after"/>, or null.</summary>
    private static string? Check(NodeHistory history, long before, long after, int limit)
    {
        if (history.Count == 0)
        {
            return before == 0 ? null : $"no entries after {before} were recorded";
        }

        var newest = long.Parse(history[^1].Detail!, CultureInfo.InvariantCulture);
        if (history.Count != Math.Min(limit, newest + 1))
        {
            return $"{history.Count} entries ending at {newest} with limit {limit}";
        }

        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            var seq = long.Parse(entry.Detail!, CultureInfo.InvariantCulture);
            if (entry != Entry(seq))
            {
                return $"torn entry {entry}";
            }

            if (i > 0 && seq != long.Parse(history[i - 1].Detail!, CultureInfo.InvariantCulture) + 1)
            {
                return $"gap before {entry}";
            }
        }

        return newest + 1 < before || newest + 1 > after ? $"newest {newest} outside the counts {before}..{after} seen around the read" : null;
    }
}
