using System.Collections.Immutable;
using ChoriaDashboard.Fleet;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// What the overview's charts plot, computed from the store's samples (<see cref="IFleetReader.Series"/>): the fleet's
/// live, stale and dead counts, and per component each version's share of its active nodes, over the same times.
/// </summary>
/// <param name="Times">The sample times, oldest first: the x axis of every series.</param>
/// <param name="States">Live, stale and dead node counts of the whole fleet, one value per time.</param>
/// <param name="Versions">Per component (in component order): its versions newest first, each with its share of the component's active nodes in percent, one value per time.</param>
public sealed record FleetTrend(
    ImmutableArray<DateTimeOffset> Times,
    ImmutableArray<TrendLine> States,
    ImmutableArray<ComponentTrend> Versions)
{
    public static readonly FleetTrend Empty = new([], [], []);

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
        var versions = components.Select(component =>
        {
            var perSample = samples.Select(s => s.Components.FirstOrDefault(c => c.Component == component)).ToArray();
            var names = perSample.Where(c => c is not null)
                .SelectMany(c => c!.Versions.Where(v => v.Active > 0).Select(v => v.Version))
                .Distinct(StringComparer.Ordinal)
                .OrderDescending(VersionComparer.Instance);
            var lines = names.Select(version => new TrendLine(version, [.. perSample.Select(c => Share(c, version))]));
            return new ComponentTrend(component, [.. lines]);
        });
        return new FleetTrend(times, states, [.. versions]);
    }

    private static double Share(ComponentSummary? component, string version)
    {
        var active = component is null ? 0 : component.Live + component.Stale;
        if (active == 0)
        {
            return 0;
        }

        var count = component!.Versions.FirstOrDefault(v => v.Version == version)?.Active ?? 0;
        return Math.Round(100.0 * count / active, 1);
    }
}

/// <summary>One named line of a chart: a value per sample time.</summary>
public sealed record TrendLine(string Name, ImmutableArray<double> Values);

/// <summary>A component's version shares over time.</summary>
public sealed record ComponentTrend(string Component, ImmutableArray<TrendLine> Lines);
