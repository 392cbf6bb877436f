using System.Collections.Concurrent;
using System.Collections.Immutable;
using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Bench.Ledger;

/// <summary>
/// Ledger rows for the writer's plain-looking habits: a count it keeps itself instead of asking the
/// <see cref="ConcurrentDictionary{TKey, TValue}"/> (which takes every lock), and a node table sized for a whole fleet at start.
/// </summary>
[MemoryDiagnoser]
public class WriterLedgerBenchmarks
{
    private const int Nodes = 100_000;
    private readonly ConcurrentDictionary<NodeKey, NodeSnapshot> _table = new();
    private NodeSnapshot[] _snapshots = [];
    private int _count;

    [GlobalSetup]
    public void Setup()
    {
        _snapshots = [.. BenchData.Fleet(Nodes).Nodes.Values];
        foreach (var node in _snapshots)
        {
            _table[node.Key] = node;
        }

        _count = _table.Count;
    }

    /// <summary>What a new node's limit check (<c>Fleet:MaxNodes</c>) costs when it asks the table.</summary>
    [Benchmark]
    public int CountFromTheTable() => _table.Count;

    [Benchmark]
    public int CountKeptByTheWriter() => Volatile.Read(ref _count);

    /// <summary>A whole fleet starting: 100,000 new nodes into a table of the default size.</summary>
    [Benchmark]
    public int StormIntoDefaultTable() => Fill(new ConcurrentDictionary<NodeKey, NodeSnapshot>());

    [Benchmark]
    public int StormIntoPresizedTable() => Fill(new ConcurrentDictionary<NodeKey, NodeSnapshot>(Environment.ProcessorCount, 1 << 17));

    private int Fill(ConcurrentDictionary<NodeKey, NodeSnapshot> table)
    {
        foreach (var node in _snapshots)
        {
            table[node.Key] = node;
        }

        return table.Count;
    }
}

/// <summary>
/// Ledger row for long-lived machine entries updated in place: a nagios state for a watcher the fleet already knows,
/// against the plain immutable version (a new host, machine map, machine, watcher map and watcher per event, as records
/// and <see cref="ImmutableDictionary{TKey, TValue}"/> would have it), on 10,000 hosts with three checks each.
/// </summary>
[MemoryDiagnoser]
public class MachineInPlaceLedgerBenchmarks
{
    private const int Hosts = 10_000;
    private static readonly string[] Checks = ["check_httpd", "check_load", "check_disk"];
    private readonly FleetChangeSet _changes = new();
    private readonly Dictionary<string, PlainHost> _plain = new(StringComparer.Ordinal);
    private FleetState _state = default!;
    private NagiosWatcherState[] _events = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _state = new FleetState(new FleetOptions { MaxNodes = 10_000_000 });
        _events = [.. Enumerable.Range(0, Hosts).SelectMany(i => Checks.Select(c => BenchData.Nagios(i) with { Machine = c }))];
        foreach (var evt in _events)
        {
            _state.Apply(evt, BenchData.Epoch, _changes);
            Plain(evt, BenchData.Epoch);
        }

        _changes.Clear();
    }

    [Benchmark(Baseline = true)]
    public int PlainImmutableRebuild()
    {
        var evt = _events[_next++ % _events.Length];
        return Plain(evt, BenchData.Epoch).Machines.Count;
    }

    [Benchmark]
    public ApplyOutcome InPlace()
    {
        var outcome = _state.Apply(_events[_next++ % _events.Length], BenchData.Epoch, _changes);
        _changes.Clear();
        return outcome;
    }

    private PlainHost Plain(NagiosWatcherState evt, DateTimeOffset receivedAt)
    {
        var host = _plain.GetValueOrDefault(evt.Identity) ?? new PlainHost(evt.Identity, ImmutableDictionary.Create<string, PlainMachine>(StringComparer.Ordinal));
        var machine = host.Machines.GetValueOrDefault(evt.Machine) ?? new PlainMachine(evt.Machine, evt.MachineVersion, receivedAt, ImmutableDictionary.Create<string, WatcherSnapshot>(StringComparer.Ordinal));
        var watcher = WatcherSnapshot.From(evt, receivedAt);
        var next = host with { Machines = host.Machines.SetItem(evt.Machine, machine with { LastSeen = receivedAt, Watchers = machine.Watchers.SetItem(evt.Name, watcher) }) };
        _plain[evt.Identity] = next;
        return next;
    }

    private sealed record PlainHost(string Identity, ImmutableDictionary<string, PlainMachine> Machines);

    private sealed record PlainMachine(string Name, string Version, DateTimeOffset LastSeen, ImmutableDictionary<string, WatcherSnapshot> Watchers);
}
