using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Queries;

/// <summary>A node list filter: every part optional. Filtering runs on the server; the browser gets visible rows only.</summary>
public sealed record NodeQuery
{
    /// <summary>Case-insensitive substring of the identity.</summary>
    public string? Search { get; init; }

    public string? Component { get; init; }

    public NodeState? State { get; init; }

    public string? Version { get; init; }

    /// <summary>Only nodes not on their component's newest version (<see cref="ComponentSummary.Newest"/>); unknown versions never match.</summary>
    public bool Outdated { get; init; }

    public NodeSort Sort { get; init; } = NodeSort.State;

    public bool Descending { get; init; }

    /// <summary>Whether <paramref name="node"/> passes the filter; <paramref name="newest"/> (component to newest version) is needed for <see cref="Outdated"/>.</summary>
    public bool Matches(NodeSnapshot node, IReadOnlyDictionary<string, string>? newest = null) =>
        (State is null || node.State == State)
        && (Component is null || node.Component == Component)
        && (Version is null || (node.Version ?? VersionCount.Unknown) == Version)
        && (!Outdated || (node.Version is { } version && newest?.GetValueOrDefault(node.Component) is { } latest && version != latest))
        && (string.IsNullOrEmpty(Search) || node.Identity.Contains(Search, StringComparison.OrdinalIgnoreCase));

    /// <summary>Each component's newest version over <paramref name="nodes"/>, as <see cref="ComponentSummary.Newest"/> computes it from counts.</summary>
    public static Dictionary<string, string> NewestVersions(IEnumerable<NodeSnapshot> nodes)
    {
        var versions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (node.Version is { } version)
            {
                if (!versions.TryGetValue(node.Component, out var set))
                {
                    versions[node.Component] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(version);
            }
        }

        var newest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (component, set) in versions)
        {
            if (VersionComparer.Newest(set) is { } latest)
            {
                newest[component] = latest;
            }
        }

        return newest;
    }

    /// <summary>
    /// Filters and sorts. The default order puts trouble first: dead, stale, stopped, then live; then by identity in
    /// natural order (<c>web-2</c> before <c>web-10</c>).
    /// </summary>
    /// <remarks>
    /// Sorting 100,000 rows is the costly part, so each row's primary key is computed once (a rank for components and
    /// versions, of which there are few) and the sort compares plain keys, never re-deriving them per comparison.
    /// </remarks>
    public NodeSnapshot[] Apply(IEnumerable<NodeSnapshot> nodes)
    {
        Dictionary<string, string>? newest = null;
        if (Outdated)
        {
            var all = nodes as IReadOnlyCollection<NodeSnapshot> ?? [.. nodes];
            newest = NewestVersions(all);
            nodes = all;
        }

        var rows = nodes.Where(n => Matches(n, newest)).ToArray();
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

            c = NaturalStringComparer.Instance.Compare(x.Identity, y.Identity);
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
