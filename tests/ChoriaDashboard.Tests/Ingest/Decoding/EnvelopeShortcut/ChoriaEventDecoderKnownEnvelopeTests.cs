using System.Text;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Decoding;

/// <summary>
/// Once the CloudEvents SDK has accepted an envelope, the decoder recognises its repeating values (source, type,
/// content type) by their bytes and skips the SDK. That shortcut must never change an answer: a decoder that knows
/// every envelope gives exactly what a fresh one gives, for every golden file and thousands of mutations of them.
/// </summary>
public sealed class ChoriaEventDecoderKnownEnvelopeTests
{
    public static TheoryData<string> CloudEventFiles() =>
        [.. GoldenFiles.EventFiles().Where(f => GoldenFiles.ShapeOf(f) is GoldenShape.Structured or GoldenShape.Binary or GoldenShape.Upstream)];

    [Fact]
    public void Warm_AfterGoldenFiles_RemembersTheirEnvelopeValues()
    {
        var warm = WarmDecoder();

        // Two Choria sources, the lifecycle and machine types the golden files use, application/json.
        Assert.InRange(warm.KnownEnvelopeValueCount, 5, 64);
    }

    [Theory]
    [MemberData(nameof(CloudEventFiles))]
    public void Decode_GoldenFile_SameAnswerWithAndWithoutKnownEnvelope(string file)
    {
        var warm = WarmDecoder();

        AssertSameAnswer(file, GoldenFiles.Body(file), GoldenFiles.Headers(file), warm);
    }

    [Theory]
    [MemberData(nameof(CloudEventFiles))]
    public void Decode_MutatedGoldenFile_SameAnswerWithAndWithoutKnownEnvelope(string file)
    {
        var warm = WarmDecoder();
        var original = GoldenFiles.Body(file);
        var headers = GoldenFiles.Headers(file);
        // A seed from the name that is the same in every run (string hash codes are not), so a failure repeats.
        var random = new Random(file.Aggregate(1125, (seed, c) => unchecked((seed * 31) + c)));

        for (var i = 0; i < 200; i++)
        {
            AssertSameAnswer($"{file} mutation {i}", ChoriaEventDecoderFuzzTests.Mutate(original, random), MutateHeaders(headers, random), warm);
        }
    }

    [Fact]
    public void Decode_KnownEnvelope_DoesNotParseItAgain()
    {
        var file = GoldenFiles.EventFiles().First(f => GoldenFiles.ShapeOf(f) == GoldenShape.Structured && f.Contains("alive", StringComparison.Ordinal));
        var body = GoldenFiles.Body(file);
        var cold = new ChoriaEventDecoder(new IngestOptions { EnvelopeCacheSize = 0 });
        var warm = WarmDecoder();
        _ = cold.Decode(body);
        _ = warm.Decode(body);

        var coldBytes = Allocated(() => cold.Decode(body));
        var warmBytes = Allocated(() => warm.Decode(body));

        // The SDK's event, its attribute dictionary, the parsed URI and media type are gone: well under two thirds.
        Assert.True(warmBytes < coldBytes * 2 / 3, $"known envelope allocated {warmBytes} B per decode, the SDK path {coldBytes} B");
    }

    [Fact]
    public void Remember_IsBoundedByEnvelopeCacheSize_AndEventsStillDecode()
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions { EnvelopeCacheSize = 2 });

        for (var i = 0; i < 10; i++)
        {
            var result = decoder.Decode(Structured(type: $"io.choria.lifecycle.v1.alive.variant{i}"));
            Assert.True(result.IsSuccess, result.ToString());
        }

        Assert.Equal(2, decoder.KnownEnvelopeValueCount);
    }

    [Fact]
    public void Remember_ForeignType_IsNotKept()
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions());

        Assert.True(decoder.Decode(Structured(type: "com.example.anything")).IsSuccess);

        // The Choria source and application/json are kept; a type outside io.choria.* does not take a slot.
        Assert.Equal(2, decoder.KnownEnvelopeValueCount);
    }

    [Fact]
    public void Remember_RejectedEvent_LeavesNothingBehind()
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions());

        // A valid CloudEvent from somebody else's source, and a Choria source whose data is not a Choria event.
        Assert.Equal(RejectionReason.NotChoriaEvent, decoder.Decode(Structured(source: "/billing/invoices")).Reason);
        Assert.Equal(RejectionReason.MissingField, decoder.Decode(Structured(data: """{"identity":"n1"}""")).Reason);

        Assert.Equal(0, decoder.KnownEnvelopeValueCount);
    }

    private static ChoriaEventDecoder WarmDecoder()
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions());
        foreach (var file in GoldenFiles.EventFiles())
        {
            _ = decoder.Decode(GoldenFiles.Body(file), GoldenFiles.Headers(file));
        }

        return decoder;
    }

    private static void AssertSameAnswer(string what, byte[] body, Dictionary<string, StringValues>? headers, ChoriaEventDecoder warm)
    {
        var expected = new ChoriaEventDecoder(new IngestOptions { EnvelopeCacheSize = 0 }).Decode(body, headers);
        var actual = warm.Decode(body, headers);

        Assert.True(expected.IsSuccess == actual.IsSuccess, $"{what}: without known envelopes {expected}, with them {actual}");
        Assert.Equal(expected.Reason, actual.Reason);
        if (expected.Event is { } e && actual.Event is { } a)
        {
            Assert.Equal(e.GetType(), a.GetType());
            Assert.Equal(e.Format, a.Format);
            Assert.Equal(Encoding.UTF8.GetString(ChoriaEventEncoder.EncodeLegacy(e)), Encoding.UTF8.GetString(ChoriaEventEncoder.EncodeLegacy(a)));
        }
        else
        {
            Assert.Equal(expected.Detail, actual.Detail);
        }
    }

    private static Dictionary<string, StringValues>? MutateHeaders(Dictionary<string, StringValues>? headers, Random random)
    {
        if (headers is null || random.Next(2) == 0)
        {
            return headers;
        }

        var copy = new Dictionary<string, StringValues>(headers, StringComparer.Ordinal);
        var key = copy.Keys.ElementAt(random.Next(copy.Count));
        switch (random.Next(6))
        {
            case 0:
                copy.Remove(key);
                break;
            case 1:
                copy[key] = copy[key] + "x";
                break;
            case 2:
                copy[key] = "";
                break;
            case 3:
                copy[key.ToUpperInvariant()] = copy[key];
                break;
            case 4:
                copy[key] = new StringValues([copy[key].ToString(), "second"]);
                break;
            default:
                copy["ce-" + "extension" + random.Next(3)] = "\u0001";
                break;
        }

        return copy;
    }

    private static byte[] Structured(string source = "io.choria.lifecycle", string type = "io.choria.lifecycle.v1.alive", string? data = null) =>
        Encoding.UTF8.GetBytes($$"""
            {"specversion":"1.0","id":"3c2e4b8a-0f43-4a6e-9f0e-0b9a2b6f4b1d","source":"{{source}}","type":"{{type}}","subject":"node1.example.net","datacontenttype":"application/json","time":"2026-11-25T10:00:00Z","data":{{data ?? """{"protocol":"io.choria.lifecycle.v1.alive","id":"a1","identity":"node1.example.net","component":"server","timestamp":1718000000,"version":"0.29.4"}"""}}}
            """);

    private static long Allocated(Func<DecodeResult> decode)
    {
        const int Rounds = 200;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < Rounds; i++)
        {
            _ = decode();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Rounds;
    }
}
