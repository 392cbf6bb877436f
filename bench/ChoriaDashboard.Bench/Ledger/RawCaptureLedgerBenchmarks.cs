using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Raw;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Bench.Ledger;

/// <summary>
/// What keeping accepted messages as received costs the ingest path: decode, then capture into the shared circular
/// buffer (<c>Ingest:RawEventBytes</c> 32 MiB) against decode alone (<c>Ingest:RawEventBytes=0</c>), per message.
/// </summary>
[MemoryDiagnoser]
public class RawCaptureLedgerBenchmarks
{
    private static readonly DateTimeOffset At = BenchData.Epoch;
    private ChoriaEventDecoder _decoder = default!;
    private RawEventStore _raw = default!;
    private byte[] _legacy = [];
    private byte[] _binaryBody = [];
    private KeyValuePair<string, StringValues>[] _binaryHeaders = [];
    private byte[] _nagios = [];

    /// <summary>off: <c>Ingest:RawEventBytes=0</c>; on: the default 32 MiB.</summary>
    [Params("off", "on")]
    public string Capture { get; set; } = "on";

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new ChoriaEventDecoder(new IngestOptions());
        _raw = new RawEventStore(Capture == "on" ? new IngestOptions().RawEventBytes : 0);
        var samples = BenchData.Samples();
        (_legacy, _binaryBody, _binaryHeaders, _nagios) = (samples.Legacy, samples.BinaryBody, samples.BinaryHeaders, samples.NagiosStructured);
        LegacyAlive();
        BinaryAlive();
        StructuredNagios();
    }

    [Benchmark]
    public long LegacyAlive() => Accept(_legacy, null);

    [Benchmark]
    public long BinaryAlive() => Accept(_binaryBody, _binaryHeaders);

    [Benchmark]
    public long StructuredNagios() => Accept(_nagios, null);

    /// <summary>The capture alone (a binary-mode alive, headers and body), without the decode around it.</summary>
    [Benchmark]
    public long CaptureOnlyBinary() => _raw.Capture("choria.lifecycle.event.alive.server", "node000042.ams1.example.net", WireFormat.CloudEventBinary, At, _binaryHeaders, _binaryBody);

    /// <summary>What <c>NatsIngestService.Handle</c> does with a message that decodes.</summary>
    private long Accept(byte[] body, KeyValuePair<string, StringValues>[]? headers)
    {
        var evt = _decoder.Decode(body, headers).Event ?? throw new InvalidOperationException("benchmark input does not decode");
        return _raw.Capture("choria.lifecycle.event.alive.server", evt.Identity, evt.Format, At, headers, body);
    }
}

/// <summary>
/// What keeping every accepted event for live tails costs the fleet writer, per event: the ring always; with a live
/// tail open, also the batch's list of events that the fleet's stream carries (cleared per full writer batch).
/// </summary>
[MemoryDiagnoser]
public class EventFeedLedgerBenchmarks
{
    private const int BatchSize = 8192;
    private static readonly DateTimeOffset At = BenchData.Epoch;
    private readonly AliveEvent _alive = BenchData.Alive(42);
    private EventFeed _feed = default!;
    private List<TailEvent>? _batch;

    /// <summary>Open live tails: 0 (events go to the ring only), or 1 (they also travel in the stream's update).</summary>
    [Params(0, 1)]
    public int Tails { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _feed = new EventFeed(200);
        _batch = Tails > 0 ? new List<TailEvent>(BatchSize) : null;
    }

    [Benchmark]
    public void Publish()
    {
        var entry = _feed.Publish(At, _alive, "choria.lifecycle.event.alive.server", 1);
        if (_batch is { } batch)
        {
            if (batch.Count == BatchSize)
            {
                batch.Clear();
            }

            batch.Add(entry);
        }
    }
}
