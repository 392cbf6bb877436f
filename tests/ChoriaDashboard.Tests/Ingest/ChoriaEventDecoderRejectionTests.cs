using System.Text;
using System.Text.Json.Nodes;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Primitives;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>A corpus of bad messages, each with the reason the decoder must give. Every case is a named theory row.</summary>
public sealed class ChoriaEventDecoderRejectionTests
{
    private const string Startup =
        """{"protocol":"io.choria.lifecycle.v1.startup","id":"d4ad7eeb-970c-4084-b601-0ebc0cf03ef2","identity":"node1.example.net","component":"server","timestamp":1718000000,"version":"0.29.4"}""";

    private const string Governor =
        """{"protocol":"io.choria.lifecycle.v1.governor","id":"9a9251f1-5a13-4390-a165-69eed9cad889","identity":"node3.example.net","component":"CLI","timestamp":1718000100,"governor":"PUPPET","sequence":2421,"event_type":"enter"}""";

    private const string Exec =
        """{"protocol":"io.choria.machine.watcher.exec.v1.state","identity":"node1.example.net","id":"6090c06d-eacf-42d9-89bd-4accbe2ed7b1","version":"1.0.0","timestamp":1718000420,"type":"exec","machine":"puppet_runner","name":"run_puppet","command":"./run_puppet.sh","previous_outcome":"success","previous_run_time":12345678901}""";

    private const string Nagios =
        """{"protocol":"io.choria.machine.watcher.nagios.v1.state","identity":"node1.example.net","id":"6090c06d-eacf-42d9-89bd-4accbe2ed7b1","version":"1.0.0","timestamp":1718000300,"type":"nagios","machine":"check_httpd","name":"check","plugin":"check_procs","status":"CRITICAL","status_code":2,"output":"PROCS CRITICAL","check_time":1718000300,"perfdata":[{"unit":"","label":"procs","value":0}],"runtime":0.012,"history":[{"execute":"2024-06-10T06:18:20.001Z","status":2}],"annotations":{}}""";

    private const string Transition =
        """{"protocol":"io.choria.machine.v1.transition","identity":"node1.example.net","id":"6090c06d-eacf-42d9-89bd-4accbe2ed7b1","version":"1.0.0","timestamp":1718000300,"machine":"check_httpd","transition":"CRITICAL","from_state":"ok","to_state":"critical"}""";

    private static readonly IngestOptions Options = new();

    private static readonly Dictionary<string, BadMessage> Corpus = BuildCorpus();

    public static TheoryData<string> CaseNames() => [.. Corpus.Keys];

    public static TheoryData<string, bool> CasesColdAndWarm()
    {
        var rows = new TheoryData<string, bool>();
        foreach (var name in Corpus.Keys)
        {
            rows.Add(name, false);
            rows.Add(name, true);
        }

        return rows;
    }

    /// <param name="warm">The decoder has already accepted the base messages, so it knows their envelope values
    /// (source, type, content type) and recognises them without the CloudEvents SDK; the answer must not change.</param>
    [Theory]
    [MemberData(nameof(CasesColdAndWarm))]
    public void Decode_BadMessage_RejectedWithExpectedReason(string name, bool warm)
    {
        var bad = Corpus[name];
        var decoder = warm ? WarmDecoder() : new ChoriaEventDecoder(Options);

        var result = decoder.Decode(bad.Body, bad.Headers);

        Assert.False(result.IsSuccess, $"{name} was accepted as {result.Event}");
        Assert.Null(result.Event);
        Assert.Equal(bad.Reason, result.Reason);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.True(result.Detail!.Length <= 256, $"detail too long: {result.Detail.Length}");
        Assert.DoesNotContain(result.Detail, c => char.IsControl(c));
    }

    [Fact]
    public void Corpus_BaseMessages_AreAccepted()
    {
        // The corpus mutates these; if they stopped decoding, every case would pass for the wrong reason.
        var decoder = new ChoriaEventDecoder(Options);
        foreach (var body in new[] { Startup, Governor, Exec, Nagios, Transition, Structured(Startup), Structured(Exec) })
        {
            var result = decoder.Decode(Encoding.UTF8.GetBytes(body));
            Assert.True(result.IsSuccess, $"{result} for {body}");
        }

        var binary = decoder.Decode(Encoding.UTF8.GetBytes(Startup), BinaryHeaders());
        Assert.True(binary.IsSuccess, binary.ToString());
    }

