using System.Text;
using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Decoding;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Bench.Ledger;

/// <summary>
/// Ledger rows for the decoder's tricks, each against the plain path in the same run: the envelope shortcut
/// (<c>Ingest:EnvelopeCacheSize</c> 256 against 0) and the string pool (<c>Ingest:StringPoolSize</c> 8192 against 0).
/// </summary>
[MemoryDiagnoser]
public class DecodeLedgerBenchmarks
{
    private ChoriaEventDecoder _decoder = default!;
    private byte[] _legacy = [];
    private byte[] _structured = [];
    private byte[] _binaryBody = [];
    private KeyValuePair<string, StringValues>[] _binaryHeaders = [];
    private byte[] _nagios = [];

    /// <summary>plain: neither trick; shortcut: envelope shortcut only; pool: string pool only; both: the default.</summary>
    [Params("plain", "shortcut", "pool", "both")]
    public string Tricks { get; set; } = "both";

    [GlobalSetup]
    public void Setup()
    {
        _decoder = new ChoriaEventDecoder(new IngestOptions
        {
            EnvelopeCacheSize = Tricks is "shortcut" or "both" ? 256 : 0,
            StringPoolSize = Tricks is "pool" or "both" ? 8192 : 0,
        });
        var samples = BenchData.Samples();
        (_legacy, _structured, _binaryBody, _binaryHeaders) = (samples.Legacy, samples.Structured, samples.BinaryBody, samples.BinaryHeaders);
        _nagios = samples.NagiosStructured;

        // The first CloudEvent of a kind always takes the SDK's path; the shortcut serves the ones after it.
        foreach (var result in new[] { LegacyAlive(), StructuredAlive(), BinaryAlive(), StructuredNagios() })
        {
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"benchmark input does not decode: {result}");
            }
        }
    }

    [Benchmark]
    public DecodeResult LegacyAlive() => _decoder.Decode(_legacy);

    [Benchmark]
    public DecodeResult StructuredAlive() => _decoder.Decode(_structured);

    [Benchmark]
    public DecodeResult BinaryAlive() => _decoder.Decode(_binaryBody, _binaryHeaders);

    [Benchmark]
    public DecodeResult StructuredNagios() => _decoder.Decode(_nagios);
}

/// <summary>
/// Ledger row for the plain-value check inside the envelope shortcut: a CloudEvents <c>id</c> and <c>time</c> checked on
/// their UTF-8 bytes, against what the shortcut would do without it (a string, then the SDK's attribute check).
/// </summary>
[MemoryDiagnoser]
public class PlainAttributeLedgerBenchmarks
{
    private static readonly CloudEventAttribute Id = CloudEventsSpecVersion.V1_0.IdAttribute;
    private static readonly CloudEventAttribute Time = CloudEventsSpecVersion.V1_0.TimeAttribute;
    private readonly byte[] _id = Encoding.UTF8.GetBytes("97a1e885-a3ca-4a67-ad20-00a8821c016a");
    private readonly byte[] _time = Encoding.UTF8.GetBytes("2024-06-10T06:13:20Z");

    [Benchmark(Baseline = true)]
    public bool ThroughSdk() => Valid(Id, Encoding.UTF8.GetString(_id)) && Valid(Time, Encoding.UTF8.GetString(_time));

    [Benchmark]
    public bool OnBytes() => PlainAttributeValues.IsPlainString<byte>(_id) && PlainAttributeValues.IsPlainUtcTimestamp<byte>(_time);

    private static bool Valid(CloudEventAttribute attribute, string text)
    {
        attribute.Validate(attribute.Type.Parse(text));
        return true;
    }
}
