using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using ChoriaDashboard.Events;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>
/// Recognises the common CloudEvent envelope without the SDK: spec version 1.0; id, subject and time checked as the
/// SDK's own attribute definitions check them; source, type, data content type and data schema among the values an
/// earlier event was accepted with (<see cref="KnownEnvelopeValues"/>). Anything else (an extension attribute, a new
/// source, a null, a repeated name, data_base64, a string that cannot be read) answers false and takes the SDK's path,
/// which alone rejects, and in its own order; so this can save work but never change an answer.
/// </summary>
/// <remarks>Created only when <see cref="IngestOptions.EnvelopeCacheSize"/> is above 0.</remarks>
internal sealed class EnvelopeShortcut(int capacity)
{
    private static readonly CloudEventAttribute IdAttribute = CloudEventsSpecVersion.V1_0.IdAttribute;
    private static readonly CloudEventAttribute TimeAttribute = CloudEventsSpecVersion.V1_0.TimeAttribute;
    private static readonly CloudEventAttribute SubjectAttribute = CloudEventsSpecVersion.V1_0.SubjectAttribute;

    /// <summary>The envelope attributes the shortcut handles; any other name (an extension) takes the SDK path.</summary>
    private static readonly ImmutableArray<(string Name, byte[] Utf8, Envelope Attribute)> EnvelopeNames =
    [
        .. new (string Name, Envelope Attribute)[]
        {
            ("specversion", Envelope.SpecVersion), ("id", Envelope.Id), ("source", Envelope.Source), ("type", Envelope.Type),
            ("time", Envelope.Time), ("subject", Envelope.Subject), ("datacontenttype", Envelope.DataContentType),
            ("dataschema", Envelope.DataSchema),
        }.Select(n => (n.Name, Encoding.UTF8.GetBytes(n.Name), n.Attribute)),
    ];

    private readonly KnownEnvelopeValues _known = new(capacity);

    [Flags]
    private enum Envelope
    {
        None = 0,
        SpecVersion = 1,
        Id = 2,
        Source = 4,
        Type = 8,
        Time = 16,
        Subject = 32,
        DataContentType = 64,
        DataSchema = 128,
        Data = 256,
        RequiredBinary = SpecVersion | Id | Source | Type,
        Required = RequiredBinary | Data,
    }

    /// <summary>How many envelope values are remembered.</summary>
    public int Count => _known.Count;

    /// <summary>A structured CloudEvent with a known envelope: its source (the known instance) and its data object.</summary>
    public bool TryStructured(JsonElement root, out string? source, out JsonElement data)
    {
        try
        {
            return TryStructuredCore(root, out source, out data);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape in a name or value: the SDK path reports it (or an earlier fault).
            source = null;
            data = default;
            return false;
        }
    }

