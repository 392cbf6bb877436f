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
    private readonly SharedLists<NodeQuery, NodeSnapshot> _lists;

    public NodeListCache(IFleetView store, int capacity)
    {
        _store = store;
        _lists = new SharedLists<NodeQuery, NodeSnapshot>(capacity);
    }

    /// <summary>How many lists were computed (not served from the cache); for diagnostics and tests.</summary>
    public long Computed => _lists.Computed;

    /// <summary>The revision a list for <paramref name="query"/> depends on: last-seen order changes with every batch.</summary>
    public static long RevisionFor(NodeQuery query, FleetSummary summary) =>
        query.Sort == NodeSort.LastSeen ? summary.Revision : summary.NodeListRevision;

    /// <summary>The rows for <paramref name="query"/> as of <paramref name="revision"/> or newer.</summary>
    public NodeSnapshot[] Get(NodeQuery query, long revision) =>
        _lists.Get(query, revision, () =>
        {
            // Read the revision first: the rows may then include later changes, never miss earlier ones. "Not on newest"
            // compares with the newest versions the same summary shows, so the list agrees with the overview's count.
            var summary = _store.Summary;
            var current = Math.Max(revision, RevisionFor(query, summary));
            return (query.Apply(_store.Nodes.Select(pair => pair.Value), query.Outdated ? NodeQuery.NewestVersions(summary) : null), current);
        });
}
