namespace ChoriaDashboard.Events;

/// <summary>The shape an event arrived in on the wire.</summary>
public enum WireFormat : byte
{
    /// <summary>Choria's own JSON with <c>protocol</c> at the top.</summary>
    Legacy,

    /// <summary>CloudEvents 1.0 JSON, the envelope and the data in the body.</summary>
    CloudEventStructured,

    /// <summary>CloudEvents 1.0 with <c>ce-*</c> NATS headers and the data in the body.</summary>
    CloudEventBinary,
}

/// <summary>Base of every typed Choria event the dashboard understands.</summary>
/// <remarks>
/// <see cref="Timestamp"/> is what the sender wrote, not when we received it: alive events repeat the
/// timestamp of the process start, so liveness is judged by receipt time, kept beside the event.
/// </remarks>
public abstract record ChoriaEvent
{
    /// <summary>The <c>protocol</c> string, e.g. <c>io.choria.lifecycle.v1.alive</c>.</summary>
    public required string Protocol { get; init; }

    /// <summary>Lifecycle: the event id (repeated by alive events). Machine: the machine instance id.</summary>
    public required string Id { get; init; }

    /// <summary>The sender's identity (FQDN or certname).</summary>
    public required string Identity { get; init; }

    /// <summary>When the sender created the event (seconds precision; nanoseconds recognised).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>How the event arrived.</summary>
    public WireFormat Format { get; init; }
}
