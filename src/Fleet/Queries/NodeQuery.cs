using System.Buffers;
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

    /// <summary>Each component's newest version as its summary names it (<see cref="ComponentSummary.Newest"/>): what <see cref="Outdated"/> compares with.</summary>
    public static Dictionary<string, string> NewestVersions(FleetSummary summary)
    {
        var newest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var component in summary.Components)
        {
            if (component.Newest is { } latest)
            {
                newest[component.Component] = latest;
            }
        }

        return newest;
    }

    /// <summary>
    /// Each component's newest version over <paramref name="nodes"/>, by the rule <see cref="ComponentSummary.Newest"/>
    /// follows: the highest version a live or stale node runs, release versions first unless <paramref name="preReleaseNewest"/>.
    /// </summary>
    public static Dictionary<string, string> NewestVersions(IEnumerable<NodeSnapshot> nodes, bool preReleaseNewest = false)
    {
        var versions = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var node in nodes)
        {
            if (node.Version is { } version && node.State is NodeState.Live or NodeState.Stale)
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
            if (VersionComparer.NewestActive(set, preReleaseNewest) is { } latest)
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
    /// <param name="newest">
    /// Component to newest version for <see cref="Outdated"/>, as the summary names it (<see cref="NewestVersions(FleetSummary)"/>);
    /// when null, worked out from <paramref name="nodes"/> by the same rule.
    /// </param>
    public NodeSnapshot[] Apply(IEnumerable<NodeSnapshot> nodes, IReadOnlyDictionary<string, string>? newest = null)
    {
        // The identity search as the runtime's vectorised multi-string search (made once per list): string.Contains with
        // OrdinalIgnoreCase took about 600 ns an identity here (the app runs with invariant globalization), a million
        // identities 0.6 s (docs/benchmarks.md, ledger).
        var search = string.IsNullOrEmpty(Search) ? null : SearchValues.Create([Search], StringComparison.OrdinalIgnoreCase);
        Func<NodeSnapshot, bool> matches = n => MatchesBesidesOutdated(n, search);
        if (Outdated)
        {
            if (newest is null)
            {
                var all = nodes as IReadOnlyCollection<NodeSnapshot> ?? [.. nodes];
                newest = NewestVersions(all);
                nodes = all;
            }

            var behind = new BehindNewest(newest);
            matches = n => MatchesBesidesOutdated(n, search) && behind.IsBehind(n);
        }

        var rows = nodes.Where(matches).ToArray();
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

    /// <summary>Whether <paramref name="node"/> passes every filter but <see cref="Outdated"/> (which needs the newest versions).</summary>
    private bool MatchesBesidesOutdated(NodeSnapshot node, SearchValues<string>? search) =>
        (State is null || node.State == State)
        && (Component is null || node.Component == Component)
        && (Version is null || (node.Version ?? VersionCount.Unknown) == Version)
        && (search is null || node.Identity.AsSpan().ContainsAny(search));

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

    /// <summary>
    /// Whether a node's version is behind its component's newest, worked out once per (component, version): a list of
    /// 100,000 nodes runs a handful of version comparisons, not one per node.
    /// </summary>
    private sealed class BehindNewest(IReadOnlyDictionary<string, string> newest)
    {
        private readonly Dictionary<string, Func<string, bool>> _tests = new(StringComparer.Ordinal);
        private readonly Dictionary<(string Component, string Version), bool> _known = [];

        public bool IsBehind(NodeSnapshot node)
        {
            if (node.Version is not { } version || newest.GetValueOrDefault(node.Component) is not { } latest)
            {
                return false;
            }

            if (!_known.TryGetValue((node.Component, version), out var behind))
            {
                if (!_tests.TryGetValue(node.Component, out var test))
                {
                    _tests[node.Component] = test = VersionComparer.OlderThan(latest);
                }

                _known[(node.Component, version)] = behind = test(version);
            }

            return behind;
        }
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
