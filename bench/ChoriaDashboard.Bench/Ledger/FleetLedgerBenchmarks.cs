using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;

namespace ChoriaDashboard.Bench.Ledger;

/// <summary>
/// Ledger row for the in-place alive: an alive from a live node on the version it already runs updates the node's
/// activity in place. The plain path is the one every other event takes (a new snapshot, counters moved): here an
/// alive that flips the node between two versions, on the same 100,000-node fleet.
/// </summary>
[MemoryDiagnoser]
public class InPlaceAliveLedgerBenchmarks
{
    private const int Nodes = 100_000;
    private readonly FleetChangeSet _changes = new();
    private FleetState _state = default!;
    private AliveEvent[] _same = [];
    private AliveEvent[][] _flip = [];
    private NodeKey[] _keys = [];
    private int _next;
    private DateTimeOffset _now;

    [GlobalSetup]
    public void Setup()
    {
        _state = BenchData.Fleet(Nodes, new FleetOptions { MaxNodes = 10_000_000 });
        _same = [.. Enumerable.Range(0, Nodes).Select(i => BenchData.Alive(i, i % 3 == 0 ? "0.29.3" : "0.29.4"))];
        _flip = [[.. Enumerable.Range(0, Nodes).Select(i => BenchData.Alive(i, "0.29.5"))], [.. Enumerable.Range(0, Nodes).Select(i => BenchData.Alive(i, "0.29.6"))]];
        _keys = [.. Enumerable.Range(0, Nodes).Select(i => new NodeKey(BenchData.Identity(i), ChoriaComponents.Server))];
        _now = BenchData.Epoch.AddHours(3);
        var filling = new FleetChangeSet();
        foreach (var alive in _same)
        {
            _state.Apply(alive, _now, filling);
        }
    }

    [Benchmark(Baseline = true)]
    public ApplyOutcome NewSnapshot()
    {
        var n = _next++;
        var outcome = _state.Apply(_flip[(n / Nodes) & 1][n % Nodes], _now = _now.AddTicks(1), _changes);
        _changes.Clear();
        return outcome;
    }

    [Benchmark]
    public ApplyOutcome InPlace()
    {
        var n = _next++;
        var i = n % Nodes;

        // After NewSnapshot's run the node runs 0.29.5 or 0.29.6; an alive on the version it runs is the in-place case.
        var running = _state.Nodes[_keys[i]].Version;
        var alive = running == _same[i].Version ? _same[i] : _flip[running == "0.29.5" ? 0 : 1][i];
        var outcome = _state.Apply(alive, _now = _now.AddTicks(1), _changes);
        _changes.Clear();
        return outcome;
    }
}

/// <summary>
/// Ledger row for <c>SmallDictionary</c>: a node's machines map (three machines) with one entry replaced, and read,
/// against <see cref="ImmutableDictionary{TKey, TValue}"/>. The value changes each time, as a new machine entry does.
/// </summary>
[MemoryDiagnoser]
public class SmallDictionaryLedgerBenchmarks
{
    private static readonly string[] Names = ["check_httpd", "check_load", "check_disk"];
    private ImmutableDictionary<string, object> _plain = ImmutableDictionary.Create<string, object>(StringComparer.Ordinal);
    private SmallDictionary<object> _small = SmallDictionary<object>.Empty;
    private readonly object[] _values = [new(), new()];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        foreach (var name in Names)
        {
            _plain = _plain.SetItem(name, new object());
            _small = _small.SetItem(name, new object());
        }
    }

    [Benchmark(Baseline = true)]
    public object PlainSetAndGet()
    {
        var name = Names[_next % Names.Length];
        _plain = _plain.SetItem(name, _values[_next++ & 1]);
        return _plain[Names[_next % Names.Length]];
    }

    [Benchmark]
    public object SmallSetAndGet()
    {
        var name = Names[_next % Names.Length];
        _small = _small.SetItem(name, _values[_next++ & 1]);
        return _small[Names[_next % Names.Length]];
    }
}

