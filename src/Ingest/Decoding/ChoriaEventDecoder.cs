using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using ChoriaDashboard.Events;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Ingest;

/// <summary>
/// Turns the raw bytes (and headers) of one NATS message into a typed <see cref="ChoriaEvent"/>, or a rejection.
/// Detects per message which of the three shapes arrived: legacy Choria JSON (<c>protocol</c> at the top),
/// CloudEvents structured (<c>specversion</c> in the body) or CloudEvents binary (<c>ce-*</c> headers).
/// </summary>
/// <remarks>Thread-safe and allocation-light; never throws for bad input.</remarks>
public sealed class ChoriaEventDecoder
{
    private const string LifecyclePrefix = ChoriaProtocol.LifecyclePrefix;
    private const string LegacyLifecyclePrefix = ChoriaProtocol.LegacyLifecyclePrefix;
    private const string TransitionProtocol = ChoriaProtocol.Transition;
    private const string WatcherPrefix = ChoriaProtocol.WatcherPrefix;
    private const string WatcherSuffix = ChoriaProtocol.WatcherSuffix;
    private const string CloudEventsContentType = "application/cloudevents+json";
    private const string BinaryHeaderPrefix = "ce-";

    /// <summary>Go's zero time as Unix seconds: a nagios check that never ran.</summary>
    private const long GoZeroTimeUnixSeconds = -62135596800;

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 32 };

    /// <summary>Protocol and watcher type names every event repeats: one shared instance each instead of a copy per event.</summary>
    private static readonly FrozenDictionary<string, string> KnownNames =
        Enum.GetValues<LifecycleEventType>()
            .Select(ChoriaProtocol.Lifecycle)
            .Concat(WatcherTypes.All)
            .ToFrozenDictionary(n => n, n => n, StringComparer.Ordinal);

    private static readonly CloudEventAttribute IdAttribute = CloudEventsSpecVersion.V1_0.IdAttribute;
    private static readonly CloudEventAttribute TimeAttribute = CloudEventsSpecVersion.V1_0.TimeAttribute;
    private static readonly CloudEventAttribute SubjectAttribute = CloudEventsSpecVersion.V1_0.SubjectAttribute;

    private readonly IngestOptions _options;
    private readonly KnownEnvelopeValues _known;
    private readonly Utf8StringPool _strings;

    public ChoriaEventDecoder(IngestOptions options)
    {
        _options = options;
        _known = new KnownEnvelopeValues(options.EnvelopeCacheSize);
        _strings = new Utf8StringPool(options.StringPoolSize);
    }

    /// <summary>How many envelope values are recognised without the SDK (see <see cref="KnownEnvelopeValues"/>).</summary>
    internal int KnownEnvelopeValueCount => _known.Count;

    /// <summary>Decodes one message. <paramref name="headers"/> are the NATS headers, if any.</summary>
    public DecodeResult Decode(ReadOnlyMemory<byte> body, IEnumerable<KeyValuePair<string, StringValues>>? headers = null)
    {
        if (body.Length > _options.MaxPayloadBytes)
        {
            return DecodeResult.Reject(RejectionReason.TooLarge, $"{body.Length} bytes, limit {_options.MaxPayloadBytes}");
        }

        try
        {
            string? binarySource = null;
            CloudEvent? binaryChecked = null;
            if (headers is not null && !(_options.EnvelopeCacheSize > 0 && TryKnownBinaryEnvelope(headers, out binarySource)))
            {
                binaryChecked = ReadBinaryEnvelope(headers, out _);
                binarySource = binaryChecked?.Source?.OriginalString;
            }

            using var document = Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new RejectException(RejectionReason.NotJson, $"the JSON root is {Describe(root.ValueKind)}, not an object");
            }

            if (binarySource is not null)
            {
                var evt = DecodeChoria(root, WireFormat.CloudEventBinary, binarySource);
                Remember(binaryChecked);
                return DecodeResult.Ok(evt);
            }

            // Go's EventFormatFromJSON: a top-level protocol means the legacy format, checked first.
            if (root.TryGetProperty("protocol", out var protocol) && protocol.ValueKind == JsonValueKind.String)
            {
                return DecodeResult.Ok(DecodeChoria(root, WireFormat.Legacy, source: null));
            }

            if (root.TryGetProperty("specversion", out _) || IsStructuredContentType(headers))
            {
                return DecodeResult.Ok(DecodeStructured(root));
            }

            throw new RejectException(RejectionReason.NotChoriaEvent, "neither a 'protocol' nor a 'specversion' property at the top");
        }
        catch (RejectException e)
        {
            return DecodeResult.Reject(e.Reason, e.Message);
        }
        catch (InvalidOperationException e)
        {
            // A JSON string with a lone surrogate escape ("\ud800") parses, then cannot be read as text.
            return DecodeResult.Reject(RejectionReason.InvalidValue, $"a string cannot be read: {UntrustedText.Excerpt(e.Message)}");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or JsonException)
        {
            // Anything else the JSON or CloudEvents libraries object to is still bad input, never a crash.
            return DecodeResult.Reject(RejectionReason.NotJson, UntrustedText.Excerpt(e.Message));
        }
    }

    private static JsonDocument Parse(ReadOnlyMemory<byte> body)
    {
        // JsonDocument.Parse does not check the UTF-8 inside string values; GetString() would throw later.
        if (!Utf8.IsValid(body.Span))
        {
            throw new RejectException(RejectionReason.NotJson, "not valid UTF-8");
        }

        try
        {
            return JsonDocument.Parse(body, DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new RejectException(RejectionReason.NotJson, $"not valid JSON: {UntrustedText.Excerpt(e.Message)}");
        }
        catch (ArgumentException e)
        {
            throw new RejectException(RejectionReason.NotJson, $"not valid UTF-8 JSON: {UntrustedText.Excerpt(e.Message)}");
        }
    }

    /// <summary>
    /// A structured-mode CloudEvent: the SDK checks every envelope attribute as it is set (spec version, id, URI
    /// source, RFC 3339 time, media types), and the <c>data</c> object is decoded where it lies, without the copy
    /// the SDK's whole-event conversion makes.
    /// </summary>
    private ChoriaEvent DecodeStructured(JsonElement root)
    {
        if (_options.EnvelopeCacheSize > 0 && TryKnownStructuredEnvelope(root, out var knownSource, out var knownData))
        {
            return DecodeChoria(knownData, WireFormat.CloudEventStructured, knownSource);
        }

        if (!root.TryGetProperty("specversion", out var specVersionElement) || specVersionElement.ValueKind != JsonValueKind.String)
        {
            throw new RejectException(RejectionReason.InvalidCloudEvent, "'specversion' is not a string");
        }

        var specVersion = CloudEventsSpecVersion.FromVersionId(specVersionElement.GetString())
            ?? throw new RejectException(RejectionReason.InvalidCloudEvent, $"unsupported CloudEvents spec version '{UntrustedText.Excerpt(specVersionElement.GetString())}'");
        var cloudEvent = new CloudEvent(specVersion);
        JsonElement data = default;
        JsonElement dataBase64 = default;
        try
        {
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "specversion":
                        continue;
                    case "data":
                        data = property.Value;
                        continue;
                    case "data_base64":
                        dataBase64 = property.Value;
                        continue;
                }

                var value = property.Value;
                if (value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                // The spec's own attributes are all strings in JSON; extensions may also be numbers or booleans.
                var attribute = cloudEvent.GetAttribute(property.Name);
                if (attribute is { IsExtension: false } && value.ValueKind != JsonValueKind.String)
                {
                    throw new RejectException(RejectionReason.InvalidCloudEvent, $"'{UntrustedText.Excerpt(property.Name)}' is {Describe(value.ValueKind)}, expected a string");
                }

                var text = value.ValueKind switch
                {
                    JsonValueKind.String => value.GetString()!,
                    JsonValueKind.True => "true",
                    JsonValueKind.False => "false",
                    JsonValueKind.Number => value.GetRawText(),
                    _ => throw new RejectException(RejectionReason.InvalidCloudEvent, $"'{UntrustedText.Excerpt(property.Name)}' is {Describe(value.ValueKind)}"),
                };
                cloudEvent.SetAttributeFromString(property.Name, text);
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or OverflowException)
        {
            throw new RejectException(RejectionReason.InvalidCloudEvent, UntrustedText.Excerpt(e.Message));
        }

        if (!cloudEvent.IsValid)
        {
            var missing = cloudEvent.Id is null ? "id" : cloudEvent.Source is null ? "source" : "type";
            throw new RejectException(RejectionReason.InvalidCloudEvent, $"CloudEvent without '{missing}'");
        }

        var hasData = data.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        var hasBase64 = dataBase64.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null);
        if (hasData && hasBase64)
        {
            throw new RejectException(RejectionReason.InvalidCloudEvent, "CloudEvent with both 'data' and 'data_base64'");
        }

        if (hasBase64)
        {
            if (dataBase64.ValueKind != JsonValueKind.String || !dataBase64.TryGetBytesFromBase64(out var bytes))
            {
                throw new RejectException(RejectionReason.InvalidCloudEvent, "'data_base64' is not base64 text");
            }

            // data_base64: the data is the legacy event's JSON, encoded.
            using var inner = Parse(bytes);
            return inner.RootElement.ValueKind == JsonValueKind.Object
                ? DecodeChoria(inner.RootElement, WireFormat.CloudEventStructured, cloudEvent.Source!.OriginalString)
                : throw new RejectException(RejectionReason.NotChoriaEvent, "CloudEvent data_base64 is not a JSON object");
        }

        if (!hasData)
        {
            throw new RejectException(RejectionReason.MissingField, $"CloudEvent {UntrustedText.Excerpt(cloudEvent.Type)} has no data");
        }

        if (cloudEvent.DataContentType is { } contentType && !IsJsonContentType(contentType))
        {
            throw new RejectException(RejectionReason.NotChoriaEvent, $"CloudEvent data is '{UntrustedText.Excerpt(contentType)}', not JSON");
        }

        if (data.ValueKind != JsonValueKind.Object)
        {
            throw new RejectException(RejectionReason.NotChoriaEvent, "CloudEvent data is not a JSON object");
        }

        var decoded = DecodeChoria(data, WireFormat.CloudEventStructured, cloudEvent.Source!.OriginalString);
        Remember(cloudEvent);
        return decoded;
    }

    /// <summary>
    /// The common case of a structured CloudEvent, recognised without the SDK: spec version 1.0; id, subject and time
    /// checked with the SDK's own attribute definitions; source, type, data content type and data schema among the
    /// values an earlier event was accepted with; a JSON object as data. Anything else (an extension attribute, a
    /// new source, a null, a repeated name, data_base64, a string that cannot be read) returns false and takes the
    /// SDK's path, which alone rejects, and in its own order.
    /// </summary>
    private bool TryKnownStructuredEnvelope(JsonElement root, out string? source, out JsonElement data)
    {
        try
        {
            return TryKnownStructuredEnvelopeCore(root, out source, out data);
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape in a name or value: the SDK path reports it (or an earlier fault) as it always did.
            source = null;
            data = default;
            return false;
        }
    }

    private bool TryKnownStructuredEnvelopeCore(JsonElement root, out string? source, out JsonElement data)
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

    /// <summary>The binary-mode counterpart of <see cref="TryKnownStructuredEnvelope"/>, over <c>ce-*</c> headers.</summary>
    private bool TryKnownBinaryEnvelope(IEnumerable<KeyValuePair<string, StringValues>> headers, out string? source)
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

            if (key.Length <= BinaryHeaderPrefix.Length || !key.StartsWith(BinaryHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = key.AsSpan(BinaryHeaderPrefix.Length);
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

    /// <summary>The SDK's own check of one attribute value (what <c>SetAttributeFromString</c> does), without an event.</summary>
    internal static bool IsValid(CloudEventAttribute attribute, string text)
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

    /// <summary>Remembers the repeating envelope values of an event the SDK accepted and that decoded.</summary>
    private void Remember(CloudEvent? cloudEvent)
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

    /// <summary>The envelope attributes the shortcut handles; any other name (an extension) takes the SDK path.</summary>
    private static readonly (string Name, byte[] Utf8, Envelope Attribute)[] EnvelopeNames =
        new (string Name, Envelope Attribute)[]
        {
            ("specversion", Envelope.SpecVersion), ("id", Envelope.Id), ("source", Envelope.Source), ("type", Envelope.Type),
            ("time", Envelope.Time), ("subject", Envelope.Subject), ("datacontenttype", Envelope.DataContentType),
            ("dataschema", Envelope.DataSchema),
        }.Select(n => (n.Name, Encoding.UTF8.GetBytes(n.Name), n.Attribute)).ToArray();

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

    /// <summary>Builds the envelope of a binary-mode CloudEvent from <c>ce-*</c> headers; null when there are none.</summary>
    internal static CloudEvent? ReadBinaryEnvelope(IEnumerable<KeyValuePair<string, StringValues>> headers, out string? contentType)
    {
        contentType = null;
        string? specVersionId = null;
        foreach (var (key, value) in headers)
        {
            if (key.Equals("ce-specversion", StringComparison.OrdinalIgnoreCase))
            {
                specVersionId = value.ToString();
            }
            else if (key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value.ToString();
            }
        }

        if (specVersionId is null)
        {
            return null;
        }

        var specVersion = CloudEventsSpecVersion.FromVersionId(specVersionId)
            ?? throw new RejectException(RejectionReason.InvalidCloudEvent, $"unsupported CloudEvents spec version '{UntrustedText.Excerpt(specVersionId)}'");
        var cloudEvent = new CloudEvent(specVersion);
        try
        {
            foreach (var (key, value) in headers)
            {
                if (key.Length > BinaryHeaderPrefix.Length
                    && key.StartsWith(BinaryHeaderPrefix, StringComparison.OrdinalIgnoreCase)
                    && !key.Equals("ce-specversion", StringComparison.OrdinalIgnoreCase))
                {
                    // CloudEvents attribute names are lower case; NATS headers keep the case they were sent in.
                    cloudEvent.SetAttributeFromString(key[BinaryHeaderPrefix.Length..].ToLowerInvariant(), value.ToString());
                }
            }

            if (contentType is not null && cloudEvent.DataContentType is null)
            {
                cloudEvent.DataContentType = contentType;
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            throw new RejectException(RejectionReason.InvalidCloudEvent, UntrustedText.Excerpt(e.Message));
        }

        if (!cloudEvent.IsValid)
        {
            var missing = cloudEvent.Id is null ? "ce-id" : cloudEvent.Source is null ? "ce-source" : "ce-type";
            throw new RejectException(RejectionReason.InvalidCloudEvent, $"binary CloudEvent without {missing} header");
        }

        if (cloudEvent.DataContentType is { } dataContentType && !IsJsonContentType(dataContentType))
        {
            throw new RejectException(RejectionReason.NotChoriaEvent, $"binary CloudEvent data is '{UntrustedText.Excerpt(dataContentType)}', not JSON");
        }

        return cloudEvent;
    }

    private static bool IsStructuredContentType(IEnumerable<KeyValuePair<string, StringValues>>? headers)
    {
        if (headers is null)
        {
            return false;
        }

        foreach (var (key, value) in headers)
        {
            if (key.Equals("content-type", StringComparison.OrdinalIgnoreCase))
            {
                return value.ToString().StartsWith(CloudEventsContentType, StringComparison.OrdinalIgnoreCase);
            }
        }

        return false;
    }

    /// <summary>application/json, text/json or any +json type, parameters ignored (the SDK has already checked the syntax).</summary>
    internal static bool IsJsonContentType(string contentType)
    {
        var media = contentType.AsSpan();
        var semicolon = media.IndexOf(';');
        if (semicolon >= 0)
        {
            media = media[..semicolon];
        }

        media = media.Trim();
        return media.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || media.Equals("text/json", StringComparison.OrdinalIgnoreCase)
            || media.EndsWith("+json", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Decodes a legacy Choria event object: the whole message, or a CloudEvent's data.</summary>
    private ChoriaEvent DecodeChoria(JsonElement data, WireFormat format, string? source)
    {
        // go-choria only unwraps CloudEvents from its own sources (io.choria.lifecycle, io.choria.machine).
        if (source is not null && !source.StartsWith(ChoriaProtocol.Prefix, StringComparison.Ordinal))
        {
            throw new RejectException(RejectionReason.NotChoriaEvent, $"CloudEvent source '{UntrustedText.Excerpt(source)}' is not a Choria source");
        }

        var protocol = RequiredString(data, "protocol", limit: _options.MaxFieldLength, pooled: true);

        if (protocol.StartsWith(LifecyclePrefix, StringComparison.Ordinal))
        {
            return DecodeLifecycle(data, protocol, protocol[LifecyclePrefix.Length..], format);
        }

        if (protocol.StartsWith(LegacyLifecyclePrefix, StringComparison.Ordinal))
        {
            // choria:lifecycle:<type>:1, the pre-2019 spelling the schemas still allow.
            var parts = protocol.Split(':');
            return parts.Length == 4 && parts[3] == "1"
                ? DecodeLifecycle(data, protocol, parts[2], format)
                : throw new RejectException(RejectionReason.UnknownType, $"unknown protocol '{UntrustedText.Excerpt(protocol)}'");
        }

        if (protocol == TransitionProtocol)
        {
            return DecodeTransition(data, format);
        }

        if (protocol.StartsWith(WatcherPrefix, StringComparison.Ordinal) && protocol.EndsWith(WatcherSuffix, StringComparison.Ordinal)
            && protocol.Length > WatcherPrefix.Length + WatcherSuffix.Length)
        {
            var watcherType = protocol[WatcherPrefix.Length..^WatcherSuffix.Length];
            return DecodeWatcher(data, protocol, watcherType, format);
        }

        throw new RejectException(RejectionReason.UnknownType, $"unknown protocol '{UntrustedText.Excerpt(protocol)}'");
    }

    private LifecycleEvent DecodeLifecycle(JsonElement data, string protocol, string type, WireFormat format)
    {
        var id = RequiredString(data, "id", _options.MaxFieldLength);
        var identity = RequiredIdentity(data, "identity");
        var component = RequiredName(data, "component");
        var timestamp = FromUnixSeconds(RequiredInt64(data, "timestamp"), "timestamp");
        protocol = Canonical(protocol);

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
                Version = RequiredName(data, "version"),
            },
            "alive" => new AliveEvent
            {
                Protocol = protocol,
                Id = id,
                Identity = identity,
                Component = component,
                Timestamp = timestamp,
                Format = format,
                Version = RequiredName(data, "version"),
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
                Version = RequiredName(data, "version"),
                NewVersion = RequiredName(data, "new_version"),
            },
            "governor" => new GovernorEvent
            {
                Protocol = protocol,
                Id = id,
                Identity = identity,
                Component = component,
                Timestamp = timestamp,
                Format = format,
                Governor = NonEmpty(RequiredName(data, "governor"), "governor"),
                Sequence = OptionalUInt64(data, "sequence"),
                EventTypeName = RequiredName(data, "event_type"),
            },
            _ => throw new RejectException(RejectionReason.UnknownType, $"unknown lifecycle type '{UntrustedText.Excerpt(type)}'"),
        };
    }

    private MachineTransitionEvent DecodeTransition(JsonElement data, WireFormat format) => new()
    {
        Protocol = TransitionProtocol,
        Identity = RequiredIdentity(data, "identity"),
        Id = RequiredString(data, "id", _options.MaxFieldLength),
        MachineVersion = RequiredName(data, "version"),
        Timestamp = MachineTimestamp(RequiredInt64(data, "timestamp")),
        Machine = RequiredName(data, "machine"),
        Transition = RequiredName(data, "transition"),
        FromState = RequiredName(data, "from_state"),
        ToState = RequiredName(data, "to_state"),
        Format = format,
    };

    private WatcherStateEvent DecodeWatcher(JsonElement data, string protocol, string watcherType, WireFormat format)
    {
        var identity = RequiredIdentity(data, "identity");
        var id = RequiredString(data, "id", _options.MaxFieldLength);
        var version = RequiredName(data, "version");
        var timestamp = MachineTimestamp(RequiredInt64(data, "timestamp"));
        var type = RequiredName(data, "type");
        if (type != watcherType)
        {
            throw new RejectException(RejectionReason.InvalidValue, $"watcher type '{UntrustedText.Excerpt(type)}' does not match protocol '{UntrustedText.Excerpt(protocol)}'");
        }

        var machine = RequiredName(data, "machine");
        var name = RequiredName(data, "name");

        if (watcherType == WatcherTypes.Nagios)
        {
            return new NagiosWatcherState
            {
                Protocol = protocol,
                Identity = identity,
                Id = id,
                MachineVersion = version,
                Timestamp = timestamp,
                WatcherType = watcherType,
                Machine = machine,
                Name = name,
                Format = format,
                Plugin = UntrustedText.Truncate(RequiredString(data, "plugin", int.MaxValue, pooled: true), _options.MaxCheckOutputLength),
                Status = RequiredName(data, "status"),
                StatusCode = (int)Math.Clamp(RequiredInt64(data, "status_code"), -1, 255),
                Output = UntrustedText.Truncate(RequiredString(data, "output", int.MaxValue), _options.MaxCheckOutputLength),
                CheckTime = CheckTime(data),
                RuntimeSeconds = OptionalDouble(data, "runtime"),
                PerfData = PerfData(data, "perfdata"),
                History = History(data),
                Annotations = Annotations(data),
            };
        }

        var raw = data.GetRawText();
        return new WatcherStateEvent
        {
            Protocol = protocol,
            Identity = identity,
            Id = id,
            MachineVersion = version,
            Timestamp = timestamp,
            WatcherType = Canonical(watcherType),
            Machine = machine,
            Name = name,
            Format = format,
            RawData = Encoding.UTF8.GetByteCount(raw) <= _options.MaxWatcherDataBytes ? raw : null,
        };
    }

    private DateTimeOffset? CheckTime(JsonElement data)
    {
        var seconds = RequiredInt64(data, "check_time");
        return seconds <= 0 || seconds == GoZeroTimeUnixSeconds ? null : FromUnixSeconds(seconds, "check_time");
    }

    private ImmutableArray<NagiosPerfData> PerfData(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new RejectException(RejectionReason.WrongType, $"'{name}' is {Describe(element.ValueKind)}, expected an array");
        }

        var limit = _options.MaxPerfDataItems;
        var builder = ImmutableArray.CreateBuilder<NagiosPerfData>(Math.Min(element.GetArrayLength(), limit));
        foreach (var item in element.EnumerateArray())
        {
            if (builder.Count == limit)
            {
                break;
            }

            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new RejectException(RejectionReason.WrongType, $"'{name}' item is {Describe(item.ValueKind)}, expected an object");
            }

            builder.Add(new NagiosPerfData(
                UntrustedText.Truncate(RequiredString(item, "label", int.MaxValue, pooled: true), _options.MaxFieldLength),
                OptionalDouble(item, "value"),
                item.TryGetProperty("unit", out var unit) && unit.ValueKind == JsonValueKind.String ? UntrustedText.Truncate(_strings.GetString(unit), 16) : ""));
        }

        return builder.Count == builder.Capacity ? builder.MoveToImmutable() : builder.ToImmutable();
    }

    private ImmutableArray<NagiosHistoryItem> History(JsonElement data)
    {
        if (!data.TryGetProperty("history", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (element.ValueKind != JsonValueKind.Array)
        {
            throw new RejectException(RejectionReason.WrongType, $"'history' is {Describe(element.ValueKind)}, expected an array");
        }

        // Choria keeps at most 15; take the newest 15 whatever a sender claims.
        var items = new List<NagiosHistoryItem>(Math.Min(element.GetArrayLength(), 15));
        foreach (var item in element.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new RejectException(RejectionReason.WrongType, $"'history' item is {Describe(item.ValueKind)}, expected an object");
            }

            items.Add(new NagiosHistoryItem(ExecutedAt(item), (int)Math.Clamp(RequiredInt64(item, "status"), -1, 255)));
            if (items.Count > 15)
            {
                items.RemoveAt(0);
            }
        }

        return [.. items];
    }

    /// <summary>
    /// A history item's RFC 3339 time. UTC with a 'Z' and at most 7 fractional digits is read straight from the bytes;
    /// anything else (an offset, nanoseconds, which are rounded to ticks) goes through <see cref="DateTimeOffset.TryParse(string, IFormatProvider, DateTimeStyles, out DateTimeOffset)"/>.
    /// </summary>
    private DateTimeOffset ExecutedAt(JsonElement item)
    {
        if (item.TryGetProperty("execute", out var element) && element.ValueKind == JsonValueKind.String
            && JsonMarshal.GetRawUtf8Value(element) is { Length: <= 30 } raw && raw.EndsWith("Z\""u8) && element.TryGetDateTimeOffset(out var utc))
        {
            return utc.ToUniversalTime();
        }

        var executed = RequiredString(item, "execute", 64);
        return DateTimeOffset.TryParse(executed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var when)
            ? when
            : throw new RejectException(RejectionReason.InvalidValue, $"'history.execute' is not a time: '{UntrustedText.Excerpt(executed)}'");
    }

    private ImmutableDictionary<string, string> Annotations(JsonElement data)
    {
        if (!data.TryGetProperty("annotations", out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return ImmutableDictionary<string, string>.Empty;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new RejectException(RejectionReason.WrongType, $"'annotations' is {Describe(element.ValueKind)}, expected an object");
        }

        var builder = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        foreach (var property in element.EnumerateObject())
        {
            if (builder.Count == _options.MaxAnnotations)
            {
                break;
            }

            if (property.Value.ValueKind == JsonValueKind.String)
            {
                builder[UntrustedText.Truncate(property.Name, _options.MaxFieldLength)] = UntrustedText.Truncate(property.Value.GetString()!, _options.MaxAnnotationLength);
            }
        }

        // Most checks have none: the shared empty map, not a new one (with its comparer object) kept per watcher.
        return builder.Count == 0 ? ImmutableDictionary<string, string>.Empty : builder.ToImmutable();
    }

    private string RequiredString(JsonElement data, string name, int limit, bool pooled = false)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new RejectException(RejectionReason.MissingField, $"missing '{name}'");
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw new RejectException(RejectionReason.WrongType, $"'{name}' is {Describe(element.ValueKind)}, expected a string");
        }

        var value = pooled ? _strings.GetString(element) : element.GetString()!;
        return value.Length <= limit
            ? value
            : throw new RejectException(RejectionReason.InvalidValue, $"'{name}' is {value.Length} characters, limit {limit}");
    }

    /// <summary>A short name: component, version, machine, watcher. Bounded and free of control characters.</summary>
    private string RequiredName(JsonElement data, string name)
    {
        var value = RequiredString(data, name, _options.MaxFieldLength, pooled: true);
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                throw new RejectException(RejectionReason.InvalidValue, $"'{name}' contains a control character");
            }
        }

        return value;
    }

    /// <summary>An identity is a host name or certname: printable, no white space, no markup characters.</summary>
    private string RequiredIdentity(JsonElement data, string name)
    {
        var value = RequiredString(data, name, _options.MaxFieldLength);
        if (value.Length == 0)
        {
            throw new RejectException(RejectionReason.InvalidValue, $"'{name}' is empty");
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or '"' or '\'' or '`' or '\\' or '&')
            {
                throw new RejectException(RejectionReason.InvalidValue, $"'{name}' contains a character not allowed in an identity: '{UntrustedText.Excerpt(value)}'");
            }
        }

        return value;
    }

    private static string NonEmpty(string value, string name) =>
        value.Length > 0 ? value : throw new RejectException(RejectionReason.InvalidValue, $"'{name}' is empty");

    private static long RequiredInt64(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            throw new RejectException(RejectionReason.MissingField, $"missing '{name}'");
        }

        if (element.ValueKind != JsonValueKind.Number)
        {
            throw new RejectException(RejectionReason.WrongType, $"'{name}' is {Describe(element.ValueKind)}, expected an integer");
        }

        return element.TryGetInt64(out var value)
            ? value
            : throw new RejectException(RejectionReason.WrongType, $"'{name}' is not a 64-bit integer");
    }

    private static ulong OptionalUInt64(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        return element.ValueKind == JsonValueKind.Number && element.TryGetUInt64(out var value)
            ? value
            : throw new RejectException(RejectionReason.WrongType, $"'{name}' is not an unsigned integer");
    }

    private static double OptionalDouble(JsonElement data, string name)
    {
        if (!data.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return 0;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out var value))
        {
            throw new RejectException(RejectionReason.WrongType, $"'{name}' is {Describe(element.ValueKind)}, expected a number");
        }

        // 1e999 reads as infinity, which no JSON writer (the API, a hub client) can write back.
        return double.IsFinite(value)
            ? value
            : throw new RejectException(RejectionReason.InvalidValue, $"'{name}' is beyond the range of a number");
    }

    private static DateTimeOffset FromUnixSeconds(long seconds, string name)
    {
        try
        {
            return DateTimeOffset.FromUnixTimeSeconds(seconds);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw new RejectException(RejectionReason.InvalidValue, $"'{name}' {seconds} is out of range");
        }
    }

    private static string Canonical(string name) => KnownNames.TryGetValue(name, out var known) ? known : name;

    /// <summary>Machine timestamps are seconds today; before Choria 0.13 they were nanoseconds.</summary>
    internal static DateTimeOffset MachineTimestamp(long value) => value switch
    {
        > 100_000_000_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(value / 1_000_000),
        > 100_000_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(value / 1_000),
        > 100_000_000_000 => DateTimeOffset.FromUnixTimeMilliseconds(value),
        _ => FromUnixSeconds(value, "timestamp"),
    };

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}
