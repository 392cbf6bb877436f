using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;

namespace ChoriaDashboard.Bench;

/// <summary>The node list's server-side work per refresh: filter and sort 100,000 nodes, and a million (issue 23).</summary>
[MemoryDiagnoser]
public class NodeQueryBenchmarks
{
    private readonly NodeQuery _default = new();
    private readonly NodeQuery _search = new() { Search = "node01234" };
    private readonly NodeQuery _stateAndVersion = new() { State = NodeState.Live, Version = "0.29.3", Sort = NodeSort.LastSeen, Descending = true };
    private IReadOnlyDictionary<NodeKey, NodeSnapshot> _nodes = default!;

    [Params(100_000, 1_000_000)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup() => _nodes = BenchData.Fleet(Nodes).Nodes;

    /// <summary>What /nodes does on every refresh without a filter: trouble first, then by identity.</summary>
    [Benchmark(Baseline = true)]
    public int DefaultSort() => _default.Apply(_nodes.Values).Length;

    /// <summary>The identity search box (case-insensitive substring).</summary>
    [Benchmark]
    public int SearchFilter() => _search.Apply(_nodes.Values).Length;

    /// <summary>The plain search it replaced (ledger): string.Contains, OrdinalIgnoreCase, per identity.</summary>
    [Benchmark]
    public int SearchFilterStringContains() =>
        _nodes.Values.Where(n => n.Identity.Contains(_search.Search!, StringComparison.OrdinalIgnoreCase)).Count();

    [Benchmark]
    public int StateVersionFilterByLastSeen() => _stateAndVersion.Apply(_nodes.Values).Length;
}
