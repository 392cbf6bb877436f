using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class NodeActivityTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static readonly string[] Details = ["0.29.4", "0.29.5", "0.28.0 → 0.29.4", "1.0.0-rc1", "0.30.0"];

    /// <summary>Entry number <paramref name="i"/>: every field follows from the number, so a torn read shows.</summary>
    private static NodeHistoryEntry Entry(long i) =>
        new(T0.AddTicks(i), i % 2 == 0 ? LifecycleEventType.Alive : LifecycleEventType.Startup, (WireFormat)(i % 3), Details[i % Details.Length]);

    private static long NumberOf(NodeHistoryEntry entry) => entry.ReceivedAt.UtcTicks - T0.UtcTicks;

    private static NodeActivity NewActivity() => new(T0, LifecycleEventType.Startup, new HistoryDetails(100));

    private static NodeActivity Recorded(int limit, int events)
    {
        var activity = NewActivity();
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
        var activity = NewActivity();
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
    public void Record_DetailTableFull_KeepsTheEntryWithoutItsDetail()
    {
        var activity = new NodeActivity(T0, LifecycleEventType.Startup, new HistoryDetails(2));

        activity.Record(T0, new NodeHistoryEntry(T0, LifecycleEventType.Startup, WireFormat.Legacy, "0.29.4"), 8);
        activity.Record(T0.AddMinutes(1), new NodeHistoryEntry(T0.AddMinutes(1), LifecycleEventType.Upgraded, WireFormat.Legacy, "0.29.4 → 0.29.5"), 8);
        activity.Record(T0.AddMinutes(2), new NodeHistoryEntry(T0.AddMinutes(2), LifecycleEventType.Startup, WireFormat.CloudEventBinary, "0.29.5"), 8);
        activity.Record(T0.AddMinutes(3), new NodeHistoryEntry(T0.AddMinutes(3), LifecycleEventType.Alive, WireFormat.Legacy, "0.29.4"), 8);

        Assert.Equal(["0.29.4", "0.29.4 → 0.29.5", null, "0.29.4"], activity.History.Select(h => h.Detail));
        Assert.Equal(
            (T0.AddMinutes(2), LifecycleEventType.Startup, WireFormat.CloudEventBinary),
            (activity.History[2].ReceivedAt, activity.History[2].Type, activity.History[2].Format));
    }

    [Fact]
    public void HistoryDetails_SameDetail_GetsOneNumberAndReadsBack()
    {
        var details = new HistoryDetails(100);

        var numbers = Enumerable.Range(0, 50).Select(i => details.NumberOf($"0.{i % 10}.0")).ToArray();

        Assert.Equal(10, details.Count);
        Assert.Equal(10, numbers.Distinct().Count());
        Assert.All(Enumerable.Range(0, 50), i => Assert.Equal($"0.{i % 10}.0", details[numbers[i]]));
        Assert.Equal(0, details.NumberOf(null));
        Assert.Null(details[0]);
        Assert.Equal(0, HistoryDetails.None.NumberOf("0.29.4"));
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
        var activity = NewActivity();
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

        var newest = NumberOf(history[^1]);
        if (history.Count != Math.Min(limit, newest + 1))
        {
            return $"{history.Count} entries ending at {newest} with limit {limit}";
        }

        for (var i = 0; i < history.Count; i++)
        {
            var entry = history[i];
            var number = NumberOf(entry);
            if (entry != Entry(number))
            {
                return $"torn entry {entry}";
            }

            if (i > 0 && number != NumberOf(history[i - 1]) + 1)
            {
                return $"gap before {entry}";
            }
        }

        return newest + 1 < before || newest + 1 > after ? $"newest {newest} outside the counts {before}..{after} seen around the read" : null;
    }
}
