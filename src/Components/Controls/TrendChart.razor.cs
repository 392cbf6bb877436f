using ChoriaDashboard.Components.Pages;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.JSInterop;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// One line chart of the overview, drawn in the browser by <c>choriaTrend.draw</c> (<c>wwwroot/js/trend-charts.js</c>,
/// uPlot) from a <see cref="TrendChartSpec"/>. The spec is sent once per new sample; the circuit keeps a reference to
/// the shared spec and nothing per data point. A tab that closes while a chart is being sent logs nothing: the call
/// simply has no browser to reach.
/// </summary>
public sealed partial class TrendChart : IAsyncDisposable
{
    private ElementReference _plot;
    private TrendChartSpec? _drawnSpec;

    [Inject]
    private IJSRuntime Js { get; set; } = default!;

    [Inject]
    private ILogger<TrendChart> Logger { get; set; } = default!;

    /// <summary>The <c>data-testid</c> of the chart's box.</summary>
    [Parameter, EditorRequired]
    public string TestId { get; set; } = "";

    [Parameter, EditorRequired]
    public string Title { get; set; } = "";

    [Parameter, EditorRequired]
    public TrendChartSpec Spec { get; set; } = FleetTrendCharts.Empty.States;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (ReferenceEquals(_drawnSpec, Spec))
        {
            return;
        }

        var spec = Spec;
        try
        {
            if (await Js.InvokeAsync<bool>("choriaTrend.draw", _plot, spec))
            {
                _drawnSpec = spec;
            }
        }
        catch (Exception e) when (e is JSDisconnectedException or TaskCanceledException or OperationCanceledException)
        {
            // The tab is gone (closed, navigated away): nothing to draw on.
        }
        catch (JSException e)
        {
            // A browser that cannot draw the chart (a script blocked or failed) keeps the rest of the page and the
            // values in words under the chart; the next sample tries again.
            _drawnSpec = spec;
            Logger.LogWarning("The browser could not draw the chart {Chart}: {Error}", TestId, e.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_drawnSpec is null)
        {
            return;
        }

        try
        {
            await Js.InvokeVoidAsync("choriaTrend.dispose", _plot);
        }
        catch (Exception e) when (e is JSDisconnectedException or TaskCanceledException or OperationCanceledException)
        {
            // The tab is gone, and its charts with it.
        }
    }
}
