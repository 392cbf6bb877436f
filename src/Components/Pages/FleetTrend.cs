using System.Collections.Immutable;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// What the overview's charts plot, computed from the store's samples (<see cref="IFleetView.Series"/>): the fleet's
/// live, stale and dead counts, and per component each version's share of its active nodes, over the same times.
/// </summary>
/// <param name="Times">The sample times, oldest first: the x axis of every series.</param>
/// <param name="States">Live, stale and dead node counts of the whole fleet, one value per time.</param>
/// <param name="Versions">Per component (in component order): its largest versions (at most <see cref="MaxVersionLines"/>) newest first, then all others as one line, each with its share of the component's active nodes in percent, one value per time.</param>
public sealed record FleetTrend(
    ImmutableArray<DateTimeOffset> Times,
    ImmutableArray<TrendLine> States,
    ImmutableArray<ComponentTrend> Versions)
{
    public static readonly FleetTrend Empty = new([], [], []);

    /// <summary>Version lines per component chart at most, besides one line for all other versions.</summary>
    public const int MaxVersionLines = 8;

    /// <summary>The live, stale and dead series of the fleet and the version shares of each component.</summary>
    public static FleetTrend From(IReadOnlyList<FleetSample> samples)
    {
        if (samples.Count == 0)
        {
            return Empty;
        }

        var times = samples.Select(s => s.At).ToImmutableArray();
        ImmutableArray<TrendLine> states =
        [
            new("live", [.. samples.Select(s => (double)s.Components.Sum(c => c.Live))]),
            new("stale", [.. samples.Select(s => (double)s.Components.Sum(c => c.Stale))]),
            new("dead", [.. samples.Select(s => (double)s.Components.Sum(c => c.Dead))]),
        ];

        var components = samples.SelectMany(s => s.Components.Select(c => c.Component)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var versions = components.Select(component => new ComponentTrend(component, Lines(samples, component)));
        return new FleetTrend(times, states, [.. versions]);
    }

    /// <summary>
    /// One component's version lines: the <see cref="MaxVersionLines"/> versions with the most active nodes over all
    /// samples, newest first, then one <see cref="VersionCount.Other"/> line for the rest. One pass over the samples'
    /// version counts: samples × versions, whatever the number of versions.
    /// </summary>
    private static ImmutableArray<TrendLine> Lines(IReadOnlyList<FleetSample> samples, string component)
    {
        var shares = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < samples.Count; i++)
        {
            var summary = samples[i].Components.FirstOrDefault(c => c.Component == component);
            var active = summary is null ? 0 : summary.Live + summary.Stale;
            if (summary is null || active == 0)
            {
                continue;
            }

            foreach (var v in summary.Versions)
            {
                if (v.Active <= 0)
                {
                    continue;
                }

                if (!shares.TryGetValue(v.Version, out var values))
                {
                    values = new double[samples.Count];
                    shares[v.Version] = values;
                }

                values[i] += 100.0 * v.Active / active;
                totals[v.Version] = totals.GetValueOrDefault(v.Version) + v.Active;
            }
        }

        var largest = totals.Where(t => t.Key != VersionCount.Other)
            .OrderByDescending(t => t.Value).ThenByDescending(t => t.Key, VersionComparer.Instance)
            .Take(MaxVersionLines)
            .Select(t => t.Key)
            .ToHashSet(StringComparer.Ordinal);
        var lines = largest.Order(VersionComparer.Instance).Reverse()
            .Select(version => new TrendLine(version, [.. shares[version].Select(Round)]))
            .ToList();
        var rest = shares.Where(s => !largest.Contains(s.Key)).Select(s => s.Value).ToArray();
        if (rest.Length > 0)
        {
            lines.Add(new TrendLine(VersionCount.Other, [.. Enumerable.Range(0, samples.Count).Select(i => Round(rest.Sum(r => r[i])))]));
        }

        return [.. lines];
    }

    private static double Round(double share) => Math.Round(share, 1);
}

/// <summary>One named line of a chart: a value per sample time.</summary>
public sealed record TrendLine(string Name, ImmutableArray<double> Values);

/// <summary>A component's version shares over time.</summary>
public sealed record ComponentTrend(string Component, ImmutableArray<TrendLine> Lines);
