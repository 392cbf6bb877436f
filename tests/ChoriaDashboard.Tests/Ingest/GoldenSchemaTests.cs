using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using NJsonSchema;
using NJsonSchema.Validation;
using Xunit;

namespace ChoriaDashboard.Tests.Ingest;

/// <summary>
/// Checks that the golden files have the shape Choria really sends: each legacy body and each CloudEvent <c>data</c>
/// against Choria's JSON Schemas (copied from choria-io/schemas into <c>Golden/schemas</c>, Apache-2.0), and each
/// CloudEvents envelope against the rules go-choria follows when it builds one.
/// </summary>
public sealed class GoldenSchemaTests
{
    /// <summary>Protocols with no schema in choria-io/schemas. Each one is listed on purpose; anything else must have a schema.</summary>
    private static readonly Dictionary<string, string> KnownUnschematized = new(StringComparer.Ordinal)
    {
        ["io.choria.lifecycle.v1.governor"] = "choria-io/schemas has no governor schema; fields come from go-choria lifecycle/governor.go",
        ["io.choria.machine.watcher.kv.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.timer.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.metric.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.gossip.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.httpswitch.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.expression.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.archive.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.machines.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.plugins.v1.state"] = "no schema upstream",
        ["io.choria.machine.watcher.ccm_manifest.v1.state"] = "no schema upstream",
    };

    /// <summary>
    /// Real shapes Choria's schemas reject (shared/docs/choria-events.md, last section). The schemas are right for
    /// golden files and wrong as a gate on traffic: each file here must still fail its schema, for the reason given.
    /// </summary>
    private static readonly Dictionary<string, string> KnownSchemaExceptions = new(StringComparer.Ordinal)
    {
        ["structured/real-nagios-choria-0.16.json"] = "Choria 0.16 sent history as bare status codes and no annotations; the schema wants history objects and annotations",
        ["structured/real-nagios-choria-0.15.json"] = "Choria 0.15 sent no annotations; the schema requires them",
        ["structured/real-nagios-not-checked.json"] = "an announce before the first check sends NOTCHECKED, status code 5 and null perfdata; the schema allows none of them",
        ["binary/real-nagios-not-checked.json"] = "as structured/real-nagios-not-checked.json",
        ["legacy/real-startup-choria-0.9.json"] = "Choria 0.9 sent no id; the schema requires one",
    };

    public static TheoryData<string> GoldenFileNames() => [.. GoldenFiles.EventFiles()];

    public static TheoryData<string> CloudEventFileNames() =>
        [.. GoldenFiles.EventFiles().Where(f => GoldenFiles.ShapeOf(f) is GoldenShape.Structured or GoldenShape.Binary
            || (GoldenFiles.ShapeOf(f) == GoldenShape.Upstream && GoldenFiles.BodyRoot(f).TryGetProperty("specversion", out _)))];

    [Theory]
    [MemberData(nameof(GoldenFileNames))]
    public async Task GoldenData_ChoriaSchema_Validates(string file)
    {
        var data = GoldenFiles.ChoriaData(file);
        var protocol = data.GetProperty("protocol").GetString()!;

        // Choria 0.9's colon-style protocol names the same schema as its io.choria.lifecycle.v1 spelling.
        if (protocol.StartsWith("choria:lifecycle:", StringComparison.Ordinal))
        {
            protocol = "io.choria.lifecycle.v1." + protocol.Split(':')[2];
        }

        var schema = await SchemaFor(protocol);
        if (schema is null)
        {
            Assert.True(KnownUnschematized.ContainsKey(protocol), $"{file}: no schema for '{protocol}' and it is not in the known list");
            return;
        }

        var errors = schema.Validate(data.GetRawText());
        if (KnownSchemaExceptions.TryGetValue(file, out var reason))
        {
            Assert.True(errors.Count > 0, $"{file} is listed as a known schema exception ({reason}) but now matches its schema: remove it from the list");
            return;
        }

        Assert.True(errors.Count == 0, $"{file} does not match the schema of {protocol}: {Describe(errors)}");
    }

