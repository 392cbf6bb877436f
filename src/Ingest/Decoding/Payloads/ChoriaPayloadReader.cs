using System.Text.Json;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>
/// Reads a legacy Choria event object (a whole legacy message, or a CloudEvent's data) with the reader its
/// <c>protocol</c> names: lifecycle, machine transition or watcher state.
/// </summary>
internal sealed class ChoriaPayloadReader
{
    private readonly JsonFields _fields;
    private readonly IngestOptions _options;
    private readonly LifecycleReader _lifecycle;
    private readonly TransitionReader _transition;
    private readonly WatcherStateReader _watcher;

    public ChoriaPayloadReader(IngestOptions options, JsonFields fields)
    {
        _options = options;
        _fields = fields;
        _lifecycle = new LifecycleReader(options, fields);
        _transition = new TransitionReader(options, fields);
        _watcher = new WatcherStateReader(options, fields);
    }

    /// <summary>Reads <paramref name="data"/>; <paramref name="source"/> is the CloudEvent's source, null for legacy JSON.</summary>
    public ChoriaEvent Read(JsonElement data, WireFormat format, string? source)
    {
        // go-choria only unwraps CloudEvents from its own sources (io.choria.lifecycle, io.choria.machine).
        if (source is not null && !source.StartsWith(ChoriaProtocol.Prefix, StringComparison.Ordinal))
        {
            throw new RejectException(RejectionReason.NotChoriaEvent, $"CloudEvent source '{UntrustedText.Excerpt(source)}' is not a Choria source");
        }

        var protocol = _fields.RequiredString(data, "protocol", limit: _options.MaxFieldLength, pooled: true);

        if (protocol.StartsWith(ChoriaProtocol.LifecyclePrefix, StringComparison.Ordinal))
        {
            return _lifecycle.Read(data, protocol, protocol[ChoriaProtocol.LifecyclePrefix.Length..], format);
        }

        if (protocol.StartsWith(ChoriaProtocol.LegacyLifecyclePrefix, StringComparison.Ordinal))
        {
            // choria:lifecycle:<type>:1, the pre-2019 spelling the schemas still allow.
            var parts = protocol.Split(':');
            return parts.Length == 4 && parts[3] == "1"
                ? _lifecycle.Read(data, protocol, parts[2], format)
                : throw new RejectException(RejectionReason.UnknownType, $"unknown protocol '{UntrustedText.Excerpt(protocol)}'");
        }

        if (protocol == ChoriaProtocol.Transition)
        {
            return _transition.Read(data, format);
        }

        const string prefix = ChoriaProtocol.WatcherPrefix;
        const string suffix = ChoriaProtocol.WatcherSuffix;
        if (protocol.StartsWith(prefix, StringComparison.Ordinal) && protocol.EndsWith(suffix, StringComparison.Ordinal)
            && protocol.Length > prefix.Length + suffix.Length)
        {
            return _watcher.Read(data, protocol, protocol[prefix.Length..^suffix.Length], format);
        }

        throw new RejectException(RejectionReason.UnknownType, $"unknown protocol '{UntrustedText.Excerpt(protocol)}'");
    }
}
