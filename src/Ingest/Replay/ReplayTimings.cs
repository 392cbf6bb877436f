using System.Diagnostics;
using System.Globalization;

namespace ChoriaDashboard.Ingest.Replay;

/// <summary>
/// Where a replay's time went, summed over its reads (they run at once, so the parts may add up to more than the
/// replay's own time): waiting for the broker's pulls, decoding, and waiting for the fleet writer to take batches. Kept
/// in <see cref="Stopwatch"/> ticks; written to the debug log when the replay ends.
/// </summary>
internal sealed class ReplayTimings
{
    private long _pulling;
    private long _pulls;
    private long _decoding;
    private long _waitingForWriter;

    /// <summary>Adds one pull that took <paramref name="ticks"/> (<see cref="Stopwatch"/> ticks) from request to its last message.</summary>
    public void Pulled(long ticks)
    {
        Interlocked.Add(ref _pulling, ticks);
        Interlocked.Increment(ref _pulls);
    }

    /// <summary>Adds time spent decoding messages, in <see cref="Stopwatch"/> ticks.</summary>
    public void Decoded(long ticks) => Interlocked.Add(ref _decoding, ticks);

    /// <summary>Adds time spent waiting for the fleet writer's queue, in <see cref="Stopwatch"/> ticks.</summary>
    public void WaitedForWriter(long ticks) => Interlocked.Add(ref _waitingForWriter, ticks);

    /// <summary>The split in words, milliseconds each.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Interlocked.Read(ref _pulls)} pulls waited {Ms(ref _pulling):0} ms for the broker, decoding took {Ms(ref _decoding):0} ms, handing batches to the fleet writer waited {Ms(ref _waitingForWriter):0} ms");

    private static double Ms(ref long ticks) => Interlocked.Read(ref ticks) * 1000.0 / Stopwatch.Frequency;
}
