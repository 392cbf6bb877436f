namespace ChoriaDashboard.Fleet;

/// <summary>Columns the node list sorts by.</summary>
public enum NodeSort
{
    Identity,
    Component,
    Version,
    State,
    LastSeen,
}

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
    public NodeSnapshot[] Apply(IEnumerable<NodeSnapshot> nodes)
    {
        var rows = nodes.Where(Matches).ToArray();
        Array.Sort(rows, Compare);
        return rows;
    }

    private int Compare(NodeSnapshot a, NodeSnapshot b)
    {
        var primary = Sort switch
        {
            NodeSort.Component => string.CompareOrdinal(a.Component, b.Component),
            NodeSort.Version => VersionComparer.Instance.Compare(a.Version, b.Version),
            NodeSort.State => Severity(a.State).CompareTo(Severity(b.State)),
            NodeSort.LastSeen => a.LastSeen.CompareTo(b.LastSeen),
            _ => 0,
        };
        if (Descending)
        {
            primary = -primary;
        }

        if (primary != 0)
        {
            return primary;
        }

        var identity = string.CompareOrdinal(a.Identity, b.Identity);
        return identity != 0 ? (Sort == NodeSort.Identity && Descending ? -identity : identity) : string.CompareOrdinal(a.Component, b.Component);
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

/// <summary>Orders version strings the way people read them: 0.29.10 after 0.29.9; unknown (null) first.</summary>
public sealed class VersionComparer : IComparer<string?>
{
    public static readonly VersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var xs = Parts(x);
        var ys = Parts(y);
        for (var i = 0; i < Math.Min(xs.Length, ys.Length); i++)
        {
            // Numeric parts compare as numbers and sort before text parts, so the order is consistent (transitive).
            var xNumeric = long.TryParse(xs[i], out var xn);
            var yNumeric = long.TryParse(ys[i], out var yn);
            var c = (xNumeric, yNumeric) switch
            {
                (true, true) => xn.CompareTo(yn),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(xs[i], ys[i]),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return xs.Length.CompareTo(ys.Length);
    }

    /// <summary>Versions are few and sorted often: split each once, up to a bounded number of distinct versions.</summary>
    private const int MaxCachedVersions = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> Split = new(StringComparer.Ordinal);

    private static string[] Parts(string version)
    {
        if (Split.TryGetValue(version, out var parts))
        {
            return parts;
        }

        parts = version.Split('.', '-', '+');
        if (Split.Count < MaxCachedVersions)
        {
            Split.TryAdd(version, parts);
        }

        return parts;
    }
}
