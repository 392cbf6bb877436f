using System.Text;
using System.Text.Json.Nodes;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>Messages that must be accepted, possibly trimmed: hostile nagios output, tolerated quirks of real producers.</summary>
public sealed class ChoriaEventDecoderEdgeCaseTests
{
    private const string Nagios =
        """{"protocol":"io.choria.machine.watcher.nagios.v1.state","identity":"node1.example.net","id":"6090c06d-eacf-42d9-89bd-4accbe2ed7b1","version":"1.0.0","timestamp":1718000300,"type":"nagios","machine":"check_httpd","name":"check","plugin":"check_procs","status":"CRITICAL","status_code":2,"output":"PROCS CRITICAL","check_time":1718000300,"perfdata":[{"unit":"","label":"procs","value":0}],"runtime":0.012,"history":[],"annotations":{}}""";

    private const string Startup =
        """{"protocol":"io.choria.lifecycle.v1.startup","id":"d4ad7eeb-970c-4084-b601-0ebc0cf03ef2","identity":"node1.example.net","component":"server","timestamp":1718000000,"version":"0.29.4"}""";

    [Fact]
    public void Decode_NagiosOutputWithScriptTag_KeptVerbatimForTheViewToEncode()
    {
        const string output = "<script>alert(1)</script>";
        var state = DecodeNagios(With(Nagios, o => o["output"] = output), new IngestOptions());

        Assert.Equal(output, state.Output);
    }

    [Fact]
    public void Decode_NagiosMultiLineOutput_KeepsTheLines()
    {
        const string output = "CRITICAL: first line\nsecond line\r\nthird line | a=1;;;";
        var state = DecodeNagios(With(Nagios, o => o["output"] = output), new IngestOptions());

        Assert.Equal(output, state.Output);
    }

    [Fact]
    public void Decode_Nagios100KbHostileOutput_AcceptedAndTruncatedToMaxCheckOutputLength()
    {
        var options = new IngestOptions { MaxPayloadBytes = 1024 * 1024 };
        var line = "<script>alert(1)</script>\n";
        var output = string.Concat(Enumerable.Repeat(line, (100 * 1024 / line.Length) + 1));
        Assert.True(output.Length > 100 * 1024);

        var state = DecodeNagios(With(Nagios, o => { o["output"] = output; o["plugin"] = output; }), options);

        Assert.Equal(options.MaxCheckOutputLength, state.Output.Length);
        Assert.StartsWith(output[..(options.MaxCheckOutputLength - 1)], state.Output, StringComparison.Ordinal);
        Assert.EndsWith("…", state.Output, StringComparison.Ordinal);
        Assert.Equal(options.MaxCheckOutputLength, state.Plugin.Length);
    }

    [Fact]
    public void Decode_NagiosOutputOverPayloadLimit_RejectedTooLarge()
    {
        var result = new ChoriaEventDecoder(new IngestOptions())
            .Decode(Encoding.UTF8.GetBytes(With(Nagios, o => o["output"] = new string('x', 100 * 1024))));

        Assert.False(result.IsSuccess);
        Assert.Equal(RejectionReason.TooLarge, result.Reason);
    }

    [Fact]
    public void Decode_NagiosAnnotations_KeptAndWithoutThemTheSharedEmptyMap()
    {
        // Every watcher state keeps its annotations: a check without any must not hold a map of its own.
        var none = DecodeNagios(With(Nagios, o => o["annotations"] = new JsonObject()), new IngestOptions());
        var some = DecodeNagios(With(Nagios, o => o["annotations"] = new JsonObject { ["team"] = "web", ["runbook"] = 42 }), new IngestOptions());

        Assert.Same(System.Collections.Immutable.ImmutableDictionary<string, string>.Empty, none.Annotations);
        Assert.Equal("web", Assert.Single(some.Annotations).Value);
    }

    [Fact]
    public void Decode_NagiosNeverChecked_NullPerfDataAndGoZeroCheckTimeAccepted()
    {
        // Before its first run the watcher announces NOTCHECKED with Go's zero time and a nil perfdata slice.
        var state = DecodeNagios(
            With(Nagios, o =>
            {
                o["status"] = "NOTCHECKED";
                o["status_code"] = 5;
                o["check_time"] = -62135596800;
                o["perfdata"] = null;
                o["history"] = null;
                o["runtime"] = 0;
            }),
            new IngestOptions());

        Assert.Equal("NOTCHECKED", state.Status);
        Assert.Null(state.CheckTime);
        Assert.Empty(state.PerfData);
        Assert.Empty(state.History);
        Assert.Equal(NagiosStatus.NotChecked, state.Health);
    }

    [Fact]
    public void Decode_NagiosHistoryLongerThanFifteen_KeepsTheNewestFifteen()
    {
        var history = new JsonArray();
        for (var i = 0; i < 20; i++)
        {
            history.Add(new JsonObject { ["execute"] = $"2024-06-10T06:{i:00}:00Z", ["status"] = i % 4 });
        }

        var state = DecodeNagios(With(Nagios, o => o["history"] = history), new IngestOptions());

        Assert.Equal(15, state.History.Length);
        Assert.Equal(GoldenExpectations.At("2024-06-10T06:05:00Z"), state.History[0].Executed);
        Assert.Equal(GoldenExpectations.At("2024-06-10T06:19:00Z"), state.History[^1].Executed);
    }

