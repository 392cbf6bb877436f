using System.Collections.Immutable;
using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest;
using Microsoft.Extensions.Primitives;
using Xunit;

// Not ChoriaDashboard.Tests.Events: that would shadow ChoriaDashboard.Events for "Events.WireFormat" elsewhere in the tests.
namespace ChoriaDashboard.Tests.EventEncoding;

public sealed class EncoderRoundTripTests
{
    private const string Identity = "web01.ams1.example.net";
    private const string MachineId = "5c7e0f1e-6f0b-4f7b-9d55-3c7a8f2f1a10";

    /// <summary>Whole seconds, since Choria timestamps are; given at +02:00 to check the UTC conversion.</summary>
    private static readonly DateTimeOffset Timestamp = new(2025, 3, 1, 10, 30, 15, TimeSpan.FromHours(2));

    private static readonly ChoriaEventDecoder Decoder = new(new IngestOptions());

    private static readonly Dictionary<string, ChoriaEvent> Samples = new(StringComparer.Ordinal)
    {
        ["startup"] = new StartupEvent { Protocol = ChoriaProtocol.Startup, Id = "2bTJ8vIqNMmpXFXC1yYwOXbRoYK", Identity = Identity, Component = ChoriaComponents.Server, Timestamp = Timestamp, Version = "0.29.4" },
        ["shutdown"] = new ShutdownEvent { Protocol = ChoriaProtocol.Shutdown, Id = "2bTJ8vIqNMmpXFXC1yYwOXbRoYL", Identity = Identity, Component = ChoriaComponents.Server, Timestamp = Timestamp },
        ["alive"] = new AliveEvent { Protocol = ChoriaProtocol.Alive, Id = "2bTJ8vIqNMmpXFXC1yYwOXbRoYK", Identity = Identity, Component = ChoriaComponents.Server, Timestamp = Timestamp, Version = "0.29.4" },
        ["provisioned"] = new ProvisionedEvent { Protocol = ChoriaProtocol.Provisioned, Id = "2bTJ8vIqNMmpXFXC1yYwOXbRoYM", Identity = Identity, Component = ChoriaComponents.ProvisionModeServer, Timestamp = Timestamp },
        ["upgraded"] = new UpgradedEvent { Protocol = ChoriaProtocol.Upgraded, Id = "2bTJ8vIqNMmpXFXC1yYwOXbRoYN", Identity = Identity, Component = ChoriaComponents.Server, Timestamp = Timestamp, Version = "0.29.3", NewVersion = "0.29.4" },
        ["governor"] = new GovernorEvent { Protocol = ChoriaProtocol.Governor, Id = "2bTJ8vIqNMmpXFXC1yYwOXbRoYO", Identity = Identity, Component = "CLI", Timestamp = Timestamp, Governor = "puppet", Sequence = 12_345_678_901, EventTypeName = "timeouts" },
        ["transition"] = new MachineTransitionEvent
        {
            Protocol = ChoriaProtocol.Transition,
            Id = MachineId,
            Identity = Identity,
            Timestamp = Timestamp,
            Machine = "check_httpd",
            MachineVersion = "1.0.0",
            Transition = "CRITICAL",
            FromState = "OK",
            ToState = "CRITICAL",
        },
        ["nagios"] = new NagiosWatcherState
        {
            Protocol = ChoriaProtocol.NagiosState,
            Id = MachineId,
            Identity = Identity,
            Timestamp = Timestamp,
            Machine = "check_httpd",
            MachineVersion = "1.0.0",
            WatcherType = WatcherTypes.Nagios,
            Name = "check",
            Plugin = "/usr/lib64/nagios/plugins/check_http -H localhost",
            Status = "WARNING",
            StatusCode = 1,
            Output = "HTTP WARNING: 1.5 s response time \"slow\" <b>\nsecond line | time=1.5s;1;2",
            CheckTime = Timestamp.AddSeconds(-3),
            RuntimeSeconds = 0.0123,
            PerfData = [new NagiosPerfData("time", 1.5, "s"), new NagiosPerfData("size", 5120, "B"), new NagiosPerfData("ratio", -0.25, "")],
            History =
            [
                new NagiosHistoryItem(new DateTimeOffset(2025, 3, 1, 8, 29, 12, 345, TimeSpan.Zero).AddTicks(6789), 0),
                new NagiosHistoryItem(new DateTimeOffset(2025, 3, 1, 8, 30, 12, TimeSpan.Zero), 1),
            ],
            Annotations = ImmutableDictionary.CreateRange(StringComparer.Ordinal, [KeyValuePair.Create("team", "web"), KeyValuePair.Create("runbook", "https://wiki.example.net/httpd?a=1&b=2")]),
        },
        ["nagios-never-ran"] = new NagiosWatcherState
        {
            Protocol = ChoriaProtocol.NagiosState,
            Id = MachineId,
            Identity = Identity,
            Timestamp = Timestamp,
            Machine = "check_disk",
            MachineVersion = "1.0.0",
            WatcherType = WatcherTypes.Nagios,
            Name = "check",
            Plugin = "/usr/lib64/nagios/plugins/check_disk",
            Status = "NOTCHECKED",
            StatusCode = 3,
            Output = "",
        },
        ["exec"] = new WatcherStateEvent
        {
            Protocol = ChoriaProtocol.WatcherState("exec"),
            Id = MachineId,
            Identity = Identity,
            Timestamp = Timestamp,
            Machine = "runner",
            MachineVersion = "1.0.0",
            WatcherType = "exec",
            Name = "restart_service",
            RawData = $"{{\"protocol\":\"io.choria.machine.watcher.exec.v1.state\",\"identity\":\"{Identity}\",\"id\":\"{MachineId}\",\"version\":\"1.0.0\",\"timestamp\":{Timestamp.ToUnixTimeSeconds()},\"type\":\"exec\",\"machine\":\"runner\",\"name\":\"restart_service\",\"command\":\"/usr/bin/systemctl restart httpd\",\"previous_outcome\":\"success\",\"previous_run_time\":1500000}}",
        },
    };

