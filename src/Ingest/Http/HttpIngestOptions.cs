using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Ingest.Http;

/// <summary>
/// CloudEvents over HTTP in, <c>POST /api/events</c> (section <c>HttpIngest</c>): off unless enabled, and bounded. Each
/// event is then judged by the <c>Ingest</c> limits, as one from the broker.
/// </summary>
public sealed class HttpIngestOptions
{
    public const string Section = "HttpIngest";

    /// <summary>Whether <c>POST /api/events</c> is mapped at all; default false (the dashboard sends and takes nothing but NATS).</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Largest request body, in bytes, whatever the mode; a larger one is answered 413 unread. A single event is also held
    /// to <c>Ingest:MaxPayloadBytes</c>, as from the broker; this bounds a whole batch.
    /// </summary>
    [Range(1024, 64 * 1024 * 1024)]
    public int MaxRequestBytes { get; set; } = 1024 * 1024;

    /// <summary>Events in one batch (<c>application/cloudevents-batch+json</c>) at most; more is answered 413.</summary>
    [Range(1, 10_000)]
    public int MaxBatchEvents { get; set; } = 1000;

    /// <summary>
    /// <c>POST /api/events</c> requests per client (API key) per minute, in fixed one-minute windows; beyond, 429 with
    /// <c>Retry-After</c>. Its own limit, not <c>Security:ApiRequestsPerMinute</c>: a sender posting one event per
    /// request (Knative) for 50,000 nodes on 30-minute alives alone sends about 1,700 a minute.
    /// </summary>
    [Range(1, 10_000_000)]
    public int RequestsPerMinute { get; set; } = 60_000;

    /// <summary>
    /// How long the <c>source</c> and <c>id</c> of an accepted event are remembered, so a sender's retry of it is applied
    /// once. Choria sends every alive of a process with the same id (go-choria builds one alive event and republishes it),
    /// so this must stay well below the shortest alive interval of the fleet (30 minutes since Choria 0.29): between 1 s
    /// and 5 minutes, default 1 minute.
    /// </summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Events remembered for <see cref="DedupeWindow"/> at most; past it the oldest is forgotten early (a retry of it
    /// would then be applied again). About 200 bytes each.
    /// </summary>
    [Range(1, 1_000_000)]
    public int DedupeCapacity { get; set; } = 10_000;
}