    [Theory]
    [InlineData("enter", GovernorEventType.Enter)]
    [InlineData("exit", GovernorEventType.Exit)]
    [InlineData("timeouts", GovernorEventType.Timeout)]
    [InlineData("eviction", GovernorEventType.Eviction)]
    [InlineData("timeout", GovernorEventType.Unknown)]
    public void Decode_GovernorEventType_MapsTheWireSpelling(string wire, GovernorEventType expected)
    {
        var body = """{"protocol":"io.choria.lifecycle.v1.governor","id":"x","identity":"node3.example.net","component":"CLI","timestamp":1718000100,"governor":"PUPPET","event_type":"EVENT"}"""
            .Replace("EVENT", wire, StringComparison.Ordinal);

        var result = new ChoriaEventDecoder(new IngestOptions()).Decode(Encoding.UTF8.GetBytes(body));

        var governor = Assert.IsType<GovernorEvent>(result.Event);
        Assert.Equal(expected, governor.EventType);
        Assert.Equal(0UL, governor.Sequence);
    }

    [Fact]
    public void Decode_OldLifecycleSpellingInsideCloudEvent_Accepted()
    {
        var data = With(Startup, o => o["protocol"] = "choria:lifecycle:startup:1");
        var body = $$"""{"specversion":"1.0","id":"d4ad7eeb-970c-4084-b601-0ebc0cf03ef2","source":"io.choria.lifecycle","type":"choria:lifecycle:startup:1","time":"2024-06-10T06:13:20Z","data":{{data}}}""";

        var result = new ChoriaEventDecoder(new IngestOptions()).Decode(Encoding.UTF8.GetBytes(body));

        var startup = Assert.IsType<StartupEvent>(result.Event);
        Assert.Equal("0.29.4", startup.Version);
        Assert.Equal(WireFormat.CloudEventStructured, startup.Format);
    }

    [Fact]
    public void Decode_CloudEventWithDataBase64_Accepted()
    {
        var body = $$"""{"specversion":"1.0","id":"d4ad7eeb-970c-4084-b601-0ebc0cf03ef2","source":"io.choria.lifecycle","type":"io.choria.lifecycle.v1.startup","time":"2024-06-10T06:13:20Z","data_base64":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(Startup))}}"}""";

        var result = new ChoriaEventDecoder(new IngestOptions()).Decode(Encoding.UTF8.GetBytes(body));

        var startup = Assert.IsType<StartupEvent>(result.Event);
        Assert.Equal("node1.example.net", startup.Identity);
        Assert.Equal(WireFormat.CloudEventStructured, startup.Format);
    }

    [Fact]
    public void Decode_BinaryHeadersInAnyCase_Accepted()
    {
        var headers = new Dictionary<string, StringValues>(StringComparer.Ordinal)
        {
            ["Ce-Specversion"] = "1.0",
            ["CE-ID"] = "d4ad7eeb-970c-4084-b601-0ebc0cf03ef2",
            ["Ce-Source"] = "io.choria.lifecycle",
            ["Ce-Type"] = "io.choria.lifecycle.v1.startup",
            ["Content-Type"] = "application/json; charset=utf-8",
        };

        var result = new ChoriaEventDecoder(new IngestOptions()).Decode(Encoding.UTF8.GetBytes(Startup), headers);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(WireFormat.CloudEventBinary, result.Event!.Format);
    }

    [Fact]
    public void Decode_HeadersWithoutCloudEventAttributes_ReadAsLegacy()
    {
        var headers = new Dictionary<string, StringValues>(StringComparer.Ordinal) { ["Nats-Msg-Id"] = "abc" };

        var result = new ChoriaEventDecoder(new IngestOptions()).Decode(Encoding.UTF8.GetBytes(Startup), headers);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(WireFormat.Legacy, result.Event!.Format);
    }

    [Fact]
    public void Decode_UnknownExtraFields_Ignored()
    {
        var result = new ChoriaEventDecoder(new IngestOptions())
            .Decode(Encoding.UTF8.GetBytes(With(Startup, o => { o["extra"] = new JsonObject { ["nested"] = 1 }; o["future_field"] = "x"; })));

        Assert.True(result.IsSuccess, result.ToString());
    }

    [Theory]
    [InlineData(1_718_000_300L)]
    [InlineData(1_718_000_300_000L)]
    [InlineData(1_718_000_300_000_000L)]
    [InlineData(1_718_000_300_000_000_000L)]
    public void Decode_MachineTimestampInAnyUnit_SameInstant(long timestamp)
    {
        var body = With(Nagios, o => o["timestamp"] = timestamp);

        var state = DecodeNagios(body, new IngestOptions());

        Assert.Equal(GoldenExpectations.At("2024-06-10T06:18:20Z"), state.Timestamp);
    }

    [Fact]
    public void Decode_WatcherDataOverMaxWatcherDataBytes_AcceptedWithoutRawData()
    {
        var body = """{"protocol":"io.choria.machine.watcher.exec.v1.state","identity":"node1.example.net","id":"m","version":"1.0.0","timestamp":1718000420,"type":"exec","machine":"puppet_runner","name":"run_puppet","command":"CMD","previous_outcome":"success","previous_run_time":1}"""
            .Replace("CMD", new string('c', 5000), StringComparison.Ordinal);

        var result = new ChoriaEventDecoder(new IngestOptions { MaxWatcherDataBytes = 4096 }).Decode(Encoding.UTF8.GetBytes(body));

        var watcher = Assert.IsType<WatcherStateEvent>(result.Event);
        Assert.Null(watcher.RawData);
        Assert.Equal("run_puppet", watcher.Name);
    }

    private static NagiosWatcherState DecodeNagios(string body, IngestOptions options)
    {
        var result = new ChoriaEventDecoder(options).Decode(Encoding.UTF8.GetBytes(body));
        Assert.True(result.IsSuccess, result.ToString());
        return Assert.IsType<NagiosWatcherState>(result.Event);
    }

    private static string With(string json, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        change(node);
        return node.ToJsonString();
    }
}
