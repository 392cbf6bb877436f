using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>
/// Strings that repeat from event to event (protocol, component, version, machine, watcher, status, check plugin)
/// looked up by their UTF-8 bytes, so a repeat costs neither a new string nor the transcoding, and the fleet keeps
/// one instance of each instead of one per event it retains.
/// </summary>
/// <remarks>
/// A direct-mapped table of <see cref="IngestOptions.StringPoolSize"/> slots: a value hashes to one slot, and a
/// different value arriving there replaces it, so the table never grows and a burst of unique values (identities,
/// ids) only costs a miss. Values over <see cref="MaxValueBytes"/> bytes, and escaped ones, are not pooled. Slots hold
/// immutable entries written as one reference, so the NATS loops can share it without locks.
/// </remarks>
internal sealed class Utf8StringPool
{
    /// <summary>Longer values are decoded every time (keeps the table's worst case at slots × this).</summary>
    public const int MaxValueBytes = 256;

    private readonly Entry?[] _slots;
    private readonly int _mask;

    public Utf8StringPool(int size)
    {
        var slots = size <= 0 ? 0 : (int)Math.Min(1 << 20, System.Numerics.BitOperations.RoundUpToPowerOf2((uint)size));
        _slots = new Entry?[slots];
        _mask = slots - 1;
    }

    /// <summary>The text of a JSON string <paramref name="element"/>; throws like <see cref="JsonElement.GetString"/>.</summary>
    public string GetString(JsonElement element)
    {
        if (_slots.Length == 0 || element.ValueKind != JsonValueKind.String)
        {
            return element.GetString()!;
        }

        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (raw.Length < 2 || raw[0] != (byte)'"')
        {
            return element.GetString()!;
        }

        var bytes = raw[1..^1];
        if (bytes.Length > MaxValueBytes || bytes.Contains((byte)'\\'))
        {
            // Escapes are decoded (and a lone surrogate refused) by the JSON reader itself.
            return element.GetString()!;
        }

        var hash = new HashCode();
        hash.AddBytes(bytes);
        ref var slot = ref _slots[hash.ToHashCode() & _mask];
        var entry = Volatile.Read(ref slot);
        if (entry is not null && bytes.SequenceEqual(entry.Utf8))
        {
            return entry.Value;
        }

        // The whole body was checked to be valid UTF-8 before parsing.
        var value = Encoding.UTF8.GetString(bytes);
        Volatile.Write(ref slot, new Entry(value, bytes.ToArray()));
        return value;
    }

    private sealed record Entry(string Value, byte[] Utf8);
}
