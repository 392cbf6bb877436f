using System.ComponentModel.DataAnnotations;

namespace ChoriaDashboard.Ingest;

/// <summary>Limits applied to every message before it reaches the fleet (section <c>Ingest</c>).</summary>
public sealed class IngestOptions
{
    public const string Section = "Ingest";

    /// <summary>Larger bodies are rejected unread. Choria events are well under 4 KiB; nagios output can be larger.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>Longest identity, component, version or machine name accepted.</summary>
    [Range(16, 4096)]
    public int MaxFieldLength { get; set; } = 255;

    /// <summary>Nagios check output is kept up to this many characters (the rest is cut, marked with an ellipsis).</summary>
    [Range(0, 1024 * 1024)]
    public int MaxCheckOutputLength { get; set; } = 4096;

    /// <summary>Raw data of non-nagios watcher states is kept up to this many bytes; larger data is not kept.</summary>
    [Range(0, 1024 * 1024)]
    public int MaxWatcherDataBytes { get; set; } = 4096;

    /// <summary>Perfdata items kept per nagios check (Choria sends one per metric the plugin reports).</summary>
    [Range(0, 1024)]
    public int MaxPerfDataItems { get; set; } = 32;

    /// <summary>Annotations kept per nagios check, and the longest annotation value kept.</summary>
    [Range(0, 1024)]
    public int MaxAnnotations { get; set; } = 16;

    [Range(0, 64 * 1024)]
    public int MaxAnnotationLength { get; set; } = 512;

    /// <summary>
    /// CloudEvents envelope values (source, type, data content type, data schema) remembered after the CloudEvents SDK
    /// accepted them, so later events carrying them skip the SDK's parsing. A fleet uses a few dozen; beyond the limit
    /// new values are checked by the SDK every time; 0 sends every CloudEvent through the SDK.
    /// </summary>
    [Range(0, 10_000)]
    public int EnvelopeCacheSize { get; set; } = 256;

    /// <summary>
    /// Slots of the table that shares repeating strings between events (names, versions, statuses, check plugins and
    /// perfdata labels of up to 256 bytes) so they are neither decoded nor stored again; 0 turns it off. Worst case
    /// about 1 KB a slot.
    /// </summary>
    [Range(0, 1 << 20)]
    public int StringPoolSize { get; set; } = 8192;

    /// <summary>
    /// Bytes of accepted messages kept exactly as received (subject, headers, body), for the raw JSON on the node
    /// detail page and the event tail: one buffer for the whole fleet, newest kept, oldest overwritten; 0 keeps none.
    /// </summary>
    [Range(0, 1024 * 1024 * 1024)]
    public int RawEventBytes { get; set; } = 32 * 1024 * 1024;

    /// <summary>Capacity of the queue between the NATS loops and the fleet writer (messages).</summary>
    [Range(16, 1_000_000)]
    public int QueueCapacity { get; set; } = 65_536;

    /// <summary>At most this many rejections per reason are logged per <see cref="RejectionLogInterval"/>; the rest are counted.</summary>
    [Range(0, 10_000)]
    public int RejectionLogBurst { get; set; } = 5;

    public TimeSpan RejectionLogInterval { get; set; } = TimeSpan.FromMinutes(1);
}