    [Fact]
    public async Task KnownUnschematized_EveryEntry_StillHasNoSchema()
    {
        foreach (var protocol in KnownUnschematized.Keys)
        {
            Assert.Null(await SchemaFor(protocol));
        }
    }

    [Fact]
    public async Task ScheduleSchema_UpstreamTypeEnum_StillHasTheKnownFileMistake()
    {
        // If upstream fixes the enum, drop the patch in SchemaFor.
        var schema = await JsonSchema.FromFileAsync(SchemaPath("machine/watcher/schedule/v1/state.json"));

        Assert.Equal(["file"], schema.Properties["type"].Enumeration.Select(e => e?.ToString()));
    }

    [Fact]
    public void GoldenFolder_SchemaCopies_KeepLicenseAndNotice()
    {
        Assert.True(File.Exists(SchemaPath("LICENSE")));
        Assert.True(File.Exists(SchemaPath("NOTICE")));
    }

    [Theory]
    [InlineData("legacy/startup.json", "remove:identity")]
    [InlineData("legacy/startup.json", "remove:version")]
    [InlineData("legacy/alive.json", "string:timestamp")]
    [InlineData("legacy/upgraded.json", "remove:new_version")]
    [InlineData("legacy/shutdown.json", "protocol:io.choria.lifecycle.v1.shutdown.x")]
    [InlineData("structured/machine-transition.json", "add:unexpected")]
    [InlineData("structured/machine-nagios-critical.json", "string:perfdata")]
    [InlineData("structured/machine-nagios-critical.json", "null:perfdata")]
    [InlineData("structured/machine-nagios-critical.json", "string:status_code")]
    [InlineData("structured/machine-exec.json", "remove:previous_run_time")]
    [InlineData("structured/machine-file.json", "string:previous_outcome")]
    [InlineData("structured/machine-schedule.json", "string:state")]
    public async Task GoldenData_ChangedIntoAWrongShape_FailsSchema(string file, string mutation)
    {
        var data = JsonNode.Parse(GoldenFiles.ChoriaData(file).GetRawText())!.AsObject();
        var protocol = data["protocol"]!.GetValue<string>();
        var (operation, field) = (mutation.Split(':')[0], mutation.Split(':')[1]);
        switch (operation)
        {
            case "remove":
                Assert.True(data.Remove(field));
                break;
            case "string":
                data[field] = "bogus";
                break;
            case "null":
                data[field] = null;
                break;
            case "add":
                data[field] = 1;
                break;
            case "protocol":
                data["protocol"] = field;
                break;
            default:
                Assert.Fail(mutation);
                break;
        }

        var schema = await SchemaFor(protocol);

        Assert.NotNull(schema);
        Assert.NotEmpty(schema.Validate(data.ToJsonString()));
    }

