using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;

namespace ChoriaDashboard.Components.Wall;

/// <summary>
/// The board's dead and stale nodes, newest problem first: ordered by when each went silent past its own stale
/// threshold (its component's <c>StaleAfter</c>, raised by its alive cadence). Built from the node lists every browser shares (<see cref="NodeListCache"/>), which change only
/// when a node's state does, so an alive storm costs the board nothing here.
/// </summary>
public sealed class WallProblems
{
    private static readonly NodeQuery DeadQuery = new() { State = NodeState.Dead };
    private static readonly NodeQuery StaleQuery = new() { State = NodeState.Stale };

    private NodeSnapshot[]? _dead;
    private NodeSnapshot[]? _stale;
    private object? _filter;

    /// <summary>Dead and stale nodes of the components shown, newest problem first.</summary>
    public IReadOnlyList<NodeSnapshot> Rows { get; private set; } = [];

    /// <summary>How many times the rows were rebuilt; for tests.</summary>
    public int Rebuilds { get; private set; }

    /// <summary>Rebuilds <see cref="Rows"/> if the shared lists or the filter changed since the last call.</summary>
    /// <param name="shows">Whether the board shows a component; null shows all. A new delegate counts as a new filter.</param>
    /// <param name="staleAfter">The stale threshold in force for a node (see <see cref="FleetOptions.ThresholdsFor(NodeSnapshot)"/>).</param>
    public void Refresh(NodeListCache lists, FleetSummary summary, Func<string, bool>? shows, Func<NodeSnapshot, TimeSpan> staleAfter)
    {
        var dead = lists.Get(DeadQuery, NodeListCache.RevisionFor(DeadQuery, summary));
        var stale = lists.Get(StaleQuery, NodeListCache.RevisionFor(StaleQuery, summary));
        if (ReferenceEquals(dead, _dead) && ReferenceEquals(stale, _stale) && ReferenceEquals(shows, _filter))
        {
            return;
        }

        _dead = dead;
        _stale = stale;
        _filter = shows;
        var rows = new List<NodeSnapshot>(dead.Length + stale.Length);
        foreach (var node in dead.Concat(stale))
        {
            if (shows is null || shows(node.Component))
            {
                rows.Add(node);
            }
        }

        var array = rows.ToArray();
        var keys = new (long Since, string Identity, string Component)[array.Length];
        for (var i = 0; i < array.Length; i++)
        {
            var node = array[i];
            // Newest first: the larger "problem since", the earlier in the list.
            keys[i] = (-(node.LastSeen + staleAfter(node)).UtcTicks, node.Identity, node.Component);
        }

        Array.Sort(keys, array, KeyComparer.Instance);
        Rows = array;
        Rebuilds++;
    }

    private sealed class KeyComparer : IComparer<(long Since, string Identity, string Component)>
    {
        public static readonly KeyComparer Instance = new();

        public int Compare((long Since, string Identity, string Component) x, (long Since, string Identity, string Component) y)
        {
            var c = x.Since.CompareTo(y.Since);
            if (c == 0)
            {
                c = string.CompareOrdinal(x.Identity, y.Identity);
            }

            return c != 0 ? c : string.CompareOrdinal(x.Component, y.Component);
        }
    }
}
