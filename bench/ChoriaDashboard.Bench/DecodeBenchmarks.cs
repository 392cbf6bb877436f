using BenchmarkDotNet.Attributes;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Bench;

/// <summary>One message in, one typed event out: each wire shape Choria sends, through the app's decoder.</summary>
[MemoryDiagnoser]
public class DecodeBenchmarks
{
    private readonly ChoriaEventDecoder _decoder = new(new IngestOptions());

    /// <summary>Remembers no envelope values: every CloudEvent goes through the SDK, as the first of its kind does.</summary>
    private readonly ChoriaEventDecoder _sdkEveryTime = new(new IngestOptions { EnvelopeCacheSize = 0, StringPoolSize = 0 });
    private byte[] _legacy = [];
    private byte[] _structured = [];
    private byte[] _binaryBody = [];
    private KeyValuePair<string, StringValues>[] _binaryHeaders = [];
    private byte[] _nagiosStructured = [];

    [GlobalSetup]
    public void Setup()
    {
        var samples = BenchData.Samples();
        (_legacy, _structured, _binaryBody, _binaryHeaders) = (samples.Legacy, samples.Structured, samples.BinaryBody, samples.BinaryHeaders);
        _nagiosStructured = samples.NagiosStructured;
        foreach (var result in new[] { Legacy(), Structured(), StructuredThroughSdk(), Binary(), BinaryThroughSdk(), NagiosStructured() })
        {
            if (!result.IsSuccess)
            {
                throw new InvalidOperationException($"benchmark input does not decode: {result}");
            }
        }
    }

    [Benchmark(Baseline = true)]
    public DecodeResult Legacy() => _decoder.Decode(_legacy);

    [Benchmark]
    public DecodeResult Structured() => _decoder.Decode(_structured);

    [Benchmark]
    public DecodeResult StructuredThroughSdk() => _sdkEveryTime.Decode(_structured);

    [Benchmark]
    public DecodeResult Binary() => _decoder.Decode(_binaryBody, _binaryHeaders);

    [Benchmark]
    public DecodeResult BinaryThroughSdk() => _sdkEveryTime.Decode(_binaryBody, _binaryHeaders);

    [Benchmark]
    public DecodeResult NagiosStructured() => _decoder.Decode(_nagiosStructured);
}
