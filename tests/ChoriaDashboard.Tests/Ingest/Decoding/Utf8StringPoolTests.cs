using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Ingest.Decoding;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest.Decoding;

public sealed class Utf8StringPoolTests
{
    [Fact]
    public void GetString_RepeatedValue_ReturnsOneSharedInstance()
    {
        var pool = new Utf8StringPool(64);

        var first = pool.GetString(Json("\"0.29.4\""));
        var second = pool.GetString(Json("\"0.29.4\""));

        Assert.Equal("0.29.4", first);
        Assert.Same(first, second);
    }

    [Theory]
    [InlineData("\"caf\\u00e9\"", "café")]
    [InlineData("\"tab\\there\"", "tab\there")]
    [InlineData("\"\"", "")]
    [InlineData("\"日本語のホスト\"", "日本語のホスト")]
    public void GetString_EscapedOrNonAscii_GivesTheText(string json, string expected)
    {
        var pool = new Utf8StringPool(64);

        Assert.Equal(expected, pool.GetString(Json(json)));
        Assert.Equal(expected, pool.GetString(Json(json)));
    }

    [Fact]
    public void GetString_ValuesSharingOneSlot_EachGetsItsOwnText()
    {
        var pool = new Utf8StringPool(1);
        var values = Enumerable.Range(0, 50).Select(i => $"version-{i}").ToArray();

        foreach (var round in Enumerable.Range(0, 2))
        {
            foreach (var value in values)
            {
                Assert.Equal(value, pool.GetString(Json($"\"{value}\"")));
            }
        }
    }

    [Fact]
    public void GetString_LongValue_IsDecodedNotPooled()
    {
        var pool = new Utf8StringPool(64);
        var text = new string('x', Utf8StringPool.MaxValueBytes + 1);

        var first = pool.GetString(Json($"\"{text}\""));
        var second = pool.GetString(Json($"\"{text}\""));

        Assert.Equal(text, first);
        Assert.NotSame(first, second);
    }

    [Fact]
    public void GetString_LoneSurrogateEscape_StillRefusedByTheReader()
    {
        var pool = new Utf8StringPool(64);

        Assert.Throws<InvalidOperationException>(() => pool.GetString(Json("\"a\\ud800b\"")));
    }

    [Fact]
    public void Decode_TwoEventsOfOneVersion_ShareTheVersionString()
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions());
        var a = (AliveEvent)decoder.Decode(Alive("node1.example.net")).Event!;
        var b = (AliveEvent)decoder.Decode(Alive("node2.example.net")).Event!;

        Assert.Same(a.Version, b.Version);
        Assert.Same(a.Component, b.Component);
        Assert.Equal("node2.example.net", b.Identity);
    }

    [Fact]
    public void Decode_PoolTurnedOff_StillDecodes()
    {
        var decoder = new ChoriaEventDecoder(new IngestOptions { StringPoolSize = 0 });
        var a = (AliveEvent)decoder.Decode(Alive("node1.example.net")).Event!;
        var b = (AliveEvent)decoder.Decode(Alive("node2.example.net")).Event!;

        Assert.Equal(a.Version, b.Version);
        Assert.NotSame(a.Version, b.Version);
    }

    private static byte[] Alive(string identity) => Encoding.UTF8.GetBytes(
        $$"""{"protocol":"io.choria.lifecycle.v1.alive","id":"a1","identity":"{{identity}}","component":"server","timestamp":1718000000,"version":"0.29.4"}""");

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
