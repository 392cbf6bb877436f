using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Components;

/// <summary>
/// What one live tail shows: the newest matching events (at most <c>Ui:EventTailLength</c>), no more than
/// <c>Ui:EventTailRowsPerSecond</c> new rows per second whatever the event rate, and while paused nothing new but a
/// count of what it missed. Plain C#, driven by the page's consume loop.
/// </summary>
public sealed class EventTail
{
    private readonly int _length;
    private readonly int _rowsPerSecond;
    private readonly Queue<TailEvent> _rows = new();
    private TailEvent[]? _newestFirst;
    private double _budget;
    private DateTimeOffset? _lastAdd;

    public EventTail(int length, int rowsPerSecond)
    {
        _length = Math.Max(1, length);
        _rowsPerSecond = Math.Max(1, rowsPerSecond);
        _budget = _rowsPerSecond;
    }

    public EventTailFilter Filter { get; private set; } = new();

    public bool Paused { get; private set; }

    /// <summary>Matching events that arrived while paused (reset on resume).</summary>
    public long Missed { get; private set; }

    /// <summary>Matching events not shown because they came faster than the tail's rows per second.</summary>
    public long NotShown { get; private set; }

    /// <summary>Matching events seen since the tail opened (shown or not).</summary>
    public long Matched { get; private set; }

    /// <summary>The rows on screen, newest first.</summary>
    public IReadOnlyList<TailEvent> Rows => _newestFirst ??= [.. _rows.Reverse()];

    /// <summary>Starts over with another filter (the rows shown so far no longer apply).</summary>
    public void SetFilter(EventTailFilter filter)
    {
        Filter = filter;
        _rows.Clear();
        _newestFirst = null;
        Missed = NotShown = Matched = 0;
    }

    public void Pause() => Paused = true;

    public void Resume()
    {
        Paused = false;
        Missed = 0;
    }

    /// <summary>
    /// Takes the events that arrived by <paramref name="now"/>, oldest first. Within the rate budget the newest
    /// matching events become rows; the older surplus is counted in <see cref="NotShown"/>.
    /// </summary>
    public void Add(IReadOnlyList<TailEvent> events, DateTimeOffset now)
    {
        if (_lastAdd is { } last)
        {
            _budget = Math.Min(_rowsPerSecond, _budget + ((now - last).TotalSeconds * _rowsPerSecond));
        }

        _lastAdd = now;
        var matching = new List<TailEvent>();
        foreach (var e in events)
        {
            if (Filter.Matches(e))
            {
                matching.Add(e);
            }
        }

        Matched += matching.Count;
        if (Paused)
        {
            Missed += matching.Count;
            return;
        }

        var shown = (int)Math.Min(matching.Count, Math.Floor(_budget));
        _budget -= shown;
        NotShown += matching.Count - shown;
        for (var i = matching.Count - shown; i < matching.Count; i++)
        {
            _rows.Enqueue(matching[i]);
        }

        while (_rows.Count > _length)
        {
            _rows.Dequeue();
        }

        if (shown > 0)
        {
            _newestFirst = null;
        }
    }
}
