namespace ChoriaDashboard.Fleet.Queries;

/// <summary>
/// Filtered, sorted check lists shared by every <c>/checks</c> page that shows the same view: each (filter, fleet
/// revision) is computed once, however many browsers look at it, and the open pages hold the same rows. Computed per
/// page instead, a 100,000-node fleet's checks cost every open tab its own row objects (3.4 MB of live heap per tab in
/// <c>scripts/bench.sh tabs</c>, see docs/benchmarks.md). Bounded to <c>Ui:CheckListCacheSize</c> filters, least
/// recently used first out.
/// </summary>
public sealed class CheckListCache
{
    private readonly IFleetView _store;
    private readonly SharedLists<string, CheckRow> _lists;

    /// <param name="store">The fleet whose machines the lists are computed from.</param>
    /// <param name="capacity">Distinct filters kept (at least 1).</param>
    public CheckListCache(IFleetView store, int capacity)
    {
        _store = store;
        _lists = new SharedLists<string, CheckRow>(capacity, StringComparer.Ordinal);
    }

    /// <summary>How many lists were computed (not served from the cache); for diagnostics and tests.</summary>
    public long Computed => _lists.Computed;

    /// <summary>
    /// The rows for <paramref name="query"/> as of <paramref name="revision"/> (a <see cref="FleetSummary.Revision"/>) or
    /// newer: the list another page computed for the same filter at that revision or later, else a new one.
    /// </summary>
    public CheckRow[] Get(CheckQuery query, long revision) =>
        _lists.Get(query.Key, revision, () =>
        {
            // Read the revision first: the rows may then include later changes, never miss earlier ones.
            var current = Math.Max(revision, _store.Summary.Revision);
            return (query.Apply(_store.Machines), current);
        });
}
