using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Api.Metrics;
using ChoriaDashboard.Events;
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
