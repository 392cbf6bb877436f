using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Queries;

/// <summary>
/// Filtered, sorted node lists shared by every page that shows the same view: each (query, node list revision) is computed
/// once, however many browsers look at it. A sort of 100,000 nodes costs tens of milliseconds, so without this the
/// server's cost would grow with the number of open node lists. Bounded to <c>Ui:NodeListCacheSize</c> queries, least
/// recently used first out.
/// </summary>
public sealed class NodeListCache
{
    private readonly IFleetView _store;
    private readonly int _capacity;
    private readonly Lock _lock = new();
    private readonly Dictionary<NodeQuery, Entry> _entries = [];
    private long _clock;

    public NodeListCache(IFleetView store, int capacity)
    {
        _store = store;
        _capacity = Math.Max(1, capacity);
    }

    /// <summary>How many lists were computed (not served from the cache); for diagnostics and tests.</summary>
    public long Computed => Interlocked.Read(ref _computed);

    private long _computed;

    /// <summary>The revision a list for <paramref name="query"/> depends on: last-seen order changes with every batch.</summary>
    public static long RevisionFor(NodeQuery query, FleetSummary summary) =>
        query.Sort == NodeSort.LastSeen ? summary.Revision : summary.NodeListRevision;

    /// <summary>The rows for <paramref name="query"/> as of <paramref name="revision"/> or newer.</summary>
    public NodeSnapshot[] Get(NodeQuery query, long revision)
    {
        Entry entry;
        lock (_lock)
        {
            if (!_entries.TryGetValue(query, out entry!))
            {
                if (_entries.Count >= _capacity)
                {
                    _entries.Remove(_entries.MinBy(e => e.Value.LastUsed).Key);
                }

                entry = new Entry();
                _entries[query] = entry;
            }

            entry.LastUsed = ++_clock;
        }

        lock (entry)
        {
            if (entry.Rows is not null && entry.Revision >= revision)
            {
                return entry.Rows;
            }

            // Read the revision first: the rows may then include later changes, never miss earlier ones. "Not on newest"
            // compares with the newest versions the same summary shows, so the list agrees with the overview's count.
            var summary = _store.Summary;
            var current = Math.Max(revision, RevisionFor(query, summary));
            entry.Rows = query.Apply(_store.Nodes.Select(pair => pair.Value), query.Outdated ? NodeQuery.NewestVersions(summary) : null);
            entry.Revision = current;
            Interlocked.Increment(ref _computed);
            return entry.Rows;
        }
    }

    private sealed class Entry
    {
        public NodeSnapshot[]? Rows;
        public long Revision = -1;
        public long LastUsed;
    }
}
