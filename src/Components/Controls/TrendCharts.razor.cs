using ChoriaDashboard.Components.Pages;
using Microsoft.AspNetCore.Components;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// The overview's charts of a <see cref="FleetTrendCharts"/>: the fleet's live, stale and dead counts, and each
/// component's version shares. The parent hands new charts only when a sample was added.
/// </summary>
public sealed partial class TrendCharts
{
    private FleetTrendCharts? _rendered;

    [Parameter, EditorRequired]
    public FleetTrendCharts Charts { get; set; } = FleetTrendCharts.Empty;

    /// <summary>How often the store samples (<c>Fleet:SeriesInterval</c>), to say when the charts fill in.</summary>
    [Parameter]
    public TimeSpan SampleInterval { get; set; }

    protected override bool ShouldRender()
    {
        if (ReferenceEquals(_rendered, Charts))
        {
            return false;
        }

        _rendered = Charts;
        return true;
    }
}
