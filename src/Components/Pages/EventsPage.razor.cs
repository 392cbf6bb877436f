using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Microsoft.AspNetCore.Components;

namespace ChoriaDashboard.Components.Pages;

/// <summary>
/// A live tail of accepted events, like <c>choria tool event</c>: filtered by type, component and identity from the
/// URL, pausable, bounded in length, and sent at most <c>Ui:EventTailRowsPerSecond</c> new rows a second whatever the
/// event rate. It follows the fleet's one stream with events (<see cref="FleetUpdate.Events"/>), coalesced per
/// <c>Ui:UpdateInterval</c>, like every live page.
/// </summary>
public sealed partial class EventsPage
{
    private readonly Dictionary<long, RawEventLookup> _open = [];
    private TailEvent[] _rowsView = [];
    private IReadOnlyList<TailEvent>? _rowsSource;

    // The sequence of the newest event handed to the tail; only touched on the renderer's context.
    private long _consumedSequence;

    [Inject]
    private IEventTail Events { get; set; } = default!;

    [Inject]
    private NavigationManager Navigation { get; set; } = default!;

    /// <summary>Comma-separated: startup, shutdown, alive, provisioned, upgraded, governor, transition, state.</summary>
    [SupplyParameterFromQuery(Name = "type")]
    public string? Type { get; set; }

    [SupplyParameterFromQuery(Name = "component")]
    public string? Component { get; set; }

    [SupplyParameterFromQuery(Name = "identity")]
    public string? Identity { get; set; }

    /// <summary>What the page shows; its logic lives in <see cref="EventTail"/>.</summary>
    internal EventTail Tail { get; private set; } = default!;

    /// <summary>Events this page never saw because it fell behind the stream (it was handed a snapshot instead).</summary>
    internal long Dropped { get; private set; }

    protected override bool WithEvents => true;

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

    protected override void OnInitialized()
    {
        base.OnInitialized();
        Tail = new EventTail(Ui.Value.EventTailLength, Ui.Value.EventTailRowsPerSecond);
    }

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
        if (_consumedSequence > 0)
        {
            // Refill from what the feed holds now, up to the last event this page has taken from the stream: the rest
            // is still on its way through the consume loop and would otherwise show twice.
            var consumed = _consumedSequence;
            Tail.Add([.. Events.RecentEvents().Where(e => e.Sequence <= consumed)], Time.GetUtcNow());
        }
    }

    protected override bool OnFleetUpdated(IReadOnlyList<FleetUpdate> updates)
    {
        var now = Time.GetUtcNow();
        foreach (var update in updates)
        {
            var events = update.Events;
            if (events.Count == 0)
            {
                continue;
            }

            if (_consumedSequence > 0 && events[0].Sequence > _consumedSequence + 1)
            {
                // Fell behind (a snapshot), or the writer's batch reached further back than the ring: what lies
                // between the last event taken and this update's oldest was never seen here.
                Dropped += events[0].Sequence - _consumedSequence - 1;
            }

            // A snapshot's recent events can overlap what was taken already; a batch's never do, but checking is cheap.
            IReadOnlyList<TailEvent> fresh = events[^1].Sequence <= _consumedSequence ? [] : events[0].Sequence > _consumedSequence ? events : [.. events.Where(e => e.Sequence > _consumedSequence)];
            if (fresh.Count > 0)
            {
                Tail.Add(fresh, now);
                _consumedSequence = fresh[^1].Sequence;
            }
        }

        return true;
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
            _open[row.Sequence] = Events.FindRawEvent(row.RawId);
        }
    }

    private void Navigate(EventTailFilter filter) => Navigation.NavigateTo(filter.ToLink(), replace: true);

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The URL of the live tail with a filter.</summary>
    public static string Link(EventTailFilter filter) => filter.ToLink();
}
