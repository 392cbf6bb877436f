using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// The overview's charts, computed once per sample for every open overview rather than once per circuit: the store
/// samples every <c>Fleet:SeriesInterval</c>, and each circuit asks with the store's series; the first to ask after a
/// new sample computes, the others get the same instance. Holds one entry (the newest), so its memory is one trend.
/// Thread-safe; two circuits racing on a new sample may both compute it, with the same result.
/// </summary>
public sealed class FleetTrendCache
{
    private Entry? _entry;

    /// <summary>How many times a trend was computed (not served from the cache); for tests.</summary>
    public long Computed => Interlocked.Read(ref _computed);

    private long _computed;

    /// <summary>The charts of <paramref name="series"/> (the store's samples, oldest first).</summary>
    public FleetTrendCharts For(IReadOnlyList<FleetSample> series)
    {
        if (series.Count == 0)
        {
            return FleetTrendCharts.Empty;
        }

        var last = series[^1];
        var entry = Volatile.Read(ref _entry);
        if (entry is not null && ReferenceEquals(entry.Last, last) && entry.Count == series.Count && ReferenceEquals(entry.First, series[0]))
        {
            return entry.Charts;
        }

        var charts = FleetTrendCharts.From(FleetTrend.From(series));
        Interlocked.Increment(ref _computed);
        Volatile.Write(ref _entry, new Entry(series[0], last, series.Count, charts));
        return charts;
    }

    private sealed record Entry(FleetSample First, FleetSample Last, int Count, FleetTrendCharts Charts);
}
