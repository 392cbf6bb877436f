using ChoriaDashboard.Components.Pages;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// Line charts (MudBlazor's) of a <see cref="FleetTrend"/>: the fleet's live, stale and dead counts, and each component's
/// version shares. The parent hands a new trend only when a sample was added, so the SVG is rebuilt once per sample.
/// </summary>
public sealed partial class TrendCharts
{
    /// <summary>The state colours the rest of the page uses, in the order of <see cref="FleetTrend.States"/>.</summary>
    private static readonly string[] StatePalette = ["#2e7d32", "#ed6c02", "#d32f2f"];

    private FleetTrend? _computed;
    private bool _changed;
    private List<ChartSeries<double>> _states = [];
    private List<(string Component, List<ChartSeries<double>> Series)> _components = [];
    private string[] _labels = [];

    private readonly LineChartOptions _stateOptions = new() { ChartPalette = StatePalette, YAxisRequireZeroPoint = true, ClampToZero = true, YAxisFormat = "0" };
    private readonly LineChartOptions _shareOptions = new() { YAxisRequireZeroPoint = true, ClampToZero = true, YAxisSuggestedMax = 100, YAxisFormat = "0" };

    [Parameter, EditorRequired]
    public FleetTrend Trend { get; set; } = FleetTrend.Empty;

    /// <summary>How often the store samples (<c>Fleet:SeriesInterval</c>), to say when the charts fill in.</summary>
    [Parameter]
    public TimeSpan SampleInterval { get; set; }

    /// <summary>At most this many time labels along the x axis.</summary>
    private const int MaxLabels = 8;

    protected override void OnParametersSet()
    {
        if (ReferenceEquals(_computed, Trend))
        {
            return;
        }

        _computed = Trend;
        _changed = true;
        _states = [.. Trend.States.Select(Series)];
        _components = [.. Trend.Versions.Select(c => (c.Component, (List<ChartSeries<double>>)[.. c.Lines.Select(Series)]))];
        var every = Math.Max(1, (int)Math.Ceiling(Trend.Times.Length / (double)MaxLabels));
        _labels = [.. Trend.Times.Select((t, i) => i % every == 0 ? t.ToLocalTime().ToString("HH:mm") : "")];
    }

    protected override bool ShouldRender()
    {
        var changed = _changed;
        _changed = false;
        return changed;
    }

    private static ChartSeries<double> Series(TrendLine line) => new() { Name = line.Name, Data = new ChartData<double>(line.Values) };
}
