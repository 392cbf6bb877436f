using System.Collections.Immutable;
using System.Globalization;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// What the overview's charts draw (<see cref="Controls.TrendChart"/>), built once per sample from a
/// <see cref="FleetTrend"/> and shared by every open overview (<see cref="FleetTrendCache"/>): the value arrays are the
/// trend's own, not copies, so an open tab costs no memory per data point.
/// </summary>
/// <param name="Samples">How many samples the charts span.</param>
/// <param name="States">The fleet's live, stale and dead counts.</param>
/// <param name="Versions">Per component (in component order): the share of its active nodes per version, in percent.</param>
public sealed record FleetTrendCharts(int Samples, TrendChartSpec States, ImmutableArray<ComponentTrendChart> Versions)
{
    /// <summary>The state colours the rest of the page uses (live, stale, dead).</summary>
    private static readonly string[] StatePalette = ["#2e7d32", "#ed6c02", "#d32f2f"];

    /// <summary>
    /// Version line colours, newest version first: the Okabe–Ito palette (distinct for the common colour-vision
    /// deficiencies), readable on light and dark; the line for all other versions is grey.
    /// </summary>
    private static readonly string[] VersionPalette = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00", "#b8a500", "#7b61ff"];

    private const string OtherColour = "#9e9e9e";

    public static readonly FleetTrendCharts Empty = new(0, new TrendChartSpec([], [], null, "", ""), []);

    /// <summary>The charts of <paramref name="trend"/>.</summary>
    public static FleetTrendCharts From(FleetTrend trend)
    {
        if (trend.Times.IsDefaultOrEmpty)
        {
            return Empty;
        }

        ImmutableArray<long> times = [.. trend.Times.Select(t => t.ToUnixTimeSeconds())];
        var states = new TrendChartSpec(
            times,
            [.. trend.States.Select((line, i) => new TrendChartLine(line.Name, StatePalette[i % StatePalette.Length], line.Values))],
            null,
            "",
            string.Join(" · ", trend.States.Select(line => $"{line.Name} {Count(line.Values[^1])}")));
        var versions = trend.Versions.Select(component => new ComponentTrendChart(component.Component, new TrendChartSpec(
            times,
            [.. component.Lines.Select((line, i) => new TrendChartLine(line.Name, line.Name == VersionCount.Other ? OtherColour : VersionPalette[i % VersionPalette.Length], line.Values))],
            100,
            "%",
            string.Join(" · ", component.Lines.Select(line => $"{line.Name} {line.Values[^1].ToString("0.#", CultureInfo.InvariantCulture)} %")))));
        return new FleetTrendCharts(times.Length, states, [.. versions]);
    }

    private static string Count(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>One component's version-share chart.</summary>
public sealed record ComponentTrendChart(string Component, TrendChartSpec Chart);

/// <summary>
/// One chart as <c>wwwroot/js/trend-charts.js</c> reads it (serialised camelCase by Blazor's JS interop).
/// </summary>
/// <param name="Times">Sample times in Unix seconds (UTC), oldest first: the x axis.</param>
/// <param name="Lines">The lines, each with one value per time.</param>
/// <param name="YMax">The y axis' top (100 for shares), or null to fit the data.</param>
/// <param name="Unit">Appended to values on the axis and in the legend ("" or "%").</param>
/// <param name="Latest">The newest sample's values in words ("live 1,200 · stale 3 · dead 1"): shown under the chart,
/// and what a screen reader reads.</param>
public sealed record TrendChartSpec(ImmutableArray<long> Times, ImmutableArray<TrendChartLine> Lines, double? YMax, string Unit, string Latest);

/// <summary>One line of a chart: its legend name, its CSS colour and a value per time.</summary>
public sealed record TrendChartLine(string Name, string Color, ImmutableArray<double> Values);
