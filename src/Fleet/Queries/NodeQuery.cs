namespace ChoriaDashboard.Fleet;

/// <summary>A node list filter: every part optional. Filtering runs on the server; the browser gets visible rows only.</summary>
public sealed record NodeQuery
{
    /// <summary>Case-insensitive substring of the identity.</summary>
    public string? Search { get; init; }

    public string? Component { get; init; }

    public NodeState? State { get; init; }

    public string? Version { get; init; }

    public NodeSort Sort { get; init; } = NodeSort.State;

    public bool Descending { get; init; }

    public bool Matches(NodeSnapshot node) =>
        (State is null || node.State == State)
        && (Component is null || node.Component == Component)
        && (Version is null || (node.Version ?? "unknown") == Version)
        && (string.IsNullOrEmpty(Search) || node.Identity.Contains(Search, StringComparison.OrdinalIgnoreCase));

    /// <summary>Filters and sorts. The default order puts trouble first: dead, stale, stopped, then live; then by identity.</summary>
    /// <remarks>
    /// Sorting 100,000 rows is the costly part, so each row's primary key is computed once (a rank for components and
    /// versions, of which there are few) and the sort compares plain keys, never re-deriving them per comparison.
    /// </remarks>
    public NodeSnapshot[] Apply(IEnumerable<NodeSnapshot> nodes)
    {
        var rows = nodes.Where(Matches).ToArray();
        var keys = new SortKey[rows.Length];
        var ranks = Sort is NodeSort.Component or NodeSort.Version ? Ranks(rows) : null;
        for (var i = 0; i < rows.Length; i++)
        {
            var node = rows[i];
            long primary = Sort switch
            {
                NodeSort.State => Severity(node.State),
                NodeSort.LastSeen => node.LastSeen.UtcTicks,
                NodeSort.Component => ranks![node.Component],
                NodeSort.Version => ranks![node.Version ?? ""],
                _ => 0,
            };
            keys[i] = new SortKey(Descending && Sort != NodeSort.Identity ? -primary : primary, node.Identity, node.Component);
        }

        Array.Sort(keys, rows, Sort == NodeSort.Identity && Descending ? SortKeyComparer.IdentityDescending : SortKeyComparer.Ascending);
        return rows;
    }

    /// <summary>The position of each distinct component or version in sorted order.</summary>
    private Dictionary<string, long> Ranks(NodeSnapshot[] rows)
    {
        IEnumerable<string> distinct = Sort == NodeSort.Component
            ? rows.Select(r => r.Component).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            : rows.Select(r => r.Version ?? "").Distinct(StringComparer.Ordinal).Order(NullFirstVersions.Instance);
        var ranks = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var value in distinct)
        {
            ranks[value] = ranks.Count;
        }

        return ranks;
    }

    private readonly record struct SortKey(long Primary, string Identity, string Component);

    private sealed class SortKeyComparer(bool identityDescending) : IComparer<SortKey>
    {
        public static readonly SortKeyComparer Ascending = new(false);
        public static readonly SortKeyComparer IdentityDescending = new(true);

        public int Compare(SortKey x, SortKey y)
        {
            var c = x.Primary.CompareTo(y.Primary);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(x.Identity, y.Identity);
            if (c != 0)
            {
                return identityDescending ? -c : c;
            }

            return string.CompareOrdinal(x.Component, y.Component);
        }
    }

    /// <summary>Versions in reading order, with the empty string (no version seen) first, as <see cref="VersionComparer"/> puts null.</summary>
    private sealed class NullFirstVersions : IComparer<string>
    {
        public static readonly NullFirstVersions Instance = new();

        public int Compare(string? x, string? y) =>
            VersionComparer.Instance.Compare(string.IsNullOrEmpty(x) ? null : x, string.IsNullOrEmpty(y) ? null : y);
    }

    /// <summary>Dead first: what on-call must see.</summary>
    public static int Severity(NodeState state) => state switch
    {
        NodeState.Dead => 0,
        NodeState.Stale => 1,
        NodeState.Stopped => 2,
        _ => 3,
    };
}
