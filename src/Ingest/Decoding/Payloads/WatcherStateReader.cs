using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>
/// Reads a watcher state (<c>io.choria.machine.watcher.&lt;type&gt;.v1.state</c>): the fields every watcher shares,
/// then the nagios check's own through <see cref="NagiosStateReader"/>, or any other watcher's data kept raw.
/// </summary>
internal sealed class WatcherStateReader(IngestOptions options, JsonFields fields)
{
    private readonly NagiosStateReader _nagios = new(options, fields);

    public WatcherStateEvent Read(JsonElement data, string protocol, string watcherType, WireFormat format)
    {
        var identity = fields.RequiredIdentity(data, "identity");
        var id = fields.RequiredString(data, "id", options.MaxFieldLength);
        var version = fields.RequiredName(data, "version");
        var timestamp = JsonFields.MachineTimestamp(JsonFields.RequiredInt64(data, "timestamp"));
        var type = fields.RequiredName(data, "type");
        if (type != watcherType)
        {
            throw new RejectException(RejectionReason.InvalidValue, $"watcher type '{UntrustedText.Excerpt(type)}' does not match protocol '{UntrustedText.Excerpt(protocol)}'");
        }

        var machine = fields.RequiredName(data, "machine");
        var name = fields.RequiredName(data, "name");

        if (watcherType == WatcherTypes.Nagios)
        {
            return _nagios.Read(data, new WatcherHeader(protocol, identity, id, version, timestamp, watcherType, machine, name, format));
        }

        var raw = data.GetRawText();
        return new WatcherStateEvent
        {
            Protocol = protocol,
            Identity = identity,
            Id = id,
            MachineVersion = version,
            Timestamp = timestamp,
            WatcherType = CanonicalNames.Of(watcherType),
            Machine = machine,
            Name = name,
            Format = format,
            RawData = Encoding.UTF8.GetByteCount(raw) <= options.MaxWatcherDataBytes ? raw : null,
        };
    }
}

/// <summary>The fields every watcher state carries, read before the watcher type's own.</summary>
internal readonly record struct WatcherHeader(
    string Protocol,
    string Identity,
    string Id,
    string MachineVersion,
    DateTimeOffset Timestamp,
    string WatcherType,
    string Machine,
    string Name,
    WireFormat Format);
