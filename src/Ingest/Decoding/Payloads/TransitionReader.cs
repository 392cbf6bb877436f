using System.Text.Json;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>Reads a machine transition (<c>io.choria.machine.v1.transition</c>).</summary>
internal sealed class TransitionReader(IngestOptions options, JsonFields fields)
{
    public MachineTransitionEvent Read(JsonElement data, WireFormat format) => new()
    {
        Protocol = ChoriaProtocol.Transition,
        Identity = fields.RequiredIdentity(data, "identity"),
        Id = fields.RequiredString(data, "id", options.MaxFieldLength),
        MachineVersion = fields.RequiredName(data, "version"),
        Timestamp = JsonFields.MachineTimestamp(JsonFields.RequiredInt64(data, "timestamp")),
        Machine = fields.RequiredName(data, "machine"),
        Transition = fields.RequiredName(data, "transition"),
        FromState = fields.RequiredName(data, "from_state"),
        ToState = fields.RequiredName(data, "to_state"),
        Format = format,
    };
}
