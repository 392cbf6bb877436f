using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace ChoriaDashboard.Events;

/// <summary>One message as it goes on the wire: subject, optional headers, body.</summary>
public sealed record WireMessage(string Subject, IReadOnlyDictionary<string, string>? Headers, byte[] Body);

/// <summary>
/// Writes typed events in the shapes Choria sends them, key order as go-choria and sdk-go write them.
/// Used by the demo fleet, the tests and the load generator, so what they publish is what Choria publishes.
/// </summary>
public static class ChoriaEventEncoder
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The subject Choria publishes the event on.</summary>
    public static string SubjectFor(ChoriaEvent evt) => evt switch
    {
        LifecycleEvent l => ChoriaSubjects.Lifecycle(l.Type, l.Component),
        MachineTransitionEvent => ChoriaSubjects.Transition,
        WatcherStateEvent w => ChoriaSubjects.WatcherState(w.WatcherType),
        _ => throw new ArgumentException($"no subject for {evt.GetType().Name}", nameof(evt)),
    };

    /// <summary>Encodes <paramref name="evt"/> in <paramref name="format"/>. Machine events get a fresh CE id unless one is given.</summary>
    public static WireMessage Encode(ChoriaEvent evt, WireFormat format, string? cloudEventId = null)
    {
        var subject = SubjectFor(evt);
        var ceId = cloudEventId ?? (evt is MachineEvent ? Guid.NewGuid().ToString() : evt.Id);
        var source = evt is MachineEvent ? ChoriaProtocol.MachineSource : ChoriaProtocol.LifecycleSource;
        var time = evt.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

        switch (format)
        {
            case WireFormat.Legacy:
                return new WireMessage(subject, null, EncodeLegacy(evt));
            case WireFormat.CloudEventBinary:
                var headers = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["ce-specversion"] = "1.0",
                    ["ce-id"] = ceId,
                    ["ce-source"] = source,
                    ["ce-type"] = evt.Protocol,
                    ["ce-subject"] = evt.Identity,
                    ["ce-time"] = time,
                    ["content-type"] = "application/json",
                };
                return new WireMessage(subject, headers, EncodeLegacy(evt));
            case WireFormat.CloudEventStructured:
                var buffer = new ArrayBufferWriter<byte>(512);
                using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
                {
                    writer.WriteStartObject();
                    writer.WriteString("specversion", "1.0");
                    writer.WriteString("id", ceId);
                    writer.WriteString("source", source);
                    writer.WriteString("type", evt.Protocol);
                    writer.WriteString("subject", evt.Identity);
                    writer.WriteString("datacontenttype", "application/json");
                    writer.WriteString("time", time);
                    writer.WritePropertyName("data");
                    WriteData(writer, evt);
                    writer.WriteEndObject();
                }

                return new WireMessage(subject, null, buffer.WrittenSpan.ToArray());
            default:
                throw new ArgumentOutOfRangeException(nameof(format));
        }
    }

    /// <summary>The legacy JSON body: Choria's own event object.</summary>
    public static byte[] EncodeLegacy(ChoriaEvent evt)
    {
        var buffer = new ArrayBufferWriter<byte>(384);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteData(writer, evt);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteData(Utf8JsonWriter w, ChoriaEvent evt)
    {
        if (evt is WatcherStateEvent { RawData: { } raw } and not NagiosWatcherState)
        {
            w.WriteRawValue(raw);
            return;
        }

        w.WriteStartObject();
        w.WriteString("protocol", evt.Protocol);
        switch (evt)
        {
            case LifecycleEvent l:
                w.WriteString("id", l.Id);
                w.WriteString("identity", l.Identity);
                w.WriteString("component", l.Component);
                w.WriteNumber("timestamp", l.Timestamp.ToUnixTimeSeconds());
                switch (l)
                {
                    case StartupEvent s:
                        w.WriteString("version", s.Version);
                        break;
                    case AliveEvent a:
                        w.WriteString("version", a.Version);
                        break;
                    case UpgradedEvent u:
                        w.WriteString("version", u.Version);
                        w.WriteString("new_version", u.NewVersion);
                        break;
                    case GovernorEvent g:
                        w.WriteString("governor", g.Governor);
                        w.WriteNumber("sequence", g.Sequence);
                        w.WriteString("event_type", g.EventTypeName);
                        break;
                }

                break;
            case MachineEvent m:
                w.WriteString("identity", m.Identity);
                w.WriteString("id", m.Id);
                w.WriteString("version", m.MachineVersion);
                w.WriteNumber("timestamp", m.Timestamp.ToUnixTimeSeconds());
                if (m is MachineTransitionEvent t)
                {
                    w.WriteString("machine", t.Machine);
                    w.WriteString("transition", t.Transition);
                    w.WriteString("from_state", t.FromState);
                    w.WriteString("to_state", t.ToState);
                }
                else if (m is WatcherStateEvent ws)
                {
                    w.WriteString("type", ws.WatcherType);
                    w.WriteString("machine", ws.Machine);
                    w.WriteString("name", ws.Name);
                    if (ws is NagiosWatcherState n)
                    {
                        WriteNagios(w, n);
                    }
                }

                break;
        }

        w.WriteEndObject();
    }

    private static void WriteNagios(Utf8JsonWriter w, NagiosWatcherState n)
    {
        w.WriteString("plugin", n.Plugin);
        w.WriteString("status", n.Status);
        w.WriteNumber("status_code", n.StatusCode);
        w.WriteString("output", n.Output);
        w.WriteNumber("check_time", n.CheckTime?.ToUnixTimeSeconds() ?? -62135596800);
        w.WriteStartArray("perfdata");
        foreach (var p in n.PerfData)
        {
            w.WriteStartObject();
            w.WriteString("unit", p.Unit);
            w.WriteString("label", p.Label);
            w.WriteNumber("value", p.Value);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteNumber("runtime", n.RuntimeSeconds);
        w.WriteStartArray("history");
        foreach (var h in n.History)
        {
            if (h.Executed is not { } executed)
            {
                // Choria 0.16's shape: the status codes alone.
                w.WriteNumberValue(h.StatusCode);
                continue;
            }

            w.WriteStartObject();
            w.WriteString("execute", executed.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
            w.WriteNumber("status", h.StatusCode);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartObject("annotations");
        foreach (var (key, value) in n.Annotations)
        {
            w.WriteString(key, value);
        }

        w.WriteEndObject();
    }
}