/// <summary>
/// Ledger row for <c>IngestBatch</c>: 65,536 events from a NATS loop to the writer through a bounded queue, in batches of
/// up to 256 against one queue operation per event. Per op: all 65,536 events handed over and read.
/// </summary>
[MemoryDiagnoser]
public class IngestBatchLedgerBenchmarks
{
    private const int Events = 65_536;
    private static readonly AliveEvent Alive = BenchData.Alive(1);

    [Benchmark(Baseline = true)]
    public async Task<int> OneEventPerQueueOperation()
    {
        var queue = Channel.CreateBounded<(ChoriaEvent, string, DateTimeOffset)>(new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var reader = Task.Run(async () =>
        {
            var read = 0;
            while (await queue.Reader.WaitToReadAsync())
            {
                while (queue.Reader.TryRead(out _))
                {
                    read++;
                }
            }

            return read;
        });
        for (var i = 0; i < Events; i++)
        {
            await queue.Writer.WriteAsync((Alive, "choria.lifecycle.event.alive.server", BenchData.Epoch));
        }

        queue.Writer.Complete();
        return await reader;
    }

    [Benchmark]
    public async Task<int> Batched()
    {
        var queue = Channel.CreateBounded<IngestBatch>(new BoundedChannelOptions(65_536 / IngestBatch.MaxCount) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        var reader = Task.Run(async () =>
        {
            var read = 0;
            while (await queue.Reader.WaitToReadAsync())
            {
                while (queue.Reader.TryRead(out var batch))
                {
                    read += batch.Items.Length;
                }
            }

            return read;
        });
        var current = new IngestBatch(IngestBatch.MaxCount);
        for (var i = 0; i < Events; i++)
        {
            current.Add(Alive, "choria.lifecycle.event.alive.server", BenchData.Epoch);
            if (current.IsFull)
            {
                await queue.Writer.WriteAsync(current);
                current = new IngestBatch(IngestBatch.MaxCount);
            }
        }

        queue.Writer.Complete();
        return await reader;
    }
}

/// <summary>
/// Ledger rows for the node list: <c>NodeQuery</c>'s precomputed sort keys against a plain LINQ sort with the same
/// order, and <c>NodeListCache</c> serving a second browser the list the first one caused, 100,000 nodes.
/// </summary>
[MemoryDiagnoser]
public class NodeListLedgerBenchmarks
{
    private const int Nodes = 100_000;
    private readonly NodeQuery _byVersion = new() { Sort = NodeSort.Version };
    private FleetState _state = default!;
    private NodeListCache _cache = default!;

    [GlobalSetup]
    public void Setup()
    {
        _state = BenchData.Fleet(Nodes);
        _cache = new NodeListCache(new StateReader(_state), 8);
        _cache.Get(_byVersion, 0);
    }

    [Benchmark(Baseline = true)]
    public int PlainLinqSort() => _state.Nodes.Values
        .OrderBy(n => n.Version, VersionComparer.Instance)
        .ThenBy(n => n.Identity, StringComparer.Ordinal)
        .ThenBy(n => n.Component, StringComparer.Ordinal)
        .ToArray()
        .Length;

    [Benchmark]
    public int SortKeys() => _byVersion.Apply(_state.Nodes.Values).Length;

    [Benchmark]
    public int CachedForAnotherBrowser() => _cache.Get(_byVersion, 0).Length;

    private sealed class StateReader(FleetState state) : IFleetView
    {
        public FleetSummary Summary => FleetSummary.Empty;

        public IReadOnlyDictionary<NodeKey, NodeSnapshot> Nodes => state.Nodes;

        public IReadOnlyDictionary<string, MachineHost> Machines => state.Machines;

        public IReadOnlyList<FleetSample> Series => [];

        public IReadOnlyList<FleetNews> RecentNews => [];

        public BroadcastSubscription<FleetUpdate> Subscribe(bool withEvents = false) => throw new NotSupportedException();
    }
}
