using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Store;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// A live tail of accepted events, like <c>choria tool event</c>: filtered by type, component and identity from the
/// URL, pausable, bounded in length, and sent at most <c>Ui:EventTailRowsPerSecond</c> new rows a second whatever the
/// event rate. One consume loop per page, started after the first render, reads the fleet's event feed in batches of
/// <c>Ui:UpdateInterval</c> and renders once per batch inside <see cref="ComponentBase.InvokeAsync(Action)"/>.
/// </summary>
public sealed partial class EventsPage
{
    private readonly CancellationTokenSource _cts = new();
    private readonly Dictionary<long, RawEventLookup> _open = [];
    private EventFeedSubscription? _subscription;
    private Task? _loop;
    private TailEvent[] _rowsView = [];
    private IReadOnlyList<TailEvent>? _rowsSource;

    // The sequence of the newest feed event the consume loop has handed to the tail; only touched on the renderer's context.
    private long _consumedSequence;

    [Inject]
    private IFleetReader Fleet { get; set; } = default!;

    [Inject]
    private IOptions<UiOptions> Ui { get; set; } = default!;

    [Inject]
    private TimeProvider Time { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    [Inject]
    private ILogger<EventsPage> Logger { get; set; } = default!;

    /// <summary>Comma-separated: startup, shutdown, alive, provisioned, upgraded, governor, transition, state.</summary>
    [SupplyParameterFromQuery(Name = "type")]
    public string? Type { get; set; }

    [SupplyParameterFromQuery(Name = "component")]
    public string? Component { get; set; }

    [SupplyParameterFromQuery(Name = "identity")]
    public string? Identity { get; set; }

    /// <summary>What the page shows; its logic lives in <see cref="EventTail"/>.</summary>
    internal EventTail Tail { get; private set; } = default!;

    /// <summary>Events the feed dropped for this page because it fell behind.</summary>
    private long Dropped => _subscription?.Dropped ?? 0;

    /// <summary>Rows for the virtualised list (a collection, as Virtualize wants), rebuilt only when the rows changed.</summary>
    private TailEvent[] Rows
    {
        get
        {
            var rows = Tail.Rows;
            if (!ReferenceEquals(rows, _rowsSource))
            {
                _rowsSource = rows;
                _rowsView = [.. rows];
            }

            return _rowsView;
        }
    }

    protected override void OnInitialized() => Tail = new EventTail(Ui.Value.EventTailLength, Ui.Value.EventTailRowsPerSecond);

    protected override void OnParametersSet()
    {
        var filter = new EventTailFilter
        {
            Types = EventTailFilter.ParseTypes(Type),
            Component = Empty(Component),
            Identity = Empty(Identity),
        };
        if (filter.Types.SetEquals(Tail.Filter.Types) && filter.Component == Tail.Filter.Component && filter.Identity == Tail.Filter.Identity)
        {
            return;
        }

        Tail.SetFilter(filter);
        _open.Clear();
        if (_subscription is not null)
        {
            // Refill from what the feed holds now, up to the last event this page has taken from its subscription:
            // the rest is still on its way through the consume loop and would otherwise show twice.
            var consumed = _consumedSequence;
            Tail.Add([.. _subscription.RecentNow().Where(e => e.Sequence <= consumed)], Time.GetUtcNow());
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _subscription = Fleet.SubscribeEvents();
            _loop = ConsumeAsync(_subscription, _cts.Token);
        }
    }

    private async Task ConsumeAsync(EventFeedSubscription subscription, CancellationToken cancellationToken)
    {
        try
        {
            await InvokeAsync(() =>
            {
                Tail.Add(subscription.Recent, Time.GetUtcNow());
                Consumed(subscription.Recent);
                StateHasChanged();
            });
            await foreach (var batch in subscription.Events.GetBatchesAsync(Ui.Value.UpdateInterval, Time, cancellationToken))
            {
                await InvokeAsync(() =>
                {
                    Tail.Add(batch, Time.GetUtcNow());
                    Consumed(batch);
                    StateHasChanged();
                });
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
            Logger.LogError(e, "The live event tail stopped updating");
            await DispatchExceptionAsync(e);
        }
    }

    private void Consumed(IReadOnlyList<TailEvent> events)
    {
        if (events.Count > 0)
        {
            _consumedSequence = Math.Max(_consumedSequence, events[^1].Sequence);
        }
    }

    private void TogglePause()
    {
        if (Tail.Paused)
        {
            Tail.Resume();
        }
        else
        {
            Tail.Pause();
        }
    }

    private void ToggleRaw(TailEvent row)
    {
        if (!_open.Remove(row.Sequence))
        {
            _open[row.Sequence] = Fleet.FindRawEvent(row.RawId);
        }
    }

    private void Navigate(EventTailFilter filter) => Navigation.NavigateTo(filter.ToLink(), replace: true);

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The URL of the live tail with a filter.</summary>
    public static string Link(EventTailFilter filter) => filter.ToLink();

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop.ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Already logged by the loop.
            }
        }

        _subscription?.Dispose();
        _cts.Dispose();
    }
}
