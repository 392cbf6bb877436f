using Microsoft.Extensions.Time.Testing;

namespace ChoriaDashboard.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> whose wall clock can also be stepped on its own, backwards or forwards, as NTP or an
/// operator steps a real one: <see cref="StepWallClock"/> moves only <see cref="GetUtcNow"/>, while the monotonic
/// timestamps and the timers keep following the fake (<see cref="FakeTimeProvider.Advance(TimeSpan)"/> moves both).
/// FakeTimeProvider alone cannot: its timestamp is its wall clock's ticks, and it never goes back.
/// </summary>
public sealed class SteppingTimeProvider(FakeTimeProvider inner) : TimeProvider
{
    private long _wallOffsetTicks;

    /// <summary>The fake underneath: advancing it moves the wall clock, the timestamps and the timers together.</summary>
    public FakeTimeProvider Fake { get; } = inner;

    /// <summary>Moves the wall clock alone by <paramref name="step"/> (negative: back in time).</summary>
    public void StepWallClock(TimeSpan step) => Interlocked.Add(ref _wallOffsetTicks, step.Ticks);

    public override DateTimeOffset GetUtcNow() => Fake.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _wallOffsetTicks));

    public override long GetTimestamp() => Fake.GetTimestamp();

    public override long TimestampFrequency => Fake.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => Fake.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        Fake.CreateTimer(callback, state, dueTime, period);
}
