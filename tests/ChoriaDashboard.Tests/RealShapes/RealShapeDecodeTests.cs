using System.Text;
using System.Text.Json.Nodes;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace ChoriaDashboard.Tests.RealShapes;

/// <summary>
/// Each point of "Shapes real deployments send that the schemas and the examples do not show" (shared/docs/choria-events.md)
/// that the golden files (Golden/*/real-*.json) do not already cover: accepted, never counted as bad input.
/// </summary>
public sealed class RealShapeDecodeTests
{
    private const string GovernorEviction =
        """{"protocol":"io.choria.lifecycle.v1.governor","id":"0c6f2d10-1111-4a2b-9c3d-5e6f7a8b9c0d","identity":"Auto Agent  app_deploy#deploy @ web-7.example.net","component":"app_deploy","timestamp":1718000100,"governor":"APP_DEPLOY","sequence":42,"event_type":"evict"}""";

    private const string Nagios =
        """{"protocol":"io.choria.machine.watcher.nagios.v1.state","identity":"node1.example.net","id":"6090c06d-eacf-42d9-89bd-4accbe2ed7b1","version":"1.0.0","timestamp":1718000300,"type":"nagios","machine":"check_httpd","name":"check","plugin":"check_procs","status":"OK","status_code":0,"output":"PROCS OK","check_time":1718000300,"perfdata":[],"runtime":0.012,"history":[],"annotations":{}}""";

    private readonly ChoriaEventDecoder _decoder = new(new IngestOptions());

    [Theory]
    [InlineData("Auto Agent  app_deploy#deploy @ web-7.example.net")]
    [InlineData("Auto Agent <backup>#\"nightly\" @ db-1 & db-2")]
    [InlineData("line one\nline two")]
    public void Decode_GovernorSlotHolderAsFreeText_AcceptedExactlyAsSent(string holder)
    {
        var body = JsonNode.Parse(GovernorEviction)!.AsObject();
        body["identity"] = holder;

        var result = _decoder.Decode(Encoding.UTF8.GetBytes(body.ToJsonString()));

        var governor = Assert.IsType<GovernorEvent>(result.Event);
        Assert.Equal(holder, governor.Identity);
    }

    [Fact]
    public void Decode_GovernorSlotHolderLongerThanTheFieldLimit_AcceptedAndCut()
    {
        var body = JsonNode.Parse(GovernorEviction)!.AsObject();
        body["identity"] = "Auto Agent  " + new string('m', 300) + "#check @ web-7.example.net";

        var result = _decoder.Decode(Encoding.UTF8.GetBytes(body.ToJsonString()));

        var governor = Assert.IsType<GovernorEvent>(result.Event);
        Assert.Equal(new IngestOptions().MaxFieldLength, governor.Identity.Length);
        Assert.EndsWith("…", governor.Identity);
    }

    [Fact]
    public void Decode_NodeIdentityWithSpaces_StillRejected()
    {
        // What names a fleet node must stay safe in a link and a filter; only governor slot holders are free text.
        var body = JsonNode.Parse(GovernorEviction)!.AsObject();
        body["protocol"] = "io.choria.lifecycle.v1.startup";
        body["component"] = "server";
        body["version"] = "0.29.4";

        var result = _decoder.Decode(Encoding.UTF8.GetBytes(body.ToJsonString()));

        Assert.False(result.IsSuccess);
        Assert.Equal(RejectionReason.InvalidValue, result.Reason);
    }

    [Theory]
    [InlineData("evict", GovernorEventType.Eviction)]
    [InlineData("eviction", GovernorEventType.Eviction)]
    [InlineData("timeouts", GovernorEventType.Timeout)]
    [InlineData("something_new", GovernorEventType.Unknown)]
    public void Decode_GovernorEventTypeSpellings_KeptAsSentAndUnderstood(string spelling, GovernorEventType meaning)
    {
        var body = JsonNode.Parse(GovernorEviction)!.AsObject();
        body["event_type"] = spelling;

        var governor = Assert.IsType<GovernorEvent>(_decoder.Decode(Encoding.UTF8.GetBytes(body.ToJsonString())).Event);

        Assert.Equal((spelling, meaning), (governor.EventTypeName, governor.EventType));
    }

