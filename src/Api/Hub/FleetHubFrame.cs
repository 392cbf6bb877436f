using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChoriaDashboard.Api.Hub;

/// <summary>
/// One item of the <c>Fleet</c> stream as its JSON: a <see cref="FleetHubMessage"/> serialized once (with the hub
/// protocol's options) and written as it is to every client it goes to. A round of changes is serialized once per
/// filter, however many clients share that filter; SignalR's JSON protocol only copies the bytes into each frame.
/// </summary>
[JsonConverter(typeof(Converter))]
public sealed class FleetHubFrame
{
    private readonly byte[] _json;

    private FleetHubFrame(string kind, long revision, bool last, byte[] json)
    {
        Kind = kind;
        Revision = revision;
        Last = last;
        _json = json;
    }

    /// <summary><see cref="FleetHubMessage.Snapshot"/> or <see cref="FleetHubMessage.Changes"/>.</summary>
    public string Kind { get; }

    /// <summary>The message's <see cref="FleetHubMessage.Revision"/>.</summary>
    public long Revision { get; }

    /// <summary>The message's <see cref="FleetHubMessage.Last"/>.</summary>
    public bool Last { get; }

    /// <summary>The message as UTF-8 JSON (camelCase, the shape of <see cref="FleetHubMessage"/>).</summary>
    public ReadOnlySpan<byte> Utf8Json => _json;

    /// <summary>Bytes of <see cref="Utf8Json"/>.</summary>
    public int Length => _json.Length;

    /// <summary>Serializes <paramref name="message"/> with <paramref name="options"/> (the hub protocol's payload options).</summary>
    public static FleetHubFrame From(FleetHubMessage message, JsonSerializerOptions options) =>
        new(message.Kind, message.Revision, message.Last, JsonSerializer.SerializeToUtf8Bytes(message, options));

    /// <summary>Writes the bytes as they are; a frame is never read back (clients read <see cref="FleetHubMessage"/>).</summary>
    private sealed class Converter : JsonConverter<FleetHubFrame>
    {
        public override FleetHubFrame Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("A FleetHubFrame is only written; read the stream's items as FleetHubMessage.");

        public override void Write(Utf8JsonWriter writer, FleetHubFrame value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value._json, skipInputValidation: true);
    }
}
