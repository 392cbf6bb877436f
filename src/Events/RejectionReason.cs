namespace ChoriaDashboard.Events;

/// <summary>Why a message did not change the fleet view. Counted per reason and shown in <c>/api/fleet</c>.</summary>
public enum RejectionReason
{
    /// <summary>The body is larger than <c>Ingest:MaxPayloadBytes</c>.</summary>
    TooLarge,

    /// <summary>The body is not valid UTF-8 JSON, or its root is not an object.</summary>
    NotJson,

    /// <summary>Valid JSON, but neither a Choria event nor a CloudEvent carrying one.</summary>
    NotChoriaEvent,

    /// <summary>A CloudEvent whose envelope breaks the CloudEvents 1.0 rules (bad spec version, source, time…).</summary>
    InvalidCloudEvent,

    /// <summary>A Choria protocol this dashboard does not know, e.g. <c>io.choria.lifecycle.v1.reboot</c>.</summary>
    UnknownType,

    /// <summary>A field the event type requires is absent.</summary>
    MissingField,

    /// <summary>A field has the wrong JSON type, e.g. a string timestamp.</summary>
    WrongType,

    /// <summary>A field has a value that cannot be accepted: an identity with control, invisible (zero-width, bidi, format) or markup characters, an over-long string.</summary>
    InvalidValue,

    /// <summary>
    /// The fleet holds its maximum: a new node beyond <c>Fleet:MaxNodes</c>, a new machine or watcher beyond
    /// <c>Fleet:MaxMachinesPerNode</c> or <c>Fleet:MaxWatchersPerMachine</c>, or a new watcher beyond the fleet-wide
    /// <c>Fleet:MaxWatchers</c> was turned away.
    /// </summary>
    FleetFull,

    /// <summary>A node of a new component was turned away: <c>Fleet:MaxComponents</c> components already have nodes.</summary>
    TooManyComponents,

    /// <summary>The NATS client dropped the message because the ingest could not keep up (slow consumer).</summary>
    Dropped,
}
