using ChoriaDashboard.Events;

namespace ChoriaDashboard.Ingest;

/// <summary>The result of decoding one message: an event, or a rejection with a reason and a short detail.</summary>
public readonly record struct DecodeResult
{
    private DecodeResult(ChoriaEvent? evt, RejectionReason reason, string? detail)
    {
        Event = evt;
        Reason = reason;
        Detail = detail;
    }

    public ChoriaEvent? Event { get; }

    public RejectionReason Reason { get; }

    /// <summary>Human readable detail for the log; never contains more than a short excerpt of the input.</summary>
    public string? Detail { get; }

    public bool IsSuccess => Event is not null;

    public static DecodeResult Ok(ChoriaEvent evt) => new(evt, default, null);

    public static DecodeResult Reject(RejectionReason reason, string detail) => new(null, reason, detail);

    public override string ToString() => IsSuccess ? $"ok {Event!.Protocol}" : $"{Reason}: {Detail}";
}
