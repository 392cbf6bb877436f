using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Api.Metrics;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.TestKit;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Bench.Ledger;

/// <summary>
/// Ledger row for the metrics' known series (issue 23): the writer tells <see cref="TallyRecorder"/> of every live event
/// it applies. Known: an alive counts into the three series found at its component's first alive. Plain: the series
/// looked up by their labels every time (label arrays, a joined key, three table lookups), as before.
/// </summary>
[MemoryDiagnoser]
public class TallyLedgerBenchmarks
{
    private static readonly long Handling = Stopwatch.Frequency / 100_000;
    private TallyRecorder _known = default!;
    private TallyRecorder _plain = default!;
    private AliveEvent _alive = default!;

    [GlobalSetup]
    public void Setup()
    {
        var options = Options.Create(new MetricsOptions());
        _known = new TallyRecorder(options, NullLogger<TallyRecorder>.Instance, TimeProvider.System);
        _plain = new TallyRecorder(options, NullLogger<TallyRecorder>.Instance, TimeProvider.System) { KnownSeries = false };
        _alive = BenchData.Alive(7);
        _known.Applied(_alive, Handling);
        _plain.Applied(_alive, Handling);
    }

    [Benchmark(Baseline = true)]
    public void Plain() => _plain.Applied(_alive, Handling);

    [Benchmark]
    public void Known() => _known.Applied(_alive, Handling);
}

/// <summary>
/// Ledger row for the provisioning check without a lookup (issue 23): every server alive or startup asks whether the
/// node has a finished provisioning entry to drop. Skipped: no provision_mode_server node in the fleet, the counts say
/// so. Looked up: one stopped provision_mode_server node elsewhere in the fleet, so every alive asks the 100,000-node
/// table, as every alive did before. The event is the commonest: an alive on the version the node runs.
/// </summary>
[MemoryDiagnoser]
public class ProvisioningCheckLedgerBenchmarks
{
    private const int Nodes = 100_000;
    private readonly FleetChangeSet _changes = new();
    private FleetState _state = default!;
    private AliveEvent[] _alives = [];
    private int _next;
    private DateTimeOffset _now;

    /// <summary>Whether the fleet holds a provision_mode_server node (the plain path: a table lookup per alive).</summary>
    [Params(false, true)]
    public bool ProvisioningNode { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _state = BenchData.Fleet(Nodes, new FleetOptions { MaxNodes = 10_000_000 });
        _alives = [.. Enumerable.Range(0, Nodes).Select(i => BenchData.Alive(i))];
        _now = BenchData.Epoch.AddHours(3);
        var filling = new FleetChangeSet();
        if (ProvisioningNode)
        {
            _state.Apply(TestEvents.Provisioned("provisioning.example.net"), _now, filling);
            _state.Apply(TestEvents.Shutdown("provisioning.example.net", ChoriaComponents.ProvisionModeServer), _now, filling);
        }

        foreach (var alive in _alives)
        {
            _state.Apply(alive, _now, filling);
        }
    }

    [Benchmark]
    public ApplyOutcome Alive()
    {
        var outcome = _state.Apply(_alives[_next++ % Nodes], _now = _now.AddTicks(1), _changes);
        _changes.Clear();
        return outcome;
    }
}
