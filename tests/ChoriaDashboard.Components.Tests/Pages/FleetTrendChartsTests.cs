using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Pages;

/// <summary>What the overview's charts are handed, and that every open overview shares one computation of it.</summary>
public sealed class FleetTrendChartsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static FleetSample Sample(int minute, int live, int dead, params (string Version, int Active)[] versions) =>
        new(T0.AddMinutes(minute), [new ComponentSummary("server", live, 0, dead, 0, [.. versions.Select(v => new VersionCount(v.Version, v.Active, v.Active))])]);

    [Fact]
    public void From_Trend_ChartsUseTheTrendsOwnValuesNotCopies()
    {
        var trend = FleetTrend.From([Sample(0, 4, 0, ("0.29.3", 4)), Sample(1, 3, 1, ("0.29.3", 1), ("0.29.4", 2))]);

        var charts = FleetTrendCharts.From(trend);

        Assert.Equal(2, charts.Samples);
        Assert.Equal([T0.ToUnixTimeSeconds(), T0.AddMinutes(1).ToUnixTimeSeconds()], charts.States.Times.ToArray());
        Assert.Equal(["#2e7d32", "#ed6c02", "#d32f2f"], charts.States.Lines.Select(l => l.Color));
        Assert.True(charts.States.Lines[0].Values == trend.States[0].Values, "the live line should be the trend's array, not a copy");
        Assert.Equal("live 3 · stale 0 · dead 1", charts.States.Latest);
        var server = Assert.Single(charts.Versions);
        Assert.Equal("server", server.Component);
        Assert.Equal(["0.29.4", "0.29.3"], server.Chart.Lines.Select(l => l.Name));
        Assert.Equal("0.29.4 66.7 % · 0.29.3 33.3 %", server.Chart.Latest);
    }

    [Fact]
    public void From_ManyVersions_OtherVersionsLineIsGrey()
    {
        var versions = Enumerable.Range(0, FleetTrend.MaxVersionLines + 2).Select(i => ($"0.{i}.0", 1)).ToArray();
        var charts = FleetTrendCharts.From(FleetTrend.From([Sample(0, versions.Length, 0, versions), Sample(1, versions.Length, 0, versions)]));

        var lines = charts.Versions[0].Chart.Lines;
        Assert.Equal(FleetTrend.MaxVersionLines + 1, lines.Length);
        Assert.Equal((VersionCount.Other, "#9e9e9e"), (lines[^1].Name, lines[^1].Color));
        Assert.Equal(FleetTrend.MaxVersionLines, lines.Take(FleetTrend.MaxVersionLines).Select(l => l.Color).Distinct().Count());
    }

    [Fact]
    public void Cache_SameSeries_ComputedOnceNewSample_ComputedAgain()
    {
        var cache = new FleetTrendCache();
        List<FleetSample> series = [Sample(0, 4, 0), Sample(1, 4, 0)];

        var first = cache.For(series);
        var again = cache.For([.. series]);
        series.Add(Sample(2, 2, 2));
        var next = cache.For(series);

        Assert.Same(first, again);
        Assert.NotSame(first, next);
        Assert.Equal(3, next.Samples);
        Assert.Equal(2, cache.Computed);
        Assert.Same(FleetTrendCharts.Empty, cache.For([]));
    }
}
