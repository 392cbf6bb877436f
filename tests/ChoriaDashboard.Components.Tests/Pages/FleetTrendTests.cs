using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Pages;

/// <summary>The numbers behind the overview's charts.</summary>
public sealed class FleetTrendTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    private static ComponentSummary Component(string name, int live, int stale, int dead, params (string Version, int Active)[] versions) =>
        new(name, live, stale, dead, 0, [.. versions.Select(v => new VersionCount(v.Version, v.Active, v.Active))]);

    [Fact]
    public void From_Samples_StateCountsSummedOverComponentsPerTime()
    {
        var trend = FleetTrend.From(
        [
            new FleetSample(T0, [Component("server", 3, 1, 0), Component("provisioner", 1, 0, 0)]),
            new FleetSample(T0.AddMinutes(1), [Component("server", 2, 1, 1), Component("provisioner", 1, 0, 0)]),
        ]);

        Assert.Equal([T0, T0.AddMinutes(1)], trend.Times.ToArray());
        Assert.Equal(["live", "stale", "dead"], trend.States.Select(s => s.Name));
        Assert.Equal([4.0, 3.0], trend.States[0].Values.ToArray());
        Assert.Equal([1.0, 1.0], trend.States[1].Values.ToArray());
        Assert.Equal([0.0, 1.0], trend.States[2].Values.ToArray());
    }

    [Fact]
    public void From_ARollout_VersionSharesOfActiveNodesNewestFirst()
    {
        var trend = FleetTrend.From(
        [
            new FleetSample(T0, [Component("server", 4, 0, 0, ("0.29.3", 4))]),
            new FleetSample(T0.AddMinutes(1), [Component("server", 3, 1, 0, ("0.29.3", 3), ("0.29.10", 1))]),
            new FleetSample(T0.AddMinutes(2), [Component("server", 4, 0, 0, ("0.29.10", 4))]),
            new FleetSample(T0.AddMinutes(3), []), // the component gone: no share
        ]);

        var server = Assert.Single(trend.Versions);
        Assert.Equal("server", server.Component);
        Assert.Equal(["0.29.10", "0.29.3"], server.Lines.Select(l => l.Name));
        Assert.Equal([0.0, 25.0, 100.0, 0.0], server.Lines[0].Values.ToArray());
        Assert.Equal([100.0, 75.0, 0.0, 0.0], server.Lines[1].Values.ToArray());
    }

    [Fact]
    public void From_ManyVersions_TheLargestNewestFirstAndTheRestAsOneOtherLine()
    {
        // 20 versions: 0.1.i on i + 1 nodes, so the largest are 0.1.12 to 0.1.19; plus the store's own other bucket.
        var versions = Enumerable.Range(0, 20).Select(i => ($"0.1.{i}", i + 1)).Append((VersionCount.Other, 10)).ToArray();
        var active = versions.Sum(v => v.Item2);
        var trend = FleetTrend.From([new FleetSample(T0, [Component("server", active, 0, 0, versions)])]);

        var lines = Assert.Single(trend.Versions).Lines;
        Assert.Equal(FleetTrend.MaxVersionLines + 1, lines.Length);
        Assert.Equal([.. Enumerable.Range(12, 8).Reverse().Select(i => $"0.1.{i}"), VersionCount.Other], lines.Select(l => l.Name));
        var rest = Enumerable.Range(1, 12).Sum() + 10;
        Assert.Equal(Math.Round(100.0 * rest / active, 1), lines[^1].Values[0]);
        Assert.Equal(100.0, lines.Sum(l => l.Values[0]), precision: 0);
    }

    [Fact]
    public void From_NoSamples_IsEmpty()
    {
        Assert.Same(FleetTrend.Empty, FleetTrend.From([]));
    }
}
