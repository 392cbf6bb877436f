using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Raw;
using ChoriaDashboard.Fleet.Store;
using CloudNative.CloudEvents;
using CloudNative.CloudEvents.SystemTextJson;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChoriaDashboard.Ingest.Http;

/// <summary>
/// Judges CloudEvents posted over HTTP and hands the accepted ones to the fleet writer, as the NATS loops do with theirs:
/// counted under <see cref="Source"/> in <c>ingest.received</c>, each event then held to <c>Ingest:MaxPayloadBytes</c>,
/// read by the SDK's <see cref="JsonEventFormatter"/> (the envelope, by the CloudEvents spec), refused unless its
/// <c>type</c> is Choria's, and decoded by the same <see cref="ChoriaEventDecoder"/> with the same bytes (and, in binary
/// mode, the same <c>ce-*</c> headers) as from the broker. Rejections are counted and logged by reason, with the NATS
/// subject the event would have come on where it can be told. Events over HTTP are live. A <c>source</c> and <c>id</c>
/// accepted within <c>HttpIngest:DedupeWindow</c> is a duplicate: answered, not applied again.
/// </summary>
public sealed partial class HttpEventIngest
{
    /// <summary>The key under which events posted over HTTP are counted in <c>ingest.received</c>.</summary>
    public const string Source = "http /api/events";

    private readonly JsonEventFormatter _formatter = new(null, new JsonDocumentOptions { MaxDepth = 32 });
    private readonly ChoriaEventDecoder _decoder;
    private readonly IFleetWriter _fleet;
    private readonly IngestCounters _counters;
    private readonly RawEventStore _raw;
    private readonly IngestOptions _limits;
    private readonly RecentEventIds _recent;
    private readonly TimeProvider _time;
    private readonly ILogger<HttpEventIngest> _logger;

