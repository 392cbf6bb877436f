using System.Collections.Immutable;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// The fleet's counts over time: at most one sample per <c>Fleet:SeriesInterval</c>, the newest
/// <c>Fleet:SeriesLength</c> kept. The writer samples; readers get an immutable copy, rebuilt once per sample.
/// </summary>
internal sealed class FleetSeries(TimeSpan interval, int length)
{
    private readonly Queue<FleetSample> _samples = new(Math.Max(0, length));
    private ImmutableArray<FleetSample> _published = [];
    private DateTimeOffset? _last;

    /// <summary>Oldest first.</summary>
    public ImmutableArray<FleetSample> Samples => _published;

    /// <summary>Records <paramref name="summary"/> if an interval has passed since the last sample; true when it did. Writer only.</summary>
    public bool TrySample(DateTimeOffset now, FleetSummary summary) => TrySample(now, now, summary);

    /// <summary>
    /// As <see cref="TrySample(DateTimeOffset, FleetSummary)"/>, the interval measured on the liveness clock
    /// (<paramref name="heardNow"/>), so a step of the wall clock neither stops the samples nor crowds them.
    /// </summary>
    public bool TrySample(DateTimeOffset now, DateTimeOffset heardNow, FleetSummary summary)
    {
        if (length <= 0 || (_last is { } last && heardNow - last < interval))
        {
            return false;
        }

        _last = heardNow;
        if (_samples.Count >= length)
        {
            _samples.Dequeue();
        }

        _samples.Enqueue(new FleetSample(now, summary.Components));
        _published = [.. _samples];
        return true;
    }
}
