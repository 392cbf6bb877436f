namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// The liveness clock: the dashboard's monotonic clock (<see cref="TimeProvider.GetTimestamp"/>) read as a time of day,
/// the wall clock at start plus the monotonic time elapsed since. Silences are measured on it, so a step of the wall
/// clock (NTP, an operator, a VM's clock catching up) neither freezes nor kills the fleet; what people read (last seen,
/// news) stays on the wall clock. Thread-safe.
/// </summary>
internal sealed class LivenessClock
{
    private readonly TimeProvider _time;
    private readonly long _startTimestamp;
    private readonly DateTimeOffset _start;

    public LivenessClock(TimeProvider time)
    {
        _time = time;
        _startTimestamp = time.GetTimestamp();
        _start = time.GetUtcNow();
    }

    /// <summary>Now on the liveness clock.</summary>
    public DateTimeOffset Now => _start + _time.GetElapsedTime(_startTimestamp);

    /// <summary>A monotonic timestamp (taken with the same <see cref="TimeProvider"/>) on the liveness clock.</summary>
    public DateTimeOffset At(long timestamp) => _start + _time.GetElapsedTime(_startTimestamp, timestamp);

    /// <summary>
    /// A wall-clock time (a replayed event's stream time, a replay's bounds) on the liveness clock: as long before now as it
    /// is before the wall clock's now, and never later than now.
    /// </summary>
    public DateTimeOffset FromWall(DateTimeOffset wall)
    {
        var now = Now;
        var heard = now - (_time.GetUtcNow() - wall);
        return heard < now ? heard : now;
    }
}
