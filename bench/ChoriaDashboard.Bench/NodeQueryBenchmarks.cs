using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;

namespace ChoriaDashboard.Bench;

/// <summary>The node list's server-side work per refresh: filter and sort 100,000 nodes.</summary>
[MemoryDiagnoser]
public class NodeQueryBenchmarks
{
    private const int Nodes = 100_000;
    private readonly NodeQuery _default = new();
    private readonly NodeQuery _search = new() { Search = "node01234" };
    private readonly NodeQuery _stateAndVersion = new() { State = NodeState.Live, Version = "0.29.3", Sort = NodeSort.LastSeen, Descending = true };
    private IReadOnlyDictionary<NodeKey, NodeSnapshot> _nodes = default!;

    [GlobalSetup]
    public void Setup() => _nodes = BenchData.Fleet(Nodes).Nodes;

    /// <summary>What /nodes does on every refresh without a filter: trouble first, then by identity.</summary>
    [Benchmark(Baseline = true)]
    public int DefaultSort() => _default.Apply(_nodes.Values).Length;

    /// <summary>The identity search box (case-insensitive substring).</summary>
    [Benchmark]
    public int SearchFilter() => _search.Apply(_nodes.Values).Length;

    [Benchmark]
    public int StateVersionFilterByLastSeen() => _stateAndVersion.Apply(_nodes.Values).Length;
}
