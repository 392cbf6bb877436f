using ChoriaDashboard.Events;
using Microsoft.Extensions.Primitives;

namespace ChoriaDashboard.Ingest.Http;

/// <summary>
/// One CloudEvent as it came over HTTP, before it is judged: the JSON of a structured event (alone, or one element of a
/// batch), or the data of a binary-mode event with its envelope headers (<c>ce-*</c>, percent-decoded, and
/// <c>content-type</c>), the shape <see cref="ChoriaEventDecoder"/> takes from NATS.
/// </summary>
internal readonly record struct PostedEvent(ReadOnlyMemory<byte> Body, IReadOnlyList<KeyValuePair<string, StringValues>>? Headers)
{
    public bool IsBinary => Headers is not null;
}

/// <summary>What became of one posted event.</summary>
public enum PostedEventStatus
{
    /// <summary>Decoded and handed to the fleet writer, like an event from the broker.</summary>
    Accepted,

    /// <summary>The <c>source</c> and <c>id</c> of an event accepted within <c>HttpIngest:DedupeWindow</c>: a sender's retry, not applied again.</summary>
    Duplicate,

    /// <summary>Not a Choria event, or one the decoder rejects: see the reason. Sending it again would not help.</summary>
    Rejected,
}

/// <summary>The answer for one posted event.</summary>
/// <param name="Index">Its place in the request, from 0 (always 0 for structured and binary mode).</param>
/// <param name="Id">Its CloudEvents <c>id</c>, when it could be read.</param>
/// <param name="Status">Accepted, duplicate or rejected.</param>
/// <param name="Reason">Why it was rejected, as <c>/api/fleet</c> counts it (<c>ingest.rejectedByReason</c>); null otherwise.</param>
/// <param name="Detail">What was wrong, in a line (an excerpt of the input at most); null unless rejected.</param>
public sealed record PostedEventResult(int Index, string? Id, PostedEventStatus Status, RejectionReason? Reason = null, string? Detail = null);

/// <summary>The answer to <c>POST /api/events</c>: counts, and every event in the order sent.</summary>
public sealed record PostEventsResponse(int Accepted, int Duplicates, int Rejected, IReadOnlyList<PostedEventResult> Events)
{
    public static PostEventsResponse From(IReadOnlyList<PostedEventResult> events) => new(
        events.Count(e => e.Status == PostedEventStatus.Accepted),
        events.Count(e => e.Status == PostedEventStatus.Duplicate),
        events.Count(e => e.Status == PostedEventStatus.Rejected),
        events);
}
