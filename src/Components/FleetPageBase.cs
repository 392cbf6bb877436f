using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Components;

/// <summary>
/// A page that follows the fleet: after the first render it subscribes and runs one consume loop that coalesces
/// change batches (<c>Ui:UpdateInterval</c>) and renders once per batch, touching state only inside
/// <see cref="ComponentBase.InvokeAsync(Action)"/>. Disposing cancels and awaits the loop.
/// </summary>
public abstract class FleetPageBase : ComponentBase, IAsyncDisposable
{
    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;
    private Task? _clock;

    [Inject]
    protected IFleetReader Fleet { get; set; } = default!;

    [Inject]
    protected IOptions<UiOptions> Ui { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    [Inject]
    private ILoggerFactory LoggerFactory { get; set; } = default!;

    protected FleetSummary Summary { get; private set; } = FleetSummary.Empty;

    /// <summary>How many times this page has rendered because the fleet changed: once per coalesced batch, not per event.</summary>
    public long FleetRenders { get; private set; }

    /// <summary>Cancelled when the page goes away: for work a page schedules itself.</summary>
    protected CancellationToken PageStopping => _cts.Token;

    /// <summary>Re-render this often even without changes (relative times); null for never.</summary>
    protected virtual TimeSpan? ClockInterval => null;

    protected override void OnInitialized() => Summary = Fleet.Summary;

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _loop = ConsumeAsync(_cts.Token);
            if (ClockInterval is { } interval)
            {
                _clock = ClockAsync(interval, _cts.Token);
            }
        }
    }

    /// <summary>Called on the renderer's context every <see cref="ClockInterval"/>, before the page re-renders.</summary>
    protected virtual void OnClockTick()
    {
    }

    /// <summary>
    /// Called on the renderer's context with the batches that arrived since the last render; recompute derived view
    /// state here. <paramref name="resynchronised"/> is true when batches were missed and the view must be rebuilt.
    /// </summary>
    protected virtual void OnFleetChanged(IReadOnlyList<FleetChanges> batches, bool resynchronised)
    {
    }

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        using var subscription = Fleet.Subscribe();
        try
        {
            await InvokeAsync(() => Apply(subscription.Initial, [], resynchronised: true));
            await foreach (var batches in subscription.Changes.GetBatchesAsync(Ui.Value.UpdateInterval, Time, cancellationToken))
            {
                var lagged = subscription.Lagged;
                var summary = lagged ? subscription.Resync() : batches[^1].Summary;
                await InvokeAsync(() => Apply(summary, batches, lagged));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between a batch and its render.
        }
        catch (Exception e)
        {
            // Never go quietly stale: log it, and let Blazor show its error bar to the person watching.
            LoggerFactory.CreateLogger(GetType()).LogError(e, "The live view of {Page} stopped updating", GetType().Name);
            await DispatchExceptionAsync(e);
        }
    }

    private async Task ClockAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                await InvokeAsync(() =>
                {
                    OnClockTick();
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (ObjectDisposedException)
        {
            // The circuit went away between a tick and its render.
        }
        catch (Exception e)
        {
            // A failed tick freezes the clock (and whatever hangs off it, like the wall's rotation and reload): log
            // it and let Blazor show its error bar instead of going quietly stale.
            LoggerFactory.CreateLogger(GetType()).LogError(e, "The clock of {Page} stopped ticking", GetType().Name);
            await DispatchExceptionAsync(e);
        }
    }

    private void Apply(FleetSummary summary, IReadOnlyList<FleetChanges> batches, bool resynchronised)
    {
        Summary = summary;
        FleetRenders++;
        OnFleetChanged(batches, resynchronised);
        StateHasChanged();
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        foreach (var task in new[] { _loop, _clock })
        {
            if (task is not null)
            {
                try
                {
                    await task.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Both loops log and report their own failures; nothing is left to do here.
                }
            }
        }

        _cts.Dispose();
        GC.SuppressFinalize(this);
    }
}