    /// <summary>The binary-mode counterpart of <see cref="TryStructured"/>, over <c>ce-*</c> headers.</summary>
    public bool TryBinary(IEnumerable<KeyValuePair<string, StringValues>> headers, out string? source)
    {
        source = null;
        string? contentType = null;
        var seen = Envelope.None;
        foreach (var (key, values) in headers)
        {
            if (values.Count != 1 || values[0] is not { } value)
            {
                return false;
            }

            if (key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value;
                continue;
            }

            if (key.Length <= BinaryMode.HeaderPrefix.Length || !key.StartsWith(BinaryMode.HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = key.AsSpan(BinaryMode.HeaderPrefix.Length);
            var attribute = Envelope.None;
            foreach (var known in EnvelopeNames)
            {
                if (name.Equals(known.Name, StringComparison.OrdinalIgnoreCase))
                {
                    attribute = known.Attribute;
                    break;
                }
            }

            if (attribute == Envelope.None || (seen & attribute) != 0 || !IsKnownValue(attribute, default, value, ref source))
            {
                return false;
            }

            seen |= attribute;
        }

        // The SDK takes the data content type from content-type when no ce-datacontenttype came.
        if (contentType is not null && (seen & Envelope.DataContentType) == 0
            && _known.Find(EnvelopeAttribute.DataContentType, contentType) is null)
        {
            return false;
        }

        return (seen & Envelope.RequiredBinary) == Envelope.RequiredBinary;
    }

    /// <summary>Remembers the repeating envelope values of an event the SDK accepted and that decoded.</summary>
    public void Remember(CloudEvent? cloudEvent)
    {
        if (cloudEvent is null)
        {
            return;
        }

        _known.Remember(EnvelopeAttribute.Source, cloudEvent.Source?.OriginalString);
        // Choria's types all start with its prefix; other senders' types are not worth a slot of the bounded set.
        if (cloudEvent.Type?.StartsWith(ChoriaProtocol.Prefix, StringComparison.Ordinal) == true)
        {
            _known.Remember(EnvelopeAttribute.Type, cloudEvent.Type);
        }

        _known.Remember(EnvelopeAttribute.DataContentType, cloudEvent.DataContentType);
        _known.Remember(EnvelopeAttribute.DataSchema, cloudEvent.DataSchema?.OriginalString);
    }

    /// <summary>The SDK's own check of one attribute value (what <c>SetAttributeFromString</c> does), without an event.</summary>
    public static bool IsValid(CloudEventAttribute attribute, string text)
    {
        try
        {
            attribute.Validate(attribute.Type.Parse(text));
            return true;
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            return false;
        }
    }

    private bool TryStructuredCore(JsonElement root, out string? source, out JsonElement data)
    {
        source = null;
        data = default;
        var seen = Envelope.None;
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            Envelope attribute;
            if (property.NameEquals("data"u8))
            {
                attribute = Envelope.Data;
                data = value;
                if (value.ValueKind != JsonValueKind.Object)
                {
                    return false;
                }
            }
            else
            {
                attribute = AttributeNamed(property);
                if (attribute == Envelope.None || value.ValueKind != JsonValueKind.String || !IsKnownValue(attribute, value, null, ref source))
                {
                    return false;
                }
            }

            if ((seen & attribute) != 0)
            {
                return false;
            }

            seen |= attribute;
        }

        return (seen & Envelope.Required) == Envelope.Required;
    }

    private static Envelope AttributeNamed(JsonProperty property)
    {
        foreach (var known in EnvelopeNames)
        {
            if (property.NameEquals(known.Utf8))
            {
                return known.Attribute;
            }
        }

        return Envelope.None;
    }

    /// <summary>
    /// One envelope attribute's value, as JSON (structured) or text (binary): spec version 1.0; id, subject and time
    /// as the SDK's attribute definitions accept them; the repeating ones among the known values (the source's known
    /// instance is handed back).
    /// </summary>
    private bool IsKnownValue(Envelope attribute, JsonElement json, string? text, ref string? source)
    {
        switch (attribute)
        {
            case Envelope.SpecVersion:
                return text is null ? json.ValueEquals("1.0"u8) : text == "1.0";
            case Envelope.Id:
                return IsPlain(json, text, time: false) || IsValid(IdAttribute, text ?? json.GetString()!);
            case Envelope.Time:
                return IsPlain(json, text, time: true) || IsValid(TimeAttribute, text ?? json.GetString()!);
            case Envelope.Subject:
                return IsPlain(json, text, time: false) || IsValid(SubjectAttribute, text ?? json.GetString()!);
        }

        var which = attribute switch
        {
            Envelope.Source => EnvelopeAttribute.Source,
            Envelope.Type => EnvelopeAttribute.Type,
            Envelope.DataContentType => EnvelopeAttribute.DataContentType,
            _ => EnvelopeAttribute.DataSchema,
        };
        var known = text is null ? _known.Find(which, json) : _known.Find(which, text);
        if (attribute == Envelope.Source)
        {
            source = known;
        }

        return known is not null;
    }

    /// <summary>A plain id, subject or time the SDK is known to accept, recognised without making a string of it.</summary>
    private static bool IsPlain(JsonElement json, string? text, bool time)
    {
        if (text is not null)
        {
            return time ? PlainAttributeValues.IsPlainUtcTimestamp(text.AsSpan()) : PlainAttributeValues.IsPlainString(text.AsSpan());
        }

        // Raw bytes between the quotes, escapes included: an escaped value (a backslash) could stand for anything and
        // goes to the SDK.
        var quoted = JsonMarshal.GetRawUtf8Value(json);
        if (quoted.Length < 2 || quoted[0] != (byte)'"' || quoted[^1] != (byte)'"')
        {
            return false;
        }

        var raw = quoted[1..^1];
        if (raw.Contains((byte)'\\'))
        {
            return false;
        }

        return time ? PlainAttributeValues.IsPlainUtcTimestamp(raw) : PlainAttributeValues.IsPlainString(raw);
    }
}
