namespace ChoriaDashboard.Ingest;

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

    /// <summary>A field has a value that cannot be accepted: an identity with control characters, an over-long string.</summary>
    InvalidValue,

    /// <summary>The fleet already holds <c>Fleet:MaxNodes</c> node-components; a new identity was turned away.</summary>
    FleetFull,

    /// <summary>The NATS client dropped the message because the ingest could not keep up (slow consumer).</summary>
    Dropped,
}

/// <summary>The result of decoding one message: an event, or a rejection with a reason and a short detail.</summary>
public readonly record struct DecodeResult
{
    private DecodeResult(Events.ChoriaEvent? evt, RejectionReason reason, string? detail)
    {
        Event = evt;
        Reason = reason;
        Detail = detail;
    }

    public Events.ChoriaEvent? Event { get; }

    public RejectionReason Reason { get; }

    /// <summary>Human readable detail for the log; never contains more than a short excerpt of the input.</summary>
    public string? Detail { get; }

    public bool IsSuccess => Event is not null;

    public static DecodeResult Ok(Events.ChoriaEvent evt) => new(evt, default, null);

    public static DecodeResult Reject(RejectionReason reason, string detail) => new(null, reason, detail);

    public override string ToString() => IsSuccess ? $"ok {Event!.Protocol}" : $"{Reason}: {Detail}";
}
