using System.Text;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>
/// Whatever arrives, the decoder answers with an event or a rejection and never throws: thousands of seeded
/// mutations of every golden file (bytes flipped, cut, spliced, escapes and hostile text inserted).
/// </summary>
public sealed class ChoriaEventDecoderFuzzTests
{
    private static readonly string[] Insertions =
    [
        "\\ud800", "\\udc00", "\\u0000", "\"", "{", "}", "[", "]", ",", ":", "null", "1e999", "-1", "99999999999999999999999",
        "<script>alert(1)</script>", "\u202e", "\\", "\"protocol\":\"io.choria.lifecycle.v1.alive\",", "\"specversion\":\"1.0\",",
    ];

    public static TheoryData<string> GoldenFiles() => [.. Ingest.GoldenFiles.EventFiles()];

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void Decode_MutatedGoldenFile_NeverThrows(string file)
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions());
        var original = Ingest.GoldenFiles.Body(file);
        var headers = Ingest.GoldenFiles.Headers(file);
        var random = new Random(file.Aggregate(20261125, (seed, c) => unchecked((seed * 31) + c))); // the same in every run, so a failure repeats

        for (var i = 0; i < 300; i++)
        {
            var body = Mutate(original, random);
            var result = Decode(decoder, body, random.Next(4) == 0 ? null : headers);
            Assert.True(result.IsSuccess || result.Detail is not null, $"a rejection without a reason for {file} mutation {i}");
        }
    }

    private static DecodeResult Decode(ChoriaEventDecoder decoder, byte[] body, Dictionary<string, StringValues>? headers)
    {
        try
        {
            return decoder.Decode(body, headers);
        }
        catch (Exception e)
        {
            Assert.Fail($"Decode threw {e.GetType().Name}: {e.Message}\nbody: {Encoding.UTF8.GetString(body)}");
            throw;
        }
    }

    internal static byte[] Mutate(byte[] original, Random random)
    {
        var bytes = new List<byte>(original);
        var edits = 1 + random.Next(3);
        for (var e = 0; e < edits && bytes.Count > 0; e++)
        {
            var at = random.Next(bytes.Count);
            switch (random.Next(5))
            {
                case 0:
                    bytes[at] = (byte)random.Next(256);
                    break;
                case 1:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + random.Next(8)));
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Insertions[random.Next(Insertions.Length)]));
                    break;
                case 3:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    // Insert inside the next string value, where escapes are read.
                    var quote = bytes.IndexOf((byte)'"', at);
                    if (quote >= 0)
                    {
                        bytes.InsertRange(quote + 1, Encoding.UTF8.GetBytes(Insertions[random.Next(3)]));
                    }

                    break;
            }
        }

        return [.. bytes];
    }
}
