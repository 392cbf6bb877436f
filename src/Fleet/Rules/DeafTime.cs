namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// The periods the dashboard was cut off from the broker (connection down, a subscription missing) or did not run (a
/// suspended VM), so that silence it could not have heard does not count against a node. Times are on the liveness
/// clock (<see cref="Store.LivenessClock"/>) in the running app. A replay that covered a period takes it out again: what
/// happened then was heard after all. At most <c>Fleet:MaxOutages</c> periods are kept; beyond, the oldest is dropped,
/// and silence across it counts again (a node may turn stale or dead sooner, never later). Thread-safe: the broker
/// reports come from the ingest, the sweep reads a <see cref="DeafTimeline"/> on the writer.
/// </summary>
internal sealed class DeafTime(int maxPeriods)
{
    private readonly Lock _gate = new();
    private readonly List<(DateTimeOffset Start, DateTimeOffset End)> _closed = [];
    private DateTimeOffset? _openSince;

    /// <summary>True while cut off.</summary>
    public bool IsDeaf
    {
        get
        {
            lock (_gate)
            {
                return _openSince is not null;
            }
        }
    }

    /// <summary>Records that the dashboard is (or is no longer) cut off, as of <paramref name="now"/>.</summary>
    public void Set(bool deaf, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (deaf && _openSince is null)
            {
                _openSince = now;
            }
            else if (!deaf && _openSince is { } start)
            {
                _openSince = null;
                if (now > start)
                {
                    _closed.Add((start, now));
                    if (_closed.Count > maxPeriods)
                    {
                        _closed.RemoveAt(0);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Records a period the dashboard did not run (a suspended VM) as deaf time, merged with the periods it overlaps: a
    /// period still open covers what follows its start.
    /// </summary>
    public void Add(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            if (_openSince is { } open && open < to)
            {
                to = open;
            }

            if (to <= from)
            {
                return;
            }

            _closed.Add((from, to));
            _closed.Sort((a, b) => a.Start.CompareTo(b.Start));
            var merged = new List<(DateTimeOffset Start, DateTimeOffset End)>(_closed.Count);
            foreach (var period in _closed)
            {
                if (merged.Count > 0 && period.Start <= merged[^1].End)
                {
                    var last = merged[^1];
                    merged[^1] = (last.Start, period.End > last.End ? period.End : last.End);
                }
                else
                {
                    merged.Add(period);
                }
            }

            _closed.Clear();
            _closed.AddRange(merged.Count > maxPeriods ? merged.GetRange(merged.Count - maxPeriods, maxPeriods) : merged);
        }
    }

    /// <summary>A replay brought in everything between <paramref name="from"/> and <paramref name="to"/>: that time was heard.</summary>
    public void Heard(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            var kept = new List<(DateTimeOffset Start, DateTimeOffset End)>(_closed.Count + 1);
            foreach (var (start, end) in _closed)
            {
                if (end <= from || start >= to)
                {
                    kept.Add((start, end));
                    continue;
                }

                if (start < from)
                {
                    kept.Add((start, from));
                }

                if (end > to)
                {
                    kept.Add((to, end));
                }
            }

            _closed.Clear();
            _closed.AddRange(kept);
            if (_openSince is { } open && open < to)
            {
                // Still cut off: the part the replay covered was heard, the rest is not yet.
                if (open < from)
                {
                    _closed.Add((open, from));
                }

                _openSince = to;
            }
        }
    }

    /// <summary>
    /// Nothing was heard between <paramref name="from"/> and <paramref name="to"/> after all (a replay given up part-way
    /// did not bring that history): the period is added, merged with those it touches.
    /// </summary>
    public void Unheard(DateTimeOffset from, DateTimeOffset to)
    {
        lock (_gate)
        {
            if (_openSince is { } open && to > open)
            {
                // The open period covers the rest.
                to = open;
            }

            if (to <= from)
            {
                return;
            }

            var merged = new List<(DateTimeOffset Start, DateTimeOffset End)>(_closed.Count + 1);
            foreach (var (start, end) in _closed)
            {
                if (end < from || start > to)
                {
                    merged.Add((start, end));
                }
                else
                {
                    from = start < from ? start : from;
                    to = end > to ? end : to;
                }
            }

            merged.Add((from, to));
            merged.Sort((a, b) => a.Start.CompareTo(b.Start));
            _closed.Clear();
            _closed.AddRange(merged.Skip(Math.Max(0, merged.Count - maxPeriods)));
        }
    }

    /// <summary>The length of the periods that have ended (one still going on is not counted yet).</summary>
    public TimeSpan ClosedTotal()
    {
        lock (_gate)
        {
            var total = TimeSpan.Zero;
            foreach (var (start, end) in _closed)
            {
                total += end - start;
            }

            return total;
        }
    }

    /// <summary>An immutable copy to judge silences with; a period still open ends at <paramref name="now"/>.</summary>
    public DeafTimeline Snapshot(DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_closed.Count == 0 && _openSince is null)
            {
                return DeafTimeline.None;
            }

            var periods = new List<(DateTimeOffset, DateTimeOffset)>(_closed);
            if (_openSince is { } open && now > open)
            {
                periods.Add((open, now));
            }

            return new DeafTimeline(periods);
        }
    }
}

/// <summary>Periods the dashboard could not hear the fleet, to take out of a node's silence.</summary>
public sealed class DeafTimeline
{
    /// <summary>Never cut off.</summary>
    public static readonly DeafTimeline None = new([]);

    private readonly long[] _starts;
    private readonly long[] _lengths;
    private readonly long[] _before;

    /// <param name="periods">Start and end of each period, in time order, not overlapping.</param>
    public DeafTimeline(IReadOnlyList<(DateTimeOffset Start, DateTimeOffset End)> periods)
    {
        _starts = new long[periods.Count];
        _lengths = new long[periods.Count];
        _before = new long[periods.Count + 1];
        for (var i = 0; i < periods.Count; i++)
        {
            _starts[i] = periods[i].Start.UtcTicks;
            _lengths[i] = Math.Max(0, periods[i].End.UtcTicks - periods[i].Start.UtcTicks);
            _before[i + 1] = _before[i] + _lengths[i];
        }
    }

    /// <summary>All the time cut off.</summary>
    public TimeSpan Total => TimeSpan.FromTicks(_before[^1]);

    /// <summary>How much of the time between <paramref name="from"/> and <paramref name="to"/> the dashboard was cut off.</summary>
    public TimeSpan Between(DateTimeOffset from, DateTimeOffset to) =>
        _starts.Length == 0 || to <= from ? TimeSpan.Zero : TimeSpan.FromTicks(Upto(to.UtcTicks) - Upto(from.UtcTicks));

    /// <summary>Deaf ticks before <paramref name="ticks"/>.</summary>
    private long Upto(long ticks)
    {
        // The last period that starts at or before the instant.
        var i = Array.BinarySearch(_starts, ticks);
        if (i < 0)
        {
            i = ~i - 1;
        }

        return i < 0 ? 0 : _before[i] + Math.Min(ticks - _starts[i], _lengths[i]);
    }
}
