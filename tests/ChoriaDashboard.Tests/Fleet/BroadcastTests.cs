using ChoriaDashboard.Fleet;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>
/// The one fan-out behind every subscription: a snapshot to start from, every item while a reader keeps up, a fresh
/// snapshot instead of a backlog when it falls behind, batches at most once per interval, and a publisher that never waits.
/// </summary>
public sealed class BroadcastTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Wall-clock bound for steps that should complete promptly; never a fixed sleep.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly Broadcast<string> _broadcast;
    private int _published;

    public BroadcastTests() => _broadcast = new Broadcast<string>((tag, lagged) => $"snapshot@{_published}" + (tag is null ? "" : $"/{tag}") + (lagged ? "!" : ""));

    [Fact]
    public void Subscribe_StartsFromTheSnapshotOfNowForItsTag()
    {
        PublishAll("1", "2");

        using var plain = _broadcast.Subscribe(16);
        using var tagged = _broadcast.Subscribe(16, "events");

        Assert.Equal("snapshot@2", plain.Initial);
        Assert.Equal("snapshot@2/events", tagged.Initial);
        Assert.True(_broadcast.Any(t => t is "events"));
        Assert.False(_broadcast.Any(t => t is "other"));
    }

    [Fact]
    public async Task ReadBatchesAsync_ItemsPublishedBeforeReading_ComeAsOneBatch()
    {
        using var subscription = _broadcast.Subscribe(16);
        PublishAll("1", "2", "3");
        await using var batches = subscription.ReadBatchesAsync(Interval, _time).GetAsyncEnumerator();

        Assert.True(await NextAsync(batches));
        Assert.Equal(["1", "2", "3"], batches.Current);
    }

    [Fact]
    public async Task ReadBatchesAsync_ItemsArrivingSoonAfter_WaitForTheIntervalThenComeTogether()
    {
        using var subscription = _broadcast.Subscribe(16);
        PublishAll("1");
        await using var batches = subscription.ReadBatchesAsync(Interval, _time).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));

        var second = batches.MoveNextAsync().AsTask();
        PublishAll("2", "3");
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.False(second.IsCompleted, "a second batch came before the interval had passed");

        PublishAll("4");
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await second.WaitAsync(Timeout));
        Assert.Equal(["2", "3", "4"], batches.Current);
    }

    [Fact]
    public async Task ReadBatchesAsync_ReaderSlowerThanTheInterval_IsNotDelayedFurther()
    {
        using var subscription = _broadcast.Subscribe(16);
        PublishAll("1");
        await using var batches = subscription.ReadBatchesAsync(Interval, _time).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));

        // The reader spent the whole interval on the first batch: the next one is due at once.
        _time.Advance(Interval);
        PublishAll("2");

        Assert.True(await NextAsync(batches));
        Assert.Equal(["2"], batches.Current);
    }

    [Fact]
    public async Task ReadBatchesAsync_SteadyStream_YieldsOneBatchPerIntervalWithEverythingPublishedMeanwhile()
    {
        using var subscription = _broadcast.Subscribe(1024);
        PublishAll("0");
        await using var batches = subscription.ReadBatchesAsync(Interval, _time).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));
        var received = new List<string>(batches.Current);

        for (var interval = 1; interval <= 10; interval++)
        {
            var next = batches.MoveNextAsync().AsTask();
            for (var i = 0; i < 5; i++)
            {
                PublishAll($"{interval}.{i}");
                _time.Advance(Interval / 5 - TimeSpan.FromTicks(1));
                Assert.False(next.IsCompleted, $"a batch came early in interval {interval}");
            }

            _time.Advance(TimeSpan.FromTicks(5));
            Assert.True(await next.WaitAsync(Timeout));
            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"{interval}.{i}"), batches.Current);
            received.AddRange(batches.Current);
        }

        Assert.Equal(51, received.Count);
    }

    [Fact]
    public async Task ReadBatchesAsync_ReaderFellBehind_GetsTheSnapshotAloneThenItemsAgain()
    {
        using var slow = _broadcast.Subscribe(4);
        using var fast = _broadcast.Subscribe(1024);

        // Synchronous on purpose: if Publish could wait for the slow subscriber, this loop would never finish.
        for (var i = 0; i < 1000; i++)
        {
            PublishAll($"{i}");
        }

        await using var batches = slow.ReadBatchesAsync(Interval, _time).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));
        Assert.Equal(["snapshot@1000!"], batches.Current);
        Assert.Equal(1, slow.Lags);
        Assert.Equal(0, fast.Lags);
        Assert.Equal(1, _broadcast.Lags);

        var next = batches.MoveNextAsync().AsTask();
        PublishAll("after");
        _time.Advance(Interval);
        Assert.True(await next.WaitAsync(Timeout));
        Assert.Equal(["after"], batches.Current);
    }

    [Fact]
    public async Task ReadAsync_ReaderFellBehind_SnapshotThenItems()
    {
        using var subscription = _broadcast.Subscribe(2);
        PublishAll("1", "2", "3");

        Assert.Equal("snapshot@3!", await subscription.ReadAsync().AsTask().WaitAsync(Timeout));
        PublishAll("4");
        Assert.Equal("4", await subscription.ReadAsync().AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task Subscribe_WithAWeightBudget_FallsBehindWhenTheWeightNotTheCountIsTooMuch()
    {
        // Items weigh their length: a budget of 10 holds "aaaa" and "bbbb" but not "cccccc" besides.
        using var weighed = _broadcast.Subscribe(1024, weight: s => s.Length, maxWeight: 10);
        PublishAll("aaaa", "bbbb");
        Assert.Equal(0, weighed.Lags);

        PublishAll("cccccc");

        Assert.Equal(1, weighed.Lags);
        Assert.Equal("snapshot@3!", await weighed.ReadAsync().AsTask().WaitAsync(Timeout));

        // Read as it comes, a budget never runs out; and one item always fits, whatever it weighs.
        PublishAll("dddddddddddddddd");
        Assert.Equal("dddddddddddddddd", await weighed.ReadAsync().AsTask().WaitAsync(Timeout));
        PublishAll("eeee", "ffff");
        Assert.Equal("eeee", await weighed.ReadAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal("ffff", await weighed.ReadAsync().AsTask().WaitAsync(Timeout));
        Assert.Equal(1, weighed.Lags);
    }

    [Fact]
    public async Task ReadAllAsync_PublisherRacingASlowReader_ConsecutiveItemsAndGapsOnlyBeforeASnapshot()
    {
        // As the store does: the state moves first, then the item goes out; a snapshot says how far the state was.
        const int Items = 200_000;
        long state = 0;
        var broadcast = new Broadcast<string>((_, lagged) => $"s{Volatile.Read(ref state)}");
        using var subscription = broadcast.Subscribe(16);
        var publisher = Task.Run(() =>
        {
            for (long i = 1; i <= Items; i++)
            {
                Volatile.Write(ref state, i);
                broadcast.Publish($"{i}");
            }
        });

        long last = 0;
        var snapshots = 0;
        var afterSnapshot = false;
        using var cts = new CancellationTokenSource(Timeout);
        await foreach (var item in subscription.ReadAllAsync(cts.Token))
        {
            if (item[0] == 's')
            {
                var at = long.Parse(item[1..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(at >= last, $"a snapshot went back from {last} to {at}");
                (last, afterSnapshot) = (at, true);
                snapshots++;
            }
            else
            {
                var value = long.Parse(item, System.Globalization.CultureInfo.InvariantCulture);
                // After a snapshot the next item may be the one the snapshot already counted; otherwise each follows on.
                Assert.True(afterSnapshot ? value >= last : value == last + 1, $"item {value} after {last}{(afterSnapshot ? " (snapshot)" : "")}");
                (last, afterSnapshot) = (Math.Max(last, value), false);
            }

            if (last == Items)
            {
                break;
            }
        }

        await publisher.WaitAsync(Timeout);
        Assert.Equal(Items, last);
        Assert.Equal(subscription.Lags, snapshots);
    }

    [Fact]
    public async Task Dispose_WhileWaiting_EndsTheReadAndUnsubscribes()
    {
        var subscription = _broadcast.Subscribe(16);
        await using var batches = subscription.ReadBatchesAsync(Interval, _time).GetAsyncEnumerator();
        var next = batches.MoveNextAsync().AsTask();
        Assert.Equal(1, _broadcast.Count);

        subscription.Dispose();
        PublishAll("ignored");

        Assert.False(await next.WaitAsync(Timeout));
        Assert.Equal(0, _broadcast.Count);
        Assert.True(subscription.IsDisposed);
    }

    [Fact]
    public async Task ReadBatchesAsync_CancelledWhileWaitingForTheInterval_Throws()
    {
        using var cts = new CancellationTokenSource();
        using var subscription = _broadcast.Subscribe(16);
        PublishAll("1");
        await using var batches = subscription.ReadBatchesAsync(Interval, _time, cts.Token).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));
        PublishAll("2");
        var next = batches.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Timeout));
    }

    private void PublishAll(params string[] items)
    {
        foreach (var item in items)
        {
            _published++;
            _broadcast.Publish(item);
        }
    }

    private static async Task<bool> NextAsync(IAsyncEnumerator<IReadOnlyList<string>> batches) =>
        await batches.MoveNextAsync().AsTask().WaitAsync(Timeout);
}