    public static TheoryData<string, WireFormat> EveryEventInEveryFormat()
    {
        var data = new TheoryData<string, WireFormat>();
        foreach (var name in Samples.Keys)
        {
            foreach (var format in Enum.GetValues<WireFormat>())
            {
                data.Add(name, format);
            }
        }

        return data;
    }

    public static TheoryData<string> LifecycleEvents() => [.. Samples.Where(s => s.Value is LifecycleEvent).Select(s => s.Key)];

    public static TheoryData<string> MachineEvents() => [.. Samples.Where(s => s.Value is MachineEvent).Select(s => s.Key)];

    [Fact]
    public void Samples_CoverEveryLifecycleType()
    {
        var types = Samples.Values.OfType<LifecycleEvent>().Select(e => e.Type).Distinct().Order();

        Assert.Equal(Enum.GetValues<LifecycleEventType>(), types);
    }

    [Theory]
    [MemberData(nameof(EveryEventInEveryFormat))]
    public void EncodeThenDecode_AnyEventInAnyFormat_GivesBackTheSameEvent(string name, WireFormat format)
    {
        var original = Samples[name];

        var decoded = Decode(ChoriaEventEncoder.Encode(original, format));

        Assert.Equal(format, decoded.Format);
        AssertSameEvent(original with { Format = format }, decoded);
    }

    [Theory]
    [InlineData("startup", "choria.lifecycle.event.startup.server")]
    [InlineData("shutdown", "choria.lifecycle.event.shutdown.server")]
    [InlineData("alive", "choria.lifecycle.event.alive.server")]
    [InlineData("provisioned", "choria.lifecycle.event.provisioned.provision_mode_server")]
    [InlineData("upgraded", "choria.lifecycle.event.upgraded.server")]
    [InlineData("governor", "choria.lifecycle.event.governor.CLI")]
    [InlineData("transition", "choria.machine.transition")]
    [InlineData("nagios", "choria.machine.watcher.nagios.state")]
    [InlineData("exec", "choria.machine.watcher.exec.state")]
    public void Encode_AnyFormat_UsesTheSubjectChoriaPublishesOn(string name, string subject)
    {
        Assert.Equal(subject, ChoriaEventEncoder.SubjectFor(Samples[name]));
        Assert.All(Enum.GetValues<WireFormat>(), format => Assert.Equal(subject, ChoriaEventEncoder.Encode(Samples[name], format).Subject));
    }

    [Theory]
    [MemberData(nameof(LifecycleEvents))]
    public void Encode_LifecycleCloudEvent_UsesTheEventIdAsCloudEventId(string name)
    {
        var evt = Samples[name];

        Assert.Equal(evt.Id, StructuredEnvelope(evt).GetProperty("id").GetString());
        Assert.Equal(evt.Id, BinaryHeaders(evt)["ce-id"]);
        Assert.Equal("io.choria.lifecycle", StructuredEnvelope(evt).GetProperty("source").GetString());
    }

    [Theory]
    [MemberData(nameof(MachineEvents))]
    public void Encode_MachineCloudEvent_HasItsOwnCloudEventId(string name)
    {
        var evt = Samples[name];

        var structuredId = StructuredEnvelope(evt).GetProperty("id").GetString();
        var binaryId = BinaryHeaders(evt)["ce-id"];

        Assert.False(string.IsNullOrEmpty(structuredId));
        Assert.NotEqual(evt.Id, structuredId);
        Assert.NotEqual(evt.Id, binaryId);
        Assert.NotEqual(structuredId, binaryId);
        Assert.Equal("io.choria.machine", StructuredEnvelope(evt).GetProperty("source").GetString());
    }