    public HttpEventIngest(
        ChoriaEventDecoder decoder,
        IFleetWriter fleet,
        IngestCounters counters,
        RawEventStore raw,
        IOptions<IngestOptions> limits,
        IOptions<HttpIngestOptions> options,
        TimeProvider time,
        ILogger<HttpEventIngest> logger)
    {
        _decoder = decoder;
        _fleet = fleet;
        _counters = counters;
        _raw = raw;
        _limits = limits.Value;
        _recent = new RecentEventIds(options.Value.DedupeWindow, options.Value.DedupeCapacity, time);
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Judges <paramref name="events"/> one by one and queues the accepted ones for the fleet writer (waiting while its
    /// queue is full); returns what became of each, in order.
    /// </summary>
    /// <exception cref="OperationCanceledException">The request was aborted before the accepted events were queued; none was applied, and none is taken for a duplicate later.</exception>
    internal async Task<IReadOnlyList<PostedEventResult>> AcceptAsync(IReadOnlyList<PostedEvent> events, CancellationToken cancellationToken)
    {
        var results = new PostedEventResult[events.Count];
        var remembered = new List<(string Source, string Id)>();
        var batch = new IngestBatch(Math.Min(events.Count, IngestBatch.MaxCount));
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                results[i] = Judge(i, events[i], batch, remembered);
                if (batch.IsFull)
                {
                    await _fleet.EnqueueAsync(batch, cancellationToken);
                    batch = new IngestBatch(IngestBatch.MaxCount);
                }
            }

            if (batch.Count > 0)
            {
                await _fleet.EnqueueAsync(batch, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // What was not queued must be applied when the sender retries. (A full batch queued before is applied anyway;
            // its retry is then applied twice, which a cancelled request cannot avoid.)
            foreach (var (source, id) in remembered)
            {
                _recent.Forget(source, id);
            }

            throw;
        }

        return results;
    }

    /// <summary>Counts a request refused whole (too large, not CloudEvents, a batch that is not an array) as one message received and rejected.</summary>
    internal void RejectRequest(RejectionReason reason, string detail)
    {
        _counters.Received(Source);
        _counters.Rejected(reason, Source, detail);
    }

    private PostedEventResult Judge(int index, PostedEvent posted, IngestBatch batch, List<(string Source, string Id)> remembered)
    {
        _counters.Received(Source);
        if (posted.Body.Length > _limits.MaxPayloadBytes)
        {
            // As the decoder would say it, before any parsing.
            return Reject(index, null, Source, RejectionReason.TooLarge, $"{posted.Body.Length} bytes, limit {_limits.MaxPayloadBytes}");
        }

        CloudEvent envelope;
        try
        {
            envelope = posted.IsBinary ? BinaryEnvelope(posted) : _formatter.DecodeStructuredModeMessage(posted.Body, contentType: null, extensionAttributes: null);
        }
        catch (JsonException e)
        {
            return Reject(index, null, Source, RejectionReason.NotJson, $"not valid JSON: {UntrustedText.Excerpt(e.Message)}");
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException or OverflowException)
        {
            return Reject(index, null, Source, RejectionReason.InvalidCloudEvent, UntrustedText.Excerpt(e.Message));
        }

        var id = envelope.Id!;
        var type = envelope.Type!;
        if (!IsChoriaType(type))
        {
            return Reject(index, id, Source, RejectionReason.NotChoriaEvent, $"CloudEvent type '{UntrustedText.Excerpt(type)}' is not Choria's ({ChoriaProtocol.LifecyclePrefix}*, {ChoriaProtocol.MachineSource}.*)");
        }

        DecodeResult result;
        try
        {
            result = _decoder.Decode(posted.Body, posted.Headers);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // As in the NATS loops: should a decoder bug slip through, one event must not fail the request.
            result = DecodeResult.Reject(RejectionReason.InvalidValue, $"decoder failed: {e.GetType().Name}: {UntrustedText.Excerpt(e.Message)}");
        }

        if (result.Event is not { } evt)
        {
            return Reject(index, id, SubjectOf(type, envelope.Data, _limits.MaxFieldLength), result.Reason, result.Detail);
        }

        var source = envelope.Source!.OriginalString;
        if (!_recent.TryAdd(source, id))
        {
            LogDuplicate(_logger, UntrustedText.Excerpt(source), UntrustedText.Excerpt(id));
            return new PostedEventResult(index, id, PostedEventStatus.Duplicate);
        }

        remembered.Add((source, id));
        var subject = ChoriaEventEncoder.SubjectFor(evt);
        var receivedAt = _time.GetUtcNow();
        var timestamp = _time.GetTimestamp();
        var rawId = _raw.Capture(subject, evt.Identity, evt.Format, receivedAt, posted.Headers, posted.Body.Span);
        batch.Add(evt, subject, receivedAt, rawId, replayed: false, timestamp: timestamp);
        return new PostedEventResult(index, id, PostedEventStatus.Accepted);
    }

    /// <summary>
    /// A binary-mode envelope as the SDK's HTTP binding reads one: each <c>ce-*</c> header an attribute (already
    /// percent-decoded), <c>content-type</c> the data's type, the data decoded by the formatter.
    /// </summary>
    private CloudEvent BinaryEnvelope(PostedEvent posted)
    {
        string? specVersionId = null;
        string? contentType = null;
        foreach (var (name, value) in posted.Headers!)
        {
            if (name == CloudEventsHttpBinding.SpecVersionHeader)
            {
                specVersionId = value.ToString();
            }
            else if (name == CloudEventsHttpBinding.ContentTypeHeader)
            {
                contentType = value.ToString();
            }
        }

        var cloudEvent = new CloudEvent(CloudEventsSpecVersion.FromVersionId(specVersionId)
            ?? throw new ArgumentException($"unsupported CloudEvents spec version '{UntrustedText.Excerpt(specVersionId)}'"));
        foreach (var (name, value) in posted.Headers!)
        {
            if (name.StartsWith(CloudEventsHttpBinding.HeaderPrefix, StringComparison.Ordinal) && name != CloudEventsHttpBinding.SpecVersionHeader)
            {
                cloudEvent.SetAttributeFromString(name[CloudEventsHttpBinding.HeaderPrefix.Length..], value.ToString());
            }
        }

        cloudEvent.DataContentType = contentType;
        _formatter.DecodeBinaryModeEventData(posted.Body, cloudEvent);
        if (!cloudEvent.IsValid)
        {
            var missing = cloudEvent.Id is null ? "ce-id" : cloudEvent.Source is null ? "ce-source" : "ce-type";
            throw new ArgumentException($"binary CloudEvent without {missing} header");
        }

        return cloudEvent;
    }

    /// <summary>Choria's CloudEvents types: <c>io.choria.lifecycle.v1.*</c>, <c>io.choria.machine.*</c> (docs: choria-events.md sections 2.3 and 3).</summary>
    internal static bool IsChoriaType(string type) =>
        (type.StartsWith(ChoriaProtocol.LifecyclePrefix, StringComparison.Ordinal) && type.Length > ChoriaProtocol.LifecyclePrefix.Length)
        || (type.StartsWith(ChoriaProtocol.MachineSource + ".", StringComparison.Ordinal) && type.Length > ChoriaProtocol.MachineSource.Length + 1);

    /// <summary>
    /// The NATS subject a rejected event of <paramref name="type"/> would have come on, so it is counted as one from the
    /// broker (tally's <c>_process_errors</c> reads the component from it): a lifecycle event's component is read from
    /// its data where it can be; <see cref="Source"/> when the subject cannot be told.
    /// </summary>
    internal static string SubjectOf(string type, object? data, int maxFieldLength)
    {
        if (type == ChoriaProtocol.Transition)
        {
            return ChoriaSubjects.Transition;
        }

        if (type.StartsWith(ChoriaProtocol.WatcherPrefix, StringComparison.Ordinal) && type.EndsWith(ChoriaProtocol.WatcherSuffix, StringComparison.Ordinal)
            && type.Length > ChoriaProtocol.WatcherPrefix.Length + ChoriaProtocol.WatcherSuffix.Length)
        {
            var watcherType = type[ChoriaProtocol.WatcherPrefix.Length..^ChoriaProtocol.WatcherSuffix.Length];
            return ChoriaSubjects.IsSubjectToken(watcherType) ? ChoriaSubjects.WatcherState(watcherType) : Source;
        }

        var lifecycleType = type.StartsWith(ChoriaProtocol.LifecyclePrefix, StringComparison.Ordinal) ? type[ChoriaProtocol.LifecyclePrefix.Length..] : "";
        return ChoriaSubjects.IsSubjectToken(lifecycleType) && ComponentOf(data, maxFieldLength) is { } component
            ? ChoriaSubjects.LifecyclePrefix + lifecycleType + "." + component
            : Source;
    }

    /// <summary>The <c>component</c> of a lifecycle event's data, when it can be one token of a subject.</summary>
    private static string? ComponentOf(object? data, int maxFieldLength)
    {
        if (data is not JsonElement { ValueKind: JsonValueKind.Object } element
            || !element.TryGetProperty("component", out var component) || component.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        try
        {
            var name = component.GetString()!;
            return name.Length <= maxFieldLength && ChoriaSubjects.IsSubjectToken(name) ? name : null;
        }
        catch (InvalidOperationException)
        {
            // A lone surrogate escape: the decoder has said why already.
            return null;
        }
    }

    private PostedEventResult Reject(int index, string? id, string subject, RejectionReason reason, string? detail)
    {
        _counters.Rejected(reason, subject, detail);
        return new PostedEventResult(index, id, PostedEventStatus.Rejected, reason, detail);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "A CloudEvent posted again within HttpIngest:DedupeWindow (source {Source}, id {Id}) was not applied again")]
    private static partial void LogDuplicate(ILogger logger, string source, string id);
}
