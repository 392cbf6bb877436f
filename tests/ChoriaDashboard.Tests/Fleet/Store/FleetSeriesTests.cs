using System.Collections.Immutable;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class FleetSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);

    private static FleetSummary SummaryWith(int live) =>
        FleetSummary.Empty with { Components = [new ComponentSummary("server", live, 0, 0, 0, ImmutableArray<VersionCount>.Empty)] };

    [Fact]
    public void TrySample_WithinTheInterval_SkipsUntilItHasPassed()
    {
        var series = new FleetSeries(TimeSpan.FromMinutes(1), 10);

        Assert.True(series.TrySample(T0, SummaryWith(1)));
        Assert.False(series.TrySample(T0.AddSeconds(59), SummaryWith(2)));
        Assert.True(series.TrySample(T0.AddSeconds(60), SummaryWith(3)));

        Assert.Equal([T0, T0.AddSeconds(60)], series.Samples.Select(s => s.At));
        Assert.Equal([1, 3], series.Samples.Select(s => s.Components[0].Live));
    }

    [Fact]
    public void TrySample_MoreThanTheLength_KeepsTheNewestOnly()
    {
        var series = new FleetSeries(TimeSpan.FromSeconds(1), 3);

        for (var i = 0; i < 5; i++)
        {
            series.TrySample(T0.AddSeconds(i), SummaryWith(i));
        }

        Assert.Equal([2, 3, 4], series.Samples.Select(s => s.Components[0].Live));
    }

    [Fact]
    public void Samples_ReadBeforeALaterSample_StaysAsItWas()
    {
        var series = new FleetSeries(TimeSpan.FromSeconds(1), 2);
        series.TrySample(T0, SummaryWith(1));
        var before = series.Samples;

        series.TrySample(T0.AddSeconds(1), SummaryWith(2));
        series.TrySample(T0.AddSeconds(2), SummaryWith(3));

        Assert.Equal([1], before.Select(s => s.Components[0].Live)); // a reader's copy is immutable
    }

    [Fact]
    public void TrySample_LengthZero_KeepsNothing()
    {
        var series = new FleetSeries(TimeSpan.FromSeconds(1), 0);

        Assert.False(series.TrySample(T0, SummaryWith(1)));
        Assert.Empty(series.Samples);
    }
}