    [Theory]
    [MemberData(nameof(CloudEventFileNames))]
    public void GoldenEnvelope_CloudEvent_FollowsChoriaEnvelopeRules(string file)
    {
        var data = GoldenFiles.ChoriaData(file);
        var envelope = Envelope(file);

        Assert.Equal("1.0", envelope["specversion"]);
        var protocol = data.GetProperty("protocol").GetString()!;
        var lifecycle = protocol.StartsWith("io.choria.lifecycle.", StringComparison.Ordinal);
        Assert.Equal(lifecycle ? "io.choria.lifecycle" : "io.choria.machine", envelope["source"]);
        Assert.Equal(protocol, envelope["type"]);
        Assert.Equal(data.GetProperty("identity").GetString(), envelope["subject"]);
        Assert.True(Guid.TryParse(envelope["id"], out _), $"{file}: CloudEvent id '{envelope["id"]}' is not a UUID");
        if (lifecycle)
        {
            // ToCloudEventV1: the CloudEvent id is the event id.
            Assert.Equal(data.GetProperty("id").GetString(), envelope["id"]);
        }
        else
        {
            // Machine events: a fresh UUID per message; data.id is the machine instance.
            Assert.NotEqual(data.GetProperty("id").GetString(), envelope["id"]);
        }

        var time = DateTimeOffset.FromUnixTimeSeconds(data.GetProperty("timestamp").GetInt64());
        Assert.Equal(time.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture), envelope["time"]);
        if (envelope.TryGetValue("datacontenttype", out var contentType))
        {
            Assert.Equal("application/json", contentType);
        }
    }

    [Theory]
    [MemberData(nameof(GoldenFileNames))]
    public void GoldenBody_Shape_MatchesItsFolder(string file)
    {
        var root = GoldenFiles.BodyRoot(file);
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var hasHeaders = File.Exists(GoldenFiles.HeadersPath(file));
        switch (GoldenFiles.ShapeOf(file))
        {
            case GoldenShape.Legacy:
            case GoldenShape.Binary:
                Assert.Equal(JsonValueKind.String, root.GetProperty("protocol").ValueKind);
                Assert.False(root.TryGetProperty("specversion", out _), $"{file}: a legacy or binary body has no specversion");
                Assert.Equal(GoldenFiles.ShapeOf(file) == GoldenShape.Binary, hasHeaders);
                break;
            case GoldenShape.Structured:
                Assert.Equal(JsonValueKind.Object, root.GetProperty("data").ValueKind);
                Assert.False(root.TryGetProperty("protocol", out _), $"{file}: a structured CloudEvent has no top-level protocol");
                Assert.False(hasHeaders);
                break;
            case GoldenShape.Upstream:
                Assert.False(hasHeaders);
                break;
        }
    }

    private static string SchemaPath(string relative) =>
        Path.Combine(GoldenFiles.Root, "schemas", relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>The schema for a protocol, or null when Choria publishes none.</summary>
    private static async Task<JsonSchema?> SchemaFor(string protocol)
    {
        string relative;
        const string lifecycle = "io.choria.lifecycle.v1.";
        const string watcher = "io.choria.machine.watcher.";
        if (protocol.StartsWith(lifecycle, StringComparison.Ordinal))
        {
            relative = $"lifecycle/v1/{protocol[lifecycle.Length..]}.json";
        }
        else if (protocol == "io.choria.machine.v1.transition")
        {
            relative = "machine/v1/transition.json";
        }
        else if (protocol.StartsWith(watcher, StringComparison.Ordinal) && protocol.EndsWith(".v1.state", StringComparison.Ordinal))
        {
            relative = $"machine/watcher/{protocol[watcher.Length..^".v1.state".Length]}/v1/state.json";
        }
        else
        {
            throw new ArgumentException($"not a Choria protocol: {protocol}", nameof(protocol));
        }

        var path = SchemaPath(relative);
        if (!File.Exists(path))
        {
            return null;
        }

        var schema = await JsonSchema.FromFileAsync(path);
        if (protocol == "io.choria.machine.watcher.schedule.v1.state")
        {
            // Upstream bug: the schedule schema enumerates type ["file"]. Validate against what Choria sends.
            var type = schema.Properties["type"];
            Assert.Equal(["file"], type.Enumeration.Select(e => e?.ToString()));
            type.Enumeration.Clear();
            type.Enumeration.Add("schedule");
        }

        return schema;
    }

    private static Dictionary<string, string?> Envelope(string file)
    {
        var envelope = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (GoldenFiles.ShapeOf(file) == GoldenShape.Binary)
        {
            foreach (var (key, value) in GoldenFiles.Headers(file)!)
            {
                // Header names match case-insensitively: older clients send Ce-Specversion.
                if (key.StartsWith("ce-", StringComparison.OrdinalIgnoreCase))
                {
                    envelope[key["ce-".Length..].ToLowerInvariant()] = value.ToString();
                }
                else if (key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
                {
                    envelope.TryAdd("datacontenttype", value.ToString());
                }
            }

            return envelope;
        }

        foreach (var property in GoldenFiles.BodyRoot(file).EnumerateObject())
        {
            if (property.Name != "data")
            {
                envelope[property.Name] = property.Value.GetString();
            }
        }

        return envelope;
    }

    private static string Describe(ICollection<ValidationError> errors) =>
        string.Join("; ", errors.Select(e => $"{e.Path}: {e.Kind}"));
}
