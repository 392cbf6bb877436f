namespace ChoriaDashboard.Fleet.Queries;

/// <summary>
/// Lists computed from the fleet once per view and revision and shared by every reader of that view: the cache behind
/// <see cref="NodeListCache"/> and <see cref="CheckListCache"/>. Holds at most a capacity of views, least recently used
/// first out; one list per view (the newest computed). Thread-safe: a view is computed by one caller at a time, and
/// callers asking for the same view meanwhile wait and share its result.
/// </summary>
/// <typeparam name="TKey">What identifies a view (equal keys share a list).</typeparam>
/// <typeparam name="TRow">A row of a list.</typeparam>
internal sealed class SharedLists<TKey, TRow>
    where TKey : notnull
{
    private readonly int _capacity;
    private readonly Lock _lock = new();
    private readonly Dictionary<TKey, Entry> _entries;
    private long _clock;
    private long _computed;

    /// <param name="capacity">Views kept (at least 1).</param>
    /// <param name="comparer">How keys compare; the default when null.</param>
    public SharedLists(int capacity, IEqualityComparer<TKey>? comparer = null)
    {
        _capacity = Math.Max(1, capacity);
        _entries = new Dictionary<TKey, Entry>(comparer);
    }

    /// <summary>How many lists were computed (not served from the cache).</summary>
    public long Computed => Interlocked.Read(ref _computed);

    /// <summary>
    /// The list of <paramref name="key"/> as of <paramref name="revision"/> or newer: the one kept when it is that new,
    /// else what <paramref name="compute"/> returns (the rows, and the revision they are current as of, which must be at
    /// least <paramref name="revision"/>; read it before reading the fleet, so the rows may include later changes but
    /// never miss earlier ones).
    /// </summary>
    public TRow[] Get(TKey key, long revision, Func<(TRow[] Rows, long Revision)> compute)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(key, out entry!))
            {
                if (_entries.Count >= _capacity)
                {
                    _entries.Remove(_entries.MinBy(e => e.Value.LastUsed).Key);
                }

                entry = new Entry();
                _entries[key] = entry;
            }

            entry.LastUsed = ++_clock;
        }

        lock (entry)
        {
            if (entry.Rows is not null && entry.Revision >= revision)
            {
                return entry.Rows;
            }

            (entry.Rows, entry.Revision) = compute();
            Interlocked.Increment(ref _computed);
            return entry.Rows;
        }
    }

    private sealed class Entry
    {
        public TRow[]? Rows;
        public long Revision = -1;
        public long LastUsed;
    }
}
