using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Bench;

/// <summary>The writer's cost per event with a 100,000-node fleet: an alive or a startup for a node it already has.</summary>
[MemoryDiagnoser]
public class FleetStateBenchmarks
{
    private const int Nodes = 100_000;
    private readonly FleetChangeSet _changes = new();
    private FleetState _state = default!;
    private AliveEvent[] _alives = [];
    private StartupEvent[] _startups = [];
    private int _next;
    private DateTimeOffset _now;

    [Params(32)]
    public int HistoryLength { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = BenchData.Fleet(Nodes, new FleetOptions { MaxNodes = 10_000_000, HistoryLength = HistoryLength });
        _alives = [.. Enumerable.Range(0, Nodes).Select(i => BenchData.Alive(i))];
        _startups = [.. Enumerable.Range(0, Nodes).Select(i => BenchData.Startup(i, "0.29.5"))];
        _now = BenchData.Epoch.AddHours(3);

        // Fill every node's history, so the benchmark measures the steady state. A separate change set: one that had
        // held 100,000 upserts would make every Clear() below cost O(100,000), which the app never sees (a change set
        // holds one writer batch, at most Fleet:MaxBatchSize).
        var filling = new FleetChangeSet();
        for (var round = 0; round < HistoryLength; round++)
        {
            foreach (var alive in _alives)
            {
                _state.Apply(alive, _now, filling);
            }

            filling.Clear();
        }
    }

    [Benchmark(Baseline = true)]
    public ApplyOutcome ApplyAlive()
    {
        var i = _next++ % Nodes;
        _now = _now.AddTicks(1);
        var outcome = _state.Apply(_alives[i], _now, _changes);
        _changes.Clear();
        return outcome;
    }

    [Benchmark]
    public ApplyOutcome ApplyStartup()
    {
        var i = _next++ % Nodes;
        _now = _now.AddTicks(1);
        var outcome = _state.Apply(_startups[i], _now, _changes);
        _changes.Clear();
        return outcome;
    }

    /// <summary>What a summary costs to build (once per writer batch).</summary>
    [Benchmark]
    public FleetSummary BuildSummary() => _state.BuildSummary(1, _now);
}
