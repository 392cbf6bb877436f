using System.Text.Json;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>Reads the six lifecycle events (startup, alive, shutdown, provisioned, upgraded, governor).</summary>
internal sealed class LifecycleReader(IngestOptions options, JsonFields fields)
{
    /// <summary>Reads a lifecycle event of <paramref name="type"/>, the protocol's last part.</summary>
    /// <remarks>
    /// Choria 0.9's <c>choria:lifecycle:&lt;type&gt;:1</c> events carry no <c>id</c>; they are read with an empty id and
    /// the protocol normalised to <c>io.choria.lifecycle.v1.&lt;type&gt;</c>, as go-choria's parsers do. A governor
    /// event's <c>identity</c> names the slot holder, which for an autonomous agent is free text such as
    /// <c>Auto Agent  app_deploy#deploy @ web-7.example.net</c>: it is kept as sent (a governor event is never a node).
    /// </remarks>
    public LifecycleEvent Read(JsonElement data, string protocol, string type, WireFormat format)
    {
        var choria09 = protocol.StartsWith(ChoriaProtocol.LegacyLifecyclePrefix, StringComparison.Ordinal);
        var id = choria09 ? fields.OptionalString(data, "id", options.MaxFieldLength) ?? "" : fields.RequiredString(data, "id", options.MaxFieldLength);
        var identity = type == "governor" ? fields.RequiredText(data, "identity") : fields.RequiredIdentity(data, "identity");
        var component = fields.RequiredName(data, "component");
        var timestamp = JsonFields.FromUnixSeconds(JsonFields.RequiredInt64(data, "timestamp"), "timestamp");
        protocol = CanonicalNames.Of(choria09 ? ChoriaProtocol.LifecyclePrefix + type : protocol);

        return type switch
        {
            "startup" => new StartupEvent
            {
                Protocol = protocol,
                Id = id,
                Identity = identity,
                Component = component,
                Timestamp = timestamp,
                Format = format,
                Version = fields.RequiredName(data, "version"),
            },
            "alive" => new AliveEvent
            {
                Protocol = protocol,
                Id = id,
                Identity = identity,
                Component = component,
                Timestamp = timestamp,
                Format = format,
                Version = fields.RequiredName(data, "version"),
            },
            "shutdown" => new ShutdownEvent
            {
                Protocol = protocol,
                Id = id,
                Identity = identity,
                Component = component,
                Timestamp = timestamp,
                Format = format,
            },
            "provisioned" => new ProvisionedEvent
            {
                Protocol = protocol,
                Id = id,
                Identity = identity,
                Component = component,
                Timestamp = timestamp,
                Format = format,
            },
            "upgraded" => new UpgradedEvent
            {
                Protocol = protocol,
                Id = id,
                Identity = identity,
                Component = component,
                Timestamp = timestamp,
                Format = format,
                Version = fields.RequiredName(data, "version"),
                NewVersion = fields.RequiredName(data, "new_version"),
            },
            "governor" => new GovernorEvent
            {
                Protocol = protocol,
                Id = id,
                Identity = identity,
                Component = component,
                Timestamp = timestamp,
                Format = format,
                Governor = JsonFields.NonEmpty(fields.RequiredName(data, "governor"), "governor"),
                Sequence = JsonFields.OptionalUInt64(data, "sequence"),
                EventTypeName = fields.RequiredName(data, "event_type"),
            },
            _ => throw new RejectException(RejectionReason.UnknownType, $"unknown lifecycle type '{UntrustedText.Excerpt(type)}'"),
        };
    }
}
