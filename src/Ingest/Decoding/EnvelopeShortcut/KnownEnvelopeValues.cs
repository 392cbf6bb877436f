using System.Text;
using System.Text.Json;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>The CloudEvents envelope attributes whose values repeat across a fleet's events.</summary>
internal enum EnvelopeAttribute
{
    Source,
    Type,
    DataContentType,
    DataSchema,
}

/// <summary>
/// Envelope attribute values (source, type, data content type, data schema) that arrived on an event the CloudEvents
/// SDK accepted and that decoded into a Choria event. A fleet repeats a handful of them; once seen, the decoder
/// recognises them by comparing bytes instead of having the SDK parse and validate them again (a URI, a media type)
/// on every message. Values not in the set take the SDK's path, so what is rejected, and why, does not change.
/// </summary>
/// <remarks>
/// Bounded by <see cref="IngestOptions.EnvelopeCacheSize"/> values in all; once full, new values are simply not
/// remembered. Lookups are lock-free over copy-on-write arrays; additions, which happen a handful of times in the
/// life of the process, take a lock.
/// </remarks>
internal sealed class KnownEnvelopeValues
{
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly Entry[][] _byAttribute = [[], [], [], []];
    private int _count;

    public KnownEnvelopeValues(int capacity) => _capacity = capacity;

    public int Count => Volatile.Read(ref _count);

    /// <summary>The remembered instance equal to the JSON string <paramref name="value"/>, or null.</summary>
    public string? Find(EnvelopeAttribute attribute, JsonElement value)
    {
        foreach (var entry in Volatile.Read(ref _byAttribute[(int)attribute]))
        {
            if (value.ValueEquals(entry.Utf8))
            {
                return entry.Value;
            }
        }

        return null;
    }

    /// <summary>The remembered instance equal to <paramref name="value"/>, or null.</summary>
    public string? Find(EnvelopeAttribute attribute, string value)
    {
        foreach (var entry in Volatile.Read(ref _byAttribute[(int)attribute]))
        {
            if (string.Equals(entry.Value, value, StringComparison.Ordinal))
            {
                return entry.Value;
            }
        }

        return null;
    }

    /// <summary>Remembers a value the SDK accepted, if there is room.</summary>
    public void Remember(EnvelopeAttribute attribute, string? value)
    {
        if (value is null || _count >= _capacity || Find(attribute, value) is not null)
        {
            return;
        }

        lock (_gate)
        {
            ref var slot = ref _byAttribute[(int)attribute];
            if (_count >= _capacity || Array.Exists(slot, e => e.Value == value))
            {
                return;
            }

            Volatile.Write(ref slot, [.. slot, new Entry(value, Encoding.UTF8.GetBytes(value))]);
            Volatile.Write(ref _count, _count + 1);
        }
    }

    private sealed record Entry(string Value, byte[] Utf8);
}