    [Theory]
    [InlineData("2024-06-10T06:14:19Z", "2024-06-10T06:14:19.0000000Z")]
    [InlineData("2024-06-10T06:14:19.5Z", "2024-06-10T06:14:19.5000000Z")]
    [InlineData("2024-06-10T06:14:19.123Z", "2024-06-10T06:14:19.1230000Z")]
    [InlineData("2024-06-10T06:14:19.123456789Z", "2024-06-10T06:14:19.1234568Z")]
    public void Decode_NagiosHistoryTimesWithZeroToNineFractionDigits_Read(string execute, string expected)
    {
        var body = JsonNode.Parse(Nagios)!.AsObject();
        body["history"] = new JsonArray(new JsonObject { ["execute"] = execute, ["status"] = 0 });

        var state = Assert.IsType<NagiosWatcherState>(_decoder.Decode(Encoding.UTF8.GetBytes(body.ToJsonString())).Event);

        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), Assert.Single(state.History).Executed);
    }

    [Fact]
    public void Decode_NagiosHistoryMixingObjectsAndStatusCodes_KeepsBoth()
    {
        var body = JsonNode.Parse(Nagios)!.AsObject();
        body["history"] = new JsonArray(2, new JsonObject { ["execute"] = "2024-06-10T06:14:19Z", ["status"] = 0 });

        var state = Assert.IsType<NagiosWatcherState>(_decoder.Decode(Encoding.UTF8.GetBytes(body.ToJsonString())).Event);

        Assert.Equal([(null, 2), (DateTimeOffset.Parse("2024-06-10T06:14:19Z", System.Globalization.CultureInfo.InvariantCulture), 0)], state.History.Select(h => (h.Executed, h.StatusCode)));
    }

    [Theory]
    [InlineData(4, "SKIPPED")]
    [InlineData(5, "NOTCHECKED")]
    public void Decode_NagiosWithoutAResult_IsNotCheckedNeitherOkNorAProblem(int code, string status)
    {
        var body = JsonNode.Parse(Nagios)!.AsObject();
        body["status"] = status;
        body["status_code"] = code;

        var state = Assert.IsType<NagiosWatcherState>(_decoder.Decode(Encoding.UTF8.GetBytes(body.ToJsonString())).Event);

        Assert.Equal((status, NagiosStatus.NotChecked), (state.Status, state.Health));
    }

    [Fact]
    public void Decode_StructuredWithStreamReplicatorHeadersAndContentTypeParameters_Accepted()
    {
        var body = """{"specversion":"1.0","id":"d4ad7eeb-970c-4084-b601-0ebc0cf03ef2","source":"io.choria.lifecycle","type":"io.choria.lifecycle.v1.startup","subject":"node1.example.net","datacontenttype":"application/json","time":"2024-06-10T06:13:20Z","data":{"protocol":"io.choria.lifecycle.v1.startup","id":"d4ad7eeb-970c-4084-b601-0ebc0cf03ef2","identity":"node1.example.net","component":"server","timestamp":1718000000,"version":"0.29.4"}}""";
        var headers = new Dictionary<string, StringValues>
        {
            ["Choria-SR-Source"] = "dc1",
            ["Nats-Msg-Id"] = "d4ad7eeb-970c-4084-b601-0ebc0cf03ef2",
            ["Content-Type"] = "application/cloudevents+json; charset=utf-8",
        };

        // Twice: the first goes through the SDK, which teaches the envelope shortcut its values; the second is served by it.
        var first = _decoder.Decode(Encoding.UTF8.GetBytes(body), headers);
        var learned = _decoder.KnownEnvelopeValueCount;
        var second = _decoder.Decode(Encoding.UTF8.GetBytes(body), headers);

        Assert.True(learned >= 3, $"the SDK path remembered {learned} envelope values");
        foreach (var result in new[] { first, second })
        {
            var startup = Assert.IsType<StartupEvent>(result.Event);
            Assert.Equal(WireFormat.CloudEventStructured, startup.Format);
        }
    }

    [Theory]
    [InlineData("application/cloudevents+json; charset=utf-8", RejectionReason.InvalidCloudEvent)]
    [InlineData("application/cloudevents+json", RejectionReason.InvalidCloudEvent)]
    [InlineData("application/json; charset=utf-8", RejectionReason.NotChoriaEvent)]
    public void Decode_ContentTypeWithParameters_StillMarksAStructuredCloudEvent(string contentType, RejectionReason expected)
    {
        // A body with neither protocol nor specversion: only the Content-Type header says it claims to be a CloudEvent,
        // so the rejection names the broken CloudEvent rather than "not a Choria event".
        var headers = new Dictionary<string, StringValues> { ["Content-Type"] = contentType };

        var result = _decoder.Decode(Encoding.UTF8.GetBytes("""{"id":"x","source":"io.choria.lifecycle"}"""), headers);

        Assert.Equal(expected, result.Reason);
    }

    [Fact]
    public void Decode_BinaryWithCapitalisedHeadersAndDataContentType_Accepted()
    {
        var body = """{"protocol":"io.choria.lifecycle.v1.alive","id":"97a1e885-a3ca-4a67-ad20-00a8821c016a","identity":"node1.example.net","component":"server","timestamp":1718000000,"version":"0.29.4"}""";
        var headers = new Dictionary<string, StringValues>
        {
            ["Ce-Specversion"] = "1.0",
            ["Ce-Id"] = "97a1e885-a3ca-4a67-ad20-00a8821c016a",
            ["Ce-Source"] = "io.choria.lifecycle",
            ["Ce-Type"] = "io.choria.lifecycle.v1.alive",
            ["Ce-Subject"] = "node1.example.net",
            ["Ce-Time"] = "2024-06-10T06:13:20Z",
            ["Ce-Datacontenttype"] = "application/json",
        };

        foreach (var result in new[] { _decoder.Decode(Encoding.UTF8.GetBytes(body), headers), _decoder.Decode(Encoding.UTF8.GetBytes(body), headers) })
        {
            var alive = Assert.IsType<AliveEvent>(result.Event);
            Assert.Equal(WireFormat.CloudEventBinary, alive.Format);
        }
    }

    [Fact]
    public void Decode_ChoriaNinePrefixWithAnUnknownTypeNumber_StillRejectedWithACountedReason()
    {
        var body = """{"protocol":"choria:lifecycle:startup:2","identity":"legacy-1.example.net","component":"server","timestamp":1535100000,"version":"0.5.1"}""";

        var result = _decoder.Decode(Encoding.UTF8.GetBytes(body));

        Assert.Equal(RejectionReason.UnknownType, result.Reason);
    }
}
