using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Ingest.Decoding;
using CloudNative.CloudEvents;
using Microsoft.Extensions.Primitives;

// The public entry point stays in the namespace of its callers; its parts live in ChoriaDashboard.Ingest.Decoding.
namespace ChoriaDashboard.Ingest;

/// <summary>
/// Turns the raw bytes (and headers) of one NATS message into a typed <see cref="ChoriaEvent"/>, or a rejection.
/// Detects per message which of the three shapes arrived: legacy Choria JSON (<c>protocol</c> at the top),
/// CloudEvents structured (<c>specversion</c> in the body) or CloudEvents binary (<c>ce-*</c> headers).
/// </summary>
/// <remarks>Thread-safe and allocation-light; never throws for bad input.</remarks>
public sealed class ChoriaEventDecoder
{
    private readonly IngestOptions _options;
    private readonly ChoriaPayloadReader _payloads;
    private readonly EnvelopeShortcut? _shortcut;

    public ChoriaEventDecoder(IngestOptions options)
    {
        _options = options;
        _payloads = new ChoriaPayloadReader(options, new JsonFields(options, new Utf8StringPool(options.StringPoolSize)));
        _shortcut = options.EnvelopeCacheSize > 0 ? new EnvelopeShortcut(options.EnvelopeCacheSize) : null;
    }

    /// <summary>How many envelope values are recognised without the SDK (see <see cref="EnvelopeShortcut"/>).</summary>
    internal int KnownEnvelopeValueCount => _shortcut?.Count ?? 0;

    /// <summary>Decodes one message. <paramref name="headers"/> are the NATS headers, if any.</summary>
    public DecodeResult Decode(ReadOnlyMemory<byte> body, IEnumerable<KeyValuePair<string, StringValues>>? headers = null)
    {
        if (body.Length > _options.MaxPayloadBytes)
        {
            return DecodeResult.Reject(RejectionReason.TooLarge, $"{body.Length} bytes, limit {_options.MaxPayloadBytes}");
        }

        try
        {
            return DecodeResult.Ok(DecodeShape(body, headers));
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

    private ChoriaEvent DecodeShape(ReadOnlyMemory<byte> body, IEnumerable<KeyValuePair<string, StringValues>>? headers)
    {
        // Binary mode first: its envelope is in the headers, and data that is not JSON is rejected before parsing.
        string? binarySource = null;
        CloudEvent? binaryEnvelope = null;
        if (headers is not null && _shortcut?.TryBinary(headers, out binarySource) != true)
        {
            binaryEnvelope = BinaryMode.ToCloudEvent(headers);
            binarySource = binaryEnvelope?.Source?.OriginalString;
        }

        using var document = JsonBody.Parse(body);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new RejectException(RejectionReason.NotJson, $"the JSON root is {JsonFields.Describe(root.ValueKind)}, not an object");
        }

        if (binarySource is not null)
        {
            var evt = _payloads.Read(root, WireFormat.CloudEventBinary, binarySource);
            _shortcut?.Remember(binaryEnvelope);
            return evt;
        }

        // Go's EventFormatFromJSON: a top-level protocol means the legacy format, checked first.
        if (root.TryGetProperty("protocol", out var protocol) && protocol.ValueKind == JsonValueKind.String)
        {
            return _payloads.Read(root, WireFormat.Legacy, source: null);
        }

        if (root.TryGetProperty("specversion", out _) || ContentTypes.IsStructuredCloudEvent(headers))
        {
            return DecodeStructured(root);
        }

        throw new RejectException(RejectionReason.NotChoriaEvent, "neither a 'protocol' nor a 'specversion' property at the top");
    }

    private ChoriaEvent DecodeStructured(JsonElement root)
    {
        if (_shortcut?.TryStructured(root, out var knownSource, out var knownData) == true)
        {
            return _payloads.Read(knownData, WireFormat.CloudEventStructured, knownSource);
        }

        using var message = StructuredMode.ToCloudEvent(root);
        var evt = _payloads.Read(message.Data, WireFormat.CloudEventStructured, message.CloudEvent.Source!.OriginalString);
        // The shortcut serves only data objects, so only their envelopes are worth remembering.
        if (!message.WasBase64)
        {
            _shortcut?.Remember(message.CloudEvent);
        }

        return evt;
    }
}