    [Fact]
    public void WarmDecoder_KnowsTheCorpusEnvelope()
    {
        // Source, type and content type of the structured and binary base messages: the warm rows take the shortcut.
        Assert.True(WarmDecoder().KnownEnvelopeValueCount >= 3);
    }

    private static ChoriaEventDecoder WarmDecoder()
    {
        var decoder = new ChoriaEventDecoder(Options);
        foreach (var body in new[] { Structured(Startup), Structured(Exec) })
        {
            Assert.True(decoder.Decode(Encoding.UTF8.GetBytes(body)).IsSuccess);
        }

        Assert.True(decoder.Decode(Encoding.UTF8.GetBytes(Startup), BinaryHeaders()).IsSuccess);
        return decoder;
    }

    private sealed record BadMessage(byte[] Body, RejectionReason Reason, Dictionary<string, StringValues>? Headers = null);

    private static Dictionary<string, BadMessage> BuildCorpus()
    {
        var corpus = new Dictionary<string, BadMessage>(StringComparer.Ordinal);
        void Add(string name, string body, RejectionReason reason, Dictionary<string, StringValues>? headers = null) =>
            corpus.Add(name, new BadMessage(Encoding.UTF8.GetBytes(body), reason, headers));
        void AddBytes(string name, byte[] body, RejectionReason reason, Dictionary<string, StringValues>? headers = null) =>
            corpus.Add(name, new BadMessage(body, reason, headers));

        // Not JSON at all, or JSON that is not an object.
        Add("not-json", "this is not json", RejectionReason.NotJson);
        Add("truncated-json", Startup[..(Startup.Length / 2)], RejectionReason.NotJson);
        Add("truncated-json-last-brace", Startup[..^1], RejectionReason.NotJson);
        AddBytes("invalid-utf8-bytes", [0xff, 0xfe, 0xfd, 0x7b, 0x7d], RejectionReason.NotJson);
        AddBytes("invalid-utf8-in-identity", Splice(Startup, "node1.example.net", [0x6e, 0xc3, 0x28, 0x31]), RejectionReason.NotJson);
        AddBytes("invalid-utf8-overlong-in-version", Splice(Startup, "0.29.4", [0xc0, 0xaf]), RejectionReason.NotJson);
        AddBytes("invalid-utf8-in-cloudevent-subject", Splice(Structured(Startup), "node1.example.net", [0xed, 0xa0, 0x80]), RejectionReason.NotJson);
        AddBytes("invalid-utf8-in-nagios-annotation-key", Splice(Nagios, "\"annotations\":{}", [.. "\"annotations\":{\""u8, 0xff, .. "\":\"x\"}"u8]), RejectionReason.NotJson);
        Add("invalid-utf8-in-data-base64", Structured(Startup, e => { e.Remove("data"); e["data_base64"] = Convert.ToBase64String(Splice(Startup, "server", [0xf8, 0x88])); }), RejectionReason.NotJson);
        Add("array-root", $"[{Startup}]", RejectionReason.NotJson);
        Add("number-root", "42", RejectionReason.NotJson);
        Add("string-root", "\"io.choria.lifecycle.v1.startup\"", RejectionReason.NotJson);
        Add("null-root", "null", RejectionReason.NotJson);
        Add("empty-body", "", RejectionReason.NotJson);
        Add("whitespace-body", "  \n ", RejectionReason.NotJson);
        Add("nested-too-deep", Startup[..^1] + ",\"x\":" + new string('[', 100) + new string(']', 100) + "}", RejectionReason.NotJson);
        Add("trailing-garbage", Startup + "}", RejectionReason.NotJson);

        // JSON objects that are not Choria events.
        Add("no-protocol-no-specversion", """{"identity":"node1.example.net","timestamp":1718000000}""", RejectionReason.NotChoriaEvent);
        Add("empty-object", "{}", RejectionReason.NotChoriaEvent);
        Add("protocol-not-a-string", Mutate(Startup, o => o["protocol"] = 1), RejectionReason.NotChoriaEvent);

        // Unknown types.
        Add("unknown-lifecycle-type-reboot", Mutate(Startup, o => o["protocol"] = "io.choria.lifecycle.v1.reboot"), RejectionReason.UnknownType);
        Add("unknown-lifecycle-type-in-cloudevent", Structured(Mutate(Startup, o => o["protocol"] = "io.choria.lifecycle.v1.reboot")), RejectionReason.UnknownType);
        Add("unknown-lifecycle-version-v2", Mutate(Startup, o => o["protocol"] = "io.choria.lifecycle.v2.startup"), RejectionReason.UnknownType);
        Add("old-lifecycle-spelling-bad-version", Mutate(Startup, o => o["protocol"] = "choria:lifecycle:startup:2"), RejectionReason.UnknownType);
        Add("unknown-machine-protocol-v2-transition", Mutate(Transition, o => o["protocol"] = "io.choria.machine.v2.transition"), RejectionReason.UnknownType);
        Add("unknown-machine-protocol-empty-watcher", Mutate(Exec, o => o["protocol"] = "io.choria.machine.watcher..v1.state"), RejectionReason.UnknownType);
        Add("unknown-protocol-other-product", Mutate(Startup, o => o["protocol"] = "io.choria.sr.v2.age_advisory"), RejectionReason.UnknownType);

        // Missing fields.
        Add("missing-identity", Mutate(Startup, o => o.Remove("identity")), RejectionReason.MissingField);
        Add("null-identity", Mutate(Startup, o => o["identity"] = null), RejectionReason.MissingField);
        Add("missing-version-on-startup", Mutate(Startup, o => o.Remove("version")), RejectionReason.MissingField);
        Add("missing-version-on-alive", Mutate(Startup, o => { o["protocol"] = "io.choria.lifecycle.v1.alive"; o.Remove("version"); }), RejectionReason.MissingField);
        Add("missing-new-version-on-upgraded", Mutate(Startup, o => o["protocol"] = "io.choria.lifecycle.v1.upgraded"), RejectionReason.MissingField);
        Add("missing-timestamp", Mutate(Startup, o => o.Remove("timestamp")), RejectionReason.MissingField);
        Add("missing-component", Mutate(Startup, o => o.Remove("component")), RejectionReason.MissingField);
        Add("missing-id", Mutate(Startup, o => o.Remove("id")), RejectionReason.MissingField);
        Add("missing-governor", Mutate(Governor, o => o.Remove("governor")), RejectionReason.MissingField);
        Add("missing-transition-to-state", Mutate(Transition, o => o.Remove("to_state")), RejectionReason.MissingField);
        Add("missing-watcher-name", Mutate(Exec, o => o.Remove("name")), RejectionReason.MissingField);
        Add("missing-nagios-status-code", Mutate(Nagios, o => o.Remove("status_code")), RejectionReason.MissingField);
        Add("missing-nagios-check-time", Mutate(Nagios, o => o.Remove("check_time")), RejectionReason.MissingField);

        // Wrong JSON types.
        Add("timestamp-as-string", Mutate(Startup, o => o["timestamp"] = "1718000000"), RejectionReason.WrongType);
        Add("timestamp-as-float", Startup.Replace("1718000000", "1718000000.5", StringComparison.Ordinal), RejectionReason.WrongType);
        Add("timestamp-as-exponent", Startup.Replace("1718000000", "1.718e9", StringComparison.Ordinal), RejectionReason.WrongType);
        Add("timestamp-beyond-int64", Startup.Replace("1718000000", "92233720368547758070", StringComparison.Ordinal), RejectionReason.WrongType);
        Add("identity-as-number", Mutate(Startup, o => o["identity"] = 42), RejectionReason.WrongType);
        Add("version-as-object", Mutate(Startup, o => o["version"] = new JsonObject()), RejectionReason.WrongType);
        Add("governor-sequence-negative", Mutate(Governor, o => o["sequence"] = -1), RejectionReason.WrongType);
        Add("governor-sequence-string", Mutate(Governor, o => o["sequence"] = "2421"), RejectionReason.WrongType);
        Add("nagios-perfdata-as-string", Mutate(Nagios, o => o["perfdata"] = "procs=0;;1:25;0;"), RejectionReason.WrongType);
        Add("nagios-perfdata-item-not-object", Mutate(Nagios, o => o["perfdata"] = new JsonArray(1, 2)), RejectionReason.WrongType);
        Add("nagios-status-code-as-string", Mutate(Nagios, o => o["status_code"] = "2"), RejectionReason.WrongType);
        Add("nagios-history-as-object", Mutate(Nagios, o => o["history"] = new JsonObject()), RejectionReason.WrongType);
        Add("nagios-annotations-as-array", Mutate(Nagios, o => o["annotations"] = new JsonArray()), RejectionReason.WrongType);
        Add("nagios-runtime-as-string", Mutate(Nagios, o => o["runtime"] = "0.012"), RejectionReason.WrongType);

        // Values that cannot be accepted.
        Add("identity-with-control-characters", Mutate(Startup, o => o["identity"] = "node1\u0007\u001b[31m.example.net"), RejectionReason.InvalidValue);
        Add("identity-with-nul", Mutate(Startup, o => o["identity"] = "node1\0.example.net"), RejectionReason.InvalidValue);
        Add("identity-with-newline", Mutate(Startup, o => o["identity"] = "node1.example.net\nnode2.example.net"), RejectionReason.InvalidValue);
        Add("identity-with-script", Mutate(Startup, o => o["identity"] = "<script>alert(1)</script>"), RejectionReason.InvalidValue);
        Add("identity-with-space", Mutate(Startup, o => o["identity"] = "node1 example.net"), RejectionReason.InvalidValue);
        Add("identity-empty", Mutate(Startup, o => o["identity"] = ""), RejectionReason.InvalidValue);
        // Invisible characters: a row that looks exactly like node1.example.net must not be a second node.
        Add("identity-with-zero-width-space", Mutate(Startup, o => o["identity"] = "node1\u200B.example.net"), RejectionReason.InvalidValue);
        Add("identity-with-word-joiner", Mutate(Startup, o => o["identity"] = "node1.example.net\u2060"), RejectionReason.InvalidValue);
        Add("identity-with-byte-order-mark", Mutate(Startup, o => o["identity"] = "\uFEFFnode1.example.net"), RejectionReason.InvalidValue);
        Add("identity-with-right-to-left-override", Mutate(Startup, o => o["identity"] = "node1.\u202Eten.elpmaxe"), RejectionReason.InvalidValue);
        Add("identity-with-soft-hyphen", Mutate(Startup, o => o["identity"] = "node\u00AD1.example.net"), RejectionReason.InvalidValue);
        Add("transition-identity-with-zero-width-joiner", Mutate(Transition, o => o["identity"] = "node1\u200D.example.net"), RejectionReason.InvalidValue);
        Add("watcher-identity-with-bidi-isolate", Mutate(Exec, o => o["identity"] = "\u2066node1.example.net\u2069"), RejectionReason.InvalidValue);
        Add("cloudevent-identity-with-left-to-right-mark", Structured(Mutate(Startup, o => o["identity"] = "node1.example.net\u200E")), RejectionReason.InvalidValue);
        Add("identity-over-long", Mutate(Startup, o => o["identity"] = new string('a', Options.MaxFieldLength + 1) + ".example.net"), RejectionReason.InvalidValue);
        Add("component-with-control-characters", Mutate(Startup, o => o["component"] = "server\r\n"), RejectionReason.InvalidValue);
        Add("version-over-long", Mutate(Startup, o => o["version"] = new string('9', Options.MaxFieldLength + 1)), RejectionReason.InvalidValue);
        Add("nagios-runtime-beyond-double", Nagios.Replace("\"runtime\":0.012", "\"runtime\":1e999", StringComparison.Ordinal), RejectionReason.InvalidValue);
        Add("nagios-perfdata-value-beyond-double", Nagios.Replace("\"value\":0}", "\"value\":-1e400}", StringComparison.Ordinal), RejectionReason.InvalidValue);
        Add("lifecycle-timestamp-in-nanoseconds", Mutate(Startup, o => o["timestamp"] = 1718000000000000000), RejectionReason.InvalidValue);
        Add("governor-empty", Mutate(Governor, o => o["governor"] = ""), RejectionReason.InvalidValue);
        Add("watcher-type-does-not-match-protocol", Mutate(Exec, o => o["type"] = "file"), RejectionReason.InvalidValue);
        Add("nagios-history-execute-not-a-time", Mutate(Nagios, o => o["history"] = new JsonArray(new JsonObject { ["execute"] = "yesterday", ["status"] = 0 })), RejectionReason.InvalidValue);

        // Lone surrogate escapes: valid UTF-8 bytes and valid JSON, but not readable as text.
        Add("lone-high-surrogate-in-protocol", Startup.Replace("io.choria.lifecycle.v1.startup", "\\ud800", StringComparison.Ordinal), RejectionReason.InvalidValue);
        Add("lone-low-surrogate-in-identity", Startup.Replace("node1.example.net", "n\\udc00", StringComparison.Ordinal), RejectionReason.InvalidValue);
        Add("lone-surrogate-in-cloudevent-data", Structured(Startup).Replace("\"version\":\"0.29.4\"", "\"version\":\"\\ud800\"", StringComparison.Ordinal), RejectionReason.InvalidValue);
        Add("lone-surrogate-in-annotation-key", Nagios.Replace("\"annotations\":{}", "\"annotations\":{\"\\ud800\":\"x\"}", StringComparison.Ordinal), RejectionReason.InvalidValue);

        // Too large: rejected before it is parsed.
        Add("payload-over-max", Startup[..^1] + ",\"pad\":\"" + new string('x', Options.MaxPayloadBytes) + "\"}", RejectionReason.TooLarge);
        AddBytes("payload-over-max-not-json", new byte[Options.MaxPayloadBytes + 1], RejectionReason.TooLarge);

        // CloudEvents structured.
        Add("cloudevent-specversion-0.3", Structured(Startup, e => e["specversion"] = "0.3"), RejectionReason.InvalidCloudEvent);
        Add("cloudevent-specversion-9.9", Structured(Startup, e => e["specversion"] = "9.9"), RejectionReason.InvalidCloudEvent);
        Add("cloudevent-specversion-number", Structured(Startup, e => e["specversion"] = 1.0), RejectionReason.InvalidCloudEvent);
        Add("cloudevent-invalid-time", Structured(Startup, e => e["time"] = "10/06/2024 06:13"), RejectionReason.InvalidCloudEvent);
        Add("cloudevent-missing-id", Structured(Startup, e => e.Remove("id")), RejectionReason.InvalidCloudEvent);
        Add("cloudevent-missing-source", Structured(Startup, e => e.Remove("source")), RejectionReason.InvalidCloudEvent);
        Add("cloudevent-missing-type", Structured(Startup, e => e.Remove("type")), RejectionReason.InvalidCloudEvent);
        Add("cloudevent-foreign-source", Structured(Startup, e => e["source"] = "com.example.billing"), RejectionReason.NotChoriaEvent);
        Add("cloudevent-no-data", Structured(Startup, e => e.Remove("data")), RejectionReason.MissingField);
        Add("cloudevent-null-data", Structured(Startup, e => e["data"] = null), RejectionReason.MissingField);
        Add("cloudevent-data-is-string", Structured(Startup, e => e["data"] = Startup), RejectionReason.NotChoriaEvent);
        Add("cloudevent-data-is-array", Structured(Startup, e => e["data"] = new JsonArray(JsonNode.Parse(Startup))), RejectionReason.NotChoriaEvent);
        Add("cloudevent-data-base64-not-json", Structured(Startup, e => { e.Remove("data"); e["data_base64"] = Convert.ToBase64String("not json"u8); }), RejectionReason.NotJson);
        Add("cloudevent-data-without-protocol", Structured(Mutate(Startup, o => o.Remove("protocol"))), RejectionReason.MissingField);
        Add("cloudevent-data-missing-identity", Structured(Mutate(Startup, o => o.Remove("identity"))), RejectionReason.MissingField);

        // CloudEvents binary.
        Add("binary-missing-ce-id", Startup, RejectionReason.InvalidCloudEvent, BinaryHeaders(h => h.Remove("ce-id")));
        Add("binary-missing-ce-source", Startup, RejectionReason.InvalidCloudEvent, BinaryHeaders(h => h.Remove("ce-source")));
        Add("binary-missing-ce-type", Startup, RejectionReason.InvalidCloudEvent, BinaryHeaders(h => h.Remove("ce-type")));
        Add("binary-foreign-source", Startup, RejectionReason.NotChoriaEvent, BinaryHeaders(h => h["ce-source"] = "/billing/invoices"));
        Add("binary-specversion-0.3", Startup, RejectionReason.InvalidCloudEvent, BinaryHeaders(h => h["ce-specversion"] = "0.3"));
        Add("binary-invalid-ce-time", Startup, RejectionReason.InvalidCloudEvent, BinaryHeaders(h => h["ce-time"] = "yesterday"));
        Add("binary-non-json-content-type", Startup, RejectionReason.NotChoriaEvent, BinaryHeaders(h => h["content-type"] = "text/plain"));
        Add("binary-non-json-ce-datacontenttype", Startup, RejectionReason.NotChoriaEvent, BinaryHeaders(h => h["ce-datacontenttype"] = "application/octet-stream"));
        Add("binary-unparseable-content-type", Startup, RejectionReason.InvalidCloudEvent, BinaryHeaders(h => h["content-type"] = "not a media type"));
        Add("binary-empty-content-type", Startup, RejectionReason.InvalidCloudEvent, BinaryHeaders(h => h["content-type"] = ""));
        Add("binary-body-not-json", "not json", RejectionReason.NotJson, BinaryHeaders());
        // A string that cannot be read (lone surrogate) placed before a fault the SDK path reports first: that fault wins.
        Add("cloudevent-lone-surrogate-id-before-bad-specversion", """{"id":"\ud800","specversion":"0.3","source":"io.choria.lifecycle","type":"io.choria.lifecycle.v1.startup","data":{}}""", RejectionReason.InvalidCloudEvent);
        Add("cloudevent-lone-surrogate-id-without-specversion", """{"id":"\ud800","source":"io.choria.lifecycle","type":"io.choria.lifecycle.v1.startup","data":{}}""", RejectionReason.InvalidCloudEvent,
            new Dictionary<string, StringValues> { ["content-type"] = "application/cloudevents+json" });
        Add("binary-body-array", $"[{Startup}]", RejectionReason.NotJson, BinaryHeaders());
        Add("binary-body-without-protocol", Mutate(Startup, o => o.Remove("protocol")), RejectionReason.MissingField, BinaryHeaders());

        return corpus;
    }

