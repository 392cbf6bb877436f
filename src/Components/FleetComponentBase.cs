using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Components;

/// <summary>
/// A component that follows the fleet: every live page (overview, nodes, node detail, checks, events, wallboard) and
/// the status controls. After the first render it subscribes to the fleet's one stream and runs one consume loop that
/// coalesces updates (<c>Ui:UpdateInterval</c>) and renders at most once per coalesced batch, touching state only inside
/// <see cref="ComponentBase.InvokeAsync(Action)"/>; an optional clock re-renders relative times. Disposing cancels and
/// awaits both loops, unsubscribes, and cancels a throttled recomputation still waiting.
/// </summary>
public abstract class FleetComponentBase : ComponentBase, IAsyncDisposable
{
    /// <summary>
    /// Rows a virtualised table renders beyond each edge of what is on screen (Blazor's <c>OverscanCount</c>), so a
    /// scroll shows rows at once. Each costs its frames twice in the circuit (the current and previous render trees), for
    /// as long as the tab is open: 8 a side covers a flick of the mouse wheel (3 rows a notch) at a third of the
    /// memory that 20 a side took.
    /// </summary>
    protected const int RowOverscan = 8;

    /// <summary>
    /// Rows a virtualised list draws as plain markup before the virtualised rest: 40 rows of 36 px fill a list on a screen
    /// up to about 1,600 px high. They are in the prerendered HTML (Virtualize renders no row until the browser has
    /// measured it over the circuit), and the circuit's first render draws the same rows, so nothing flashes or repeats.
    /// </summary>
    internal const int FirstScreenRows = 40;

    /// <summary>The rows a list draws as plain markup: the first <see cref="FirstScreenRows"/> of <paramref name="rows"/>.</summary>
    protected static ArraySegment<T> FirstScreen<T>(T[] rows) => new(rows, 0, Math.Min(FirstScreenRows, rows.Length));

    /// <summary>The rows a list's Virtualize draws: every row of <paramref name="rows"/> after the first screen.</summary>
    protected static ArraySegment<T> BeyondFirstScreen<T>(T[] rows) =>
        rows.Length > FirstScreenRows ? new(rows, FirstScreenRows, rows.Length - FirstScreenRows) : [];

    private readonly CancellationTokenSource _cts = new();
    private Task? _loop;
    private Task? _clock;
    private CallbackThrottler? _throttle;

    [Inject]
    protected IFleetView Fleet { get; set; } = default!;

    [Inject]
    protected IFleetStatus FleetStatus { get; set; } = default!;

    [Inject]
    protected IOptions<UiOptions> Ui { get; set; } = default!;

    [Inject]
    protected TimeProvider Time { get; set; } = default!;

    [Inject]
    private ILoggerFactory LoggerFactory { get; set; } = default!;

    /// <summary>The fleet in numbers as of the last update taken (with its currency).</summary>
    protected FleetSummary Summary { get; private set; } = FleetSummary.Empty;

    /// <summary>The broker connection as of the last update taken.</summary>
    protected BrokerStatus Broker { get; private set; } = default!;

    /// <summary>How many times this component has rendered because the fleet changed: once per coalesced batch, not per event.</summary>
    public long FleetRenders { get; private set; }

    /// <summary>Cancelled when the component goes away: for work it schedules itself.</summary>
    protected CancellationToken PageStopping => _cts.Token;

    /// <summary>Re-render this often even without changes (relative times); null for never.</summary>
    protected virtual TimeSpan? ClockInterval => null;

    /// <summary>Also receive every accepted event (<see cref="FleetUpdate.Events"/>): for live tails.</summary>
    protected virtual bool WithEvents => false;

    protected override void OnInitialized()
    {
        Summary = Fleet.Summary;
        Broker = FleetStatus.Broker;
    }

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

    /// <summary>
    /// Creates the component's one throttled recomputation (a large list): <paramref name="recompute"/> then a render,
    /// inside <see cref="ComponentBase.InvokeAsync(Action)"/>, at most once per four times what the last run cost, the
    /// last request never lost. Disposed with the component.
    /// </summary>
    /// <exception cref="InvalidOperationException">Called a second time: a component has one.</exception>
    protected CallbackThrottler CreateThrottle(Action recompute)
    {
        if (_throttle is not null)
        {
            throw new InvalidOperationException($"{GetType().Name} already has its throttled recomputation.");
        }

        return _throttle = new CallbackThrottler(
            Time,
            () => InvokeAsync(() =>
            {
                recompute();
                StateHasChanged();
            }),
            LoggerFactory.CreateLogger(GetType()),
            TimeSpan.Zero);
    }

    /// <summary>Called on the renderer's context every <see cref="ClockInterval"/>, before the component re-renders.</summary>
    protected virtual void OnClockTick()
    {
    }

    /// <summary>
    /// Called on the renderer's context with the updates that arrived since the last render, oldest first; recompute
    /// derived view state here. A snapshot (<see cref="FleetUpdate.IsSnapshot"/>) comes first and again after the
    /// component fell behind: then rebuild from <see cref="Summary"/> and the fleet view. Return false when nothing this
    /// component shows changed, to skip the render.
    /// </summary>
    protected virtual bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates) => true;

    private async Task ConsumeAsync(CancellationToken cancellationToken)
    {
        using var subscription = Fleet.Subscribe(WithEvents);
        try
        {
            await InvokeAsync(() => Apply([subscription.Initial]));
            await foreach (var updates in subscription.ReadBatchesAsync(Ui.Value.UpdateInterval, Time, cancellationToken))
            {
                await InvokeAsync(() => Apply(updates));
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
            LoggerFactory.CreateLogger(GetType()).LogError(e, "The live view of {Component} stopped updating", GetType().Name);
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
            LoggerFactory.CreateLogger(GetType()).LogError(e, "The clock of {Component} stopped ticking", GetType().Name);
            await DispatchExceptionAsync(e);
        }
    }

    private void Apply(IReadOnlyList<FleetUpdate> updates)
    {
        var last = updates[^1];
        Summary = last.Summary;
        Broker = last.Broker;
        if (OnFleetUpdated(updates))
        {
            FleetRenders++;
            StateHasChanged();
        }
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

        _throttle?.Dispose();
        _cts.Dispose();
        GC.SuppressFinalize(this);
    }
}
