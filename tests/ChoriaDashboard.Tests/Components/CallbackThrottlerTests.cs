using ChoriaDashboard.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace ChoriaDashboard.Tests.Components;

/// <summary>The one throttle of costly page recomputations: at most once per interval, the last request never lost.</summary>
public sealed class CallbackThrottlerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private int _runs;

    [Fact]
    public async Task Execute_First_RunsAtOnce()
    {
        using var throttler = Throttler(TimeSpan.FromSeconds(1));

        await throttler.ExecuteAsync().WaitAsync(Timeout);

        Assert.Equal(1, _runs);
        Assert.False(throttler.Pending);
    }

    [Fact]
    public async Task Execute_ManyRequestsWithinTheInterval_FoldIntoOneRunAfterIt()
    {
        using var throttler = Throttler(TimeSpan.FromSeconds(1));
        await throttler.ExecuteAsync().WaitAsync(Timeout);

        var pending = throttler.ExecuteAsync();
        for (var i = 0; i < 10; i++)
        {
            _ = throttler.ExecuteAsync();
        }

        Assert.True(throttler.Pending);
        Assert.Equal(1, _runs);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(pending.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await pending.WaitAsync(Timeout);
        Assert.Equal(2, _runs);
        Assert.False(throttler.Pending);
    }

    [Fact]
    public async Task Execute_CostlyCallback_WaitsAFactorOfItsCost()
    {
        using var throttler = new CallbackThrottler(_time, () =>
        {
            _runs++;
            _time.Advance(TimeSpan.FromMilliseconds(100)); // the work takes 100 ms of the clock
            return Task.CompletedTask;
        }, NullLogger.Instance, TimeSpan.FromMilliseconds(10), costFactor: 4);
        await throttler.ExecuteAsync().WaitAsync(Timeout);
        Assert.Equal(TimeSpan.FromMilliseconds(400), throttler.Interval);

        var next = throttler.ExecuteAsync();
        _time.Advance(TimeSpan.FromMilliseconds(399));
        Assert.False(next.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await next.WaitAsync(Timeout);
        Assert.Equal(2, _runs);
    }

    [Fact]
    public async Task Execute_RequestsWhileARunWorks_NeverASecondRunAtOnceThenOneAfterTheInterval()
    {
        var working = new TaskCompletionSource();
        var running = 0;
        var mostAtOnce = 0;
        using var throttler = new CallbackThrottler(_time, async () =>
        {
            mostAtOnce = Math.Max(mostAtOnce, Interlocked.Increment(ref running));
            _runs++;
            if (_runs == 1)
            {
                await working.Task.ConfigureAwait(false);
            }

            Interlocked.Decrement(ref running);
        }, NullLogger.Instance, TimeSpan.FromSeconds(1));

        var first = throttler.ExecuteAsync();
        for (var i = 0; i < 5; i++)
        {
            // A page under load asks again and again while its list is being recomputed.
            await throttler.ExecuteAsync().WaitAsync(Timeout);
        }

        Assert.Equal(1, _runs);

        // Finished off the test framework's synchronization context, where continuations run inline: the follow-up run
        // is scheduled on the clock before the test moves it on.
        await Task.Run(working.SetResult);
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, _runs);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        await first.WaitAsync(Timeout);
        Assert.Equal(2, _runs);
        Assert.Equal(1, mostAtOnce);
        Assert.False(throttler.Pending);
    }

    [Fact]
    public async Task Execute_CallbackThrows_LoggedAndTheNextRequestRunsAgain()
    {
        var calls = 0;
        var logger = new ListLogger();
        using var throttler = new CallbackThrottler(_time, () => ++calls == 1 ? throw new InvalidOperationException("boom") : Task.CompletedTask, logger, TimeSpan.Zero);

        await throttler.ExecuteAsync().WaitAsync(Timeout);
        await throttler.ExecuteAsync().WaitAsync(Timeout);

        Assert.Equal(2, calls);
        var (level, message, exception) = Assert.Single(logger.Entries);
        Assert.Equal((LogLevel.Error, "A throttled recomputation failed", "boom"), (level, message, exception?.Message));
    }

    [Fact]
    public async Task Dispose_WhileARunWaits_TheRunNeverHappens()
    {
        var throttler = Throttler(TimeSpan.FromSeconds(1));
        await throttler.ExecuteAsync().WaitAsync(Timeout);
        var pending = throttler.ExecuteAsync();

        throttler.Dispose();
        _time.Advance(TimeSpan.FromSeconds(2));

        await pending.WaitAsync(Timeout);
        Assert.Equal(1, _runs);
    }

    private CallbackThrottler Throttler(TimeSpan minInterval) => new(_time, () =>
    {
        _runs++;
        return Task.CompletedTask;
    }, NullLogger.Instance, minInterval);

    /// <summary>Keeps what is logged, to show a failure is said and not swallowed.</summary>
    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, string Message, Exception? Exception)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, formatter(state, exception), exception));
    }
}