    [Fact]
    public void Encode_GivenCloudEventId_UsesIt()
    {
        var message = ChoriaEventEncoder.Encode(Samples["transition"], WireFormat.CloudEventBinary, cloudEventId: "fixed-id");

        Assert.Equal("fixed-id", message.Headers!["ce-id"]);
    }

    [Theory]
    [MemberData(nameof(EveryEventInEveryFormat))]
    public void Encode_CloudEventTime_IsRfc3339UtcWithoutFraction(string name, WireFormat format)
    {
        var evt = Samples[name] with { Timestamp = Timestamp.AddMilliseconds(789) };
        var message = ChoriaEventEncoder.Encode(evt, format);

        var time = format switch
        {
            WireFormat.CloudEventBinary => message.Headers!["ce-time"],
            WireFormat.CloudEventStructured => Envelope(message).GetProperty("time").GetString(),
            _ => null,
        };

        if (format == WireFormat.Legacy)
        {
            Assert.Null(message.Headers);
            Assert.False(Envelope(message).TryGetProperty("specversion", out _));
            return;
        }

        Assert.Equal("2025-03-01T08:30:15Z", time);
    }

    [Fact]
    public void Encode_Binary_SendsTheLegacyBodyWithCloudEventHeaders()
    {
        var evt = Samples["startup"];

        var message = ChoriaEventEncoder.Encode(evt, WireFormat.CloudEventBinary);

        Assert.Equal(ChoriaEventEncoder.EncodeLegacy(evt), message.Body);
        Assert.Equal("1.0", message.Headers!["ce-specversion"]);
        Assert.Equal("io.choria.lifecycle.v1.startup", message.Headers["ce-type"]);
        Assert.Equal(Identity, message.Headers["ce-subject"]);
        Assert.Equal("application/json", message.Headers["content-type"]);
    }

    [Fact]
    public void Encode_StructuredWatcherWithRawData_CarriesTheRawDataVerbatim()
    {
        var evt = (WatcherStateEvent)Samples["exec"];

        var data = StructuredEnvelope(evt).GetProperty("data").GetRawText();

        Assert.Equal(evt.RawData, data);
    }

    [Fact]
    public void Encode_Legacy_WritesKeysInChoriasOrder()
    {
        var json = System.Text.Encoding.UTF8.GetString(ChoriaEventEncoder.EncodeLegacy(Samples["upgraded"]));

        Assert.Equal(
            $"{{\"protocol\":\"io.choria.lifecycle.v1.upgraded\",\"id\":\"2bTJ8vIqNMmpXFXC1yYwOXbRoYN\",\"identity\":\"{Identity}\",\"component\":\"server\",\"timestamp\":{Timestamp.ToUnixTimeSeconds()},\"version\":\"0.29.3\",\"new_version\":\"0.29.4\"}}",
            json);
    }

    private static ChoriaEvent Decode(WireMessage message)
    {
        var headers = message.Headers?.ToDictionary(h => h.Key, h => new StringValues(h.Value), StringComparer.Ordinal);
        var result = Decoder.Decode(message.Body, headers);
        Assert.True(result.IsSuccess, $"{message.Subject}: {result}");
        return result.Event!;
    }

    private static void AssertSameEvent(ChoriaEvent expected, ChoriaEvent actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        if (expected is NagiosWatcherState n && actual is NagiosWatcherState m)
        {
            Assert.Equal(n.PerfData.ToArray(), m.PerfData.ToArray());
            Assert.Equal(n.History.ToArray(), m.History.ToArray());
            Assert.Equal(n.History.Select(h => h.Executed?.UtcTicks), m.History.Select(h => h.Executed?.UtcTicks));
            Assert.Equal(n.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal), m.Annotations.OrderBy(a => a.Key, StringComparer.Ordinal));

            // Everything else compared by the record's own equality, with the collections taken from the decoded one.
            Assert.Equal(n with { PerfData = m.PerfData, History = m.History, Annotations = m.Annotations }, m);
            return;
        }

        Assert.Equal(expected, actual);
        Assert.Equal(expected.Timestamp.UtcTicks, actual.Timestamp.UtcTicks);
    }

    private static JsonElement StructuredEnvelope(ChoriaEvent evt) => Envelope(ChoriaEventEncoder.Encode(evt, WireFormat.CloudEventStructured));

    private static IReadOnlyDictionary<string, string> BinaryHeaders(ChoriaEvent evt) => ChoriaEventEncoder.Encode(evt, WireFormat.CloudEventBinary).Headers!;

    private static JsonElement Envelope(WireMessage message)
    {
        using var document = JsonDocument.Parse(message.Body);
        return document.RootElement.Clone();
    }
}
