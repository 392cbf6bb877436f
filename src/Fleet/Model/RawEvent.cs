using System.Text;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>One captured message as it arrived.</summary>
/// <param name="Id">The capture's id.</param>
/// <param name="Subject">The NATS subject it arrived on.</param>
/// <param name="Format">Legacy JSON, CloudEvents structured or binary mode.</param>
/// <param name="ReceivedAt">When the dashboard received it (UTC).</param>
/// <param name="Headers">The NATS headers as <c>name: value</c> lines (binary mode: the <c>ce-*</c> attributes); null when it had none.</param>
/// <param name="Body">The body, byte for byte; untrusted, possibly not valid UTF-8.</param>
public sealed record RawEvent(long Id, string Subject, WireFormat Format, DateTimeOffset ReceivedAt, string? Headers, byte[] Body)
{
    /// <summary>The body as text (invalid UTF-8 shown as U+FFFD); show it as text, never as markup.</summary>
    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>The answer to a raw event lookup: the message, or why there is none.</summary>
/// <param name="WasReplayed">
/// Not captured because it was replayed from Choria Streams (its receipt time is before anything this process captured):
/// say so rather than "no longer retained".
/// </param>
public readonly record struct RawEventLookup(RawEvent? Event, bool Overwritten = false, bool WasReplayed = false)
{
    /// <summary>The id was never handed out (capture off, or the message was larger than the budget).</summary>
    public static RawEventLookup NotCaptured => default;

    /// <summary>It was captured, and newer messages have since taken its place in the budget.</summary>
    public static RawEventLookup NoLongerRetained => new(null, Overwritten: true);

    /// <summary>Replayed from Choria Streams at start and not captured (only live messages are captured).</summary>
    public static RawEventLookup Replayed => new(null, WasReplayed: true);

    public bool Found => Event is not null;
}
