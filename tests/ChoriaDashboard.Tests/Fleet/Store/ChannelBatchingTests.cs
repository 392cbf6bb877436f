using System.Threading.Channels;
using ChoriaDashboard.Fleet;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class ChannelBatchingTests
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    /// <summary>Wall-clock bound for steps that should complete promptly; never a fixed sleep.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private readonly Channel<int> _channel = Channel.CreateUnbounded<int>();

    [Fact]
    public async Task GetBatchesAsync_ItemsWrittenBeforeReading_ComeAsOneBatch()
    {
        WriteAll(1, 2, 3, 4, 5);
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time).GetAsyncEnumerator();

        Assert.True(await NextAsync(batches));
        Assert.Equal([1, 2, 3, 4, 5], batches.Current);
    }

    [Fact]
    public async Task GetBatchesAsync_ItemsArrivingSoonAfter_WaitForTheIntervalThenComeTogether()
    {
        WriteAll(1);
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));
        var first = batches.Current;

        var second = batches.MoveNextAsync().AsTask();
        WriteAll(2, 3);
        _time.Advance(Interval - TimeSpan.FromMilliseconds(1));
        Assert.False(second.IsCompleted, "a second batch came before the interval had passed");

        WriteAll(4);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await second.WaitAsync(Timeout));
        Assert.Equal([2, 3, 4], batches.Current);
        Assert.Equal([1], first);
    }

    [Fact]
    public async Task GetBatchesAsync_ReaderSlowerThanTheInterval_IsNotDelayedFurther()
    {
        WriteAll(1);
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));

        // The reader spent the whole interval on the first batch: the next one is due at once.
        _time.Advance(Interval);
        WriteAll(2);

        Assert.True(await NextAsync(batches));
        Assert.Equal([2], batches.Current);
    }

    [Fact]
    public async Task GetBatchesAsync_EmptyChannel_WaitsForTheFirstItem()
    {
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time).GetAsyncEnumerator();

        var first = batches.MoveNextAsync().AsTask();
        Assert.False(first.IsCompleted);

        WriteAll(7);
        Assert.True(await first.WaitAsync(Timeout));
        Assert.Equal([7], batches.Current);
    }

    [Fact]
    public async Task GetBatchesAsync_ChannelCompletes_DeliversTheRestThenEnds()
    {
        WriteAll(1, 2);
        _channel.Writer.Complete();
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time).GetAsyncEnumerator();

        Assert.True(await NextAsync(batches));
        Assert.Equal([1, 2], batches.Current);

        var end = batches.MoveNextAsync().AsTask();
        _time.Advance(Interval);
        Assert.False(await end.WaitAsync(Timeout));
    }

    [Fact]
    public async Task GetBatchesAsync_ChannelCompletesWhileWaiting_Ends()
    {
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time).GetAsyncEnumerator();
        var next = batches.MoveNextAsync().AsTask();

        _channel.Writer.Complete();

        Assert.False(await next.WaitAsync(Timeout));
    }

    [Fact]
    public async Task GetBatchesAsync_ChannelCompletesWithError_SurfacesTheError()
    {
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time).GetAsyncEnumerator();
        var next = batches.MoveNextAsync().AsTask();

        _channel.Writer.Complete(new InvalidOperationException("writer failed"));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => next.WaitAsync(Timeout));
        Assert.Equal("writer failed", error.Message);
    }

    [Fact]
    public async Task GetBatchesAsync_CancelledWhileWaitingForItems_Throws()
    {
        using var cts = new CancellationTokenSource();
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time, cts.Token).GetAsyncEnumerator();
        var next = batches.MoveNextAsync().AsTask();

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Timeout));
    }

    [Fact]
    public async Task GetBatchesAsync_CancelledWhileWaitingForTheInterval_Throws()
    {
        using var cts = new CancellationTokenSource();
        WriteAll(1);
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time, cts.Token).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));
        WriteAll(2);
        var next = batches.MoveNextAsync().AsTask();
        Assert.False(next.IsCompleted);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next.WaitAsync(Timeout));
    }

    [Fact]
    public async Task GetBatchesAsync_AlreadyCancelled_ThrowsWithoutReading()
    {
        WriteAll(1);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var batch in _channel.Reader.GetBatchesAsync(Interval, _time, cts.Token))
            {
                Assert.Fail($"read a batch of {batch.Count} after cancellation");
            }
        });
        Assert.True(_channel.Reader.TryRead(out var left));
        Assert.Equal(1, left);
    }

    [Fact]
    public async Task GetBatchesAsync_SteadyStream_YieldsOneBatchPerIntervalWithEverythingWrittenMeanwhile()
    {
        WriteAll(0);
        await using var batches = _channel.Reader.GetBatchesAsync(Interval, _time).GetAsyncEnumerator();
        Assert.True(await NextAsync(batches));
        var received = new List<int>(batches.Current);

        for (var interval = 1; interval <= 10; interval++)
        {
            var next = batches.MoveNextAsync().AsTask();
            for (var i = 0; i < 5; i++)
            {
                WriteAll((interval * 10) + i);
                _time.Advance(Interval / 5 - TimeSpan.FromTicks(1));
                Assert.False(next.IsCompleted, $"a batch came early in interval {interval}");
            }

            _time.Advance(TimeSpan.FromTicks(5));
            Assert.True(await next.WaitAsync(Timeout));
            Assert.Equal(Enumerable.Range(interval * 10, 5), batches.Current);
            received.AddRange(batches.Current);
        }

        Assert.Equal(51, received.Count);
    }

    private void WriteAll(params int[] items)
    {
        foreach (var item in items)
        {
            Assert.True(_channel.Writer.TryWrite(item));
        }
    }

    private static async Task<bool> NextAsync(IAsyncEnumerator<IReadOnlyList<int>> batches) =>
        await batches.MoveNextAsync().AsTask().WaitAsync(Timeout);
}