    private static string Mutate(string json, Action<JsonObject> change)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        change(node);
        return node.ToJsonString();
    }

    /// <summary>Wraps a legacy body as a CloudEvents structured envelope, then lets the case break the envelope.</summary>
    private static string Structured(string data, Action<JsonObject>? change = null)
    {
        var envelope = new JsonObject
        {
            ["specversion"] = "1.0",
            ["id"] = "d4ad7eeb-970c-4084-b601-0ebc0cf03ef2",
            ["source"] = "io.choria.lifecycle",
            ["type"] = "io.choria.lifecycle.v1.startup",
            ["subject"] = "node1.example.net",
            ["datacontenttype"] = "application/json",
            ["time"] = "2024-06-10T06:13:20Z",
            ["data"] = JsonNode.Parse(data),
        };
        change?.Invoke(envelope);
        return envelope.ToJsonString();
    }

    private static Dictionary<string, StringValues> BinaryHeaders(Action<Dictionary<string, StringValues>>? change = null)
    {
        var headers = new Dictionary<string, StringValues>(StringComparer.Ordinal)
        {
            ["ce-specversion"] = "1.0",
            ["ce-id"] = "d4ad7eeb-970c-4084-b601-0ebc0cf03ef2",
            ["ce-source"] = "io.choria.lifecycle",
            ["ce-type"] = "io.choria.lifecycle.v1.startup",
            ["ce-subject"] = "node1.example.net",
            ["ce-time"] = "2024-06-10T06:13:20Z",
            ["content-type"] = "application/json",
        };
        change?.Invoke(headers);
        return headers;
    }

    /// <summary>Replaces the first occurrence of <paramref name="find"/> with raw bytes (to plant invalid UTF-8).</summary>
    private static byte[] Splice(string json, string find, byte[] replacement)
    {
        var index = json.IndexOf(find, StringComparison.Ordinal);
        return [.. Encoding.UTF8.GetBytes(json[..index]), .. replacement, .. Encoding.UTF8.GetBytes(json[(index + find.Length)..])];
    }
}
