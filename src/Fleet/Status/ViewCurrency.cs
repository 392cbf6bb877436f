
namespace ChoriaDashboard.Fleet.Status;

/// <summary>
/// Whether the fleet view can be trusted now, in one place for every reader (<see cref="IFleetStatus.Currency"/>, also
/// carried in <see cref="FleetSummary.Currency"/>). The view is not current while the dashboard is cut off from the
/// broker (connection down, a subscription missing or refused), while it replays history from Choria Streams, and for a
/// while after the NATS client dropped messages.
/// </summary>
public sealed record ViewCurrency
{
    /// <summary>A view with nothing to report.</summary>
    public static readonly ViewCurrency Current = new();

    /// <summary>True when the view reflects everything the broker delivered, up to now.</summary>
    public bool IsCurrent { get; init; } = true;

    /// <summary>Since when the view has not been current (continuously); null while it is.</summary>
    public DateTimeOffset? NotCurrentSince { get; init; }

    /// <summary>Why it is not current, in words ("broker disconnected", "replaying history from Choria Streams", ...).</summary>
    public string? Reason { get; init; }

    /// <summary>
    /// True while node states are frozen: nothing turns stale or dead from silence the dashboard could not hear
    /// (cut off from the broker) or has not replayed yet.
    /// </summary>
    public bool LivenessPaused { get; init; }

    /// <summary>True when the NATS client dropped messages recently (slow consumer): the view may be missing events.</summary>
    public bool MayBeMissingEvents { get; init; }

    /// <summary>The replay in progress; null when no replay runs.</summary>
    public ReplayProgress? Replay { get; init; }

    /// <summary>Why history from Choria Streams is not available (no JetStream, no stream, no rights); null when it is, or replay is off.</summary>
    public string? HistoryUnavailable { get; init; }

    /// <summary>
    /// Why the replay of Choria Streams was given up part-way (<c>Replay:MaxAttempts</c> interruptions in a row), and
    /// from when the history it did not reach is missing; null unless it was. The view fills from live events; the
    /// time not replayed counts as deaf time, so no node turns stale or dead for events the replay could not bring.
    /// </summary>
    public string? HistoryIncomplete { get; init; }

    /// <summary>Times the replay was interrupted (broker failover, consumer deleted, no answer) and resumed where it stopped.</summary>
    public int ReplayInterruptions { get; init; }

    /// <summary>
    /// Time the dashboard has been cut off from the broker since it started, not filled in by a replay, in whole seconds;
    /// a period still going on is counted once it ends.
    /// </summary>
    public TimeSpan DeafTime { get; init; }
}

/// <summary>How far a replay of Choria Streams has come.</summary>
/// <param name="Replayed">Stream messages handed to the fleet so far (both streams).</param>
/// <param name="Total">Stream messages the replay will read, as far as known now (grows when a stream is first read).</param>
/// <param name="StartedAt">When the replay started.</param>
/// <param name="EstimatedTimeLeft">From the rate so far; null until there is a rate.</param>
public sealed record ReplayProgress(long Replayed, long Total, DateTimeOffset StartedAt, TimeSpan? EstimatedTimeLeft)
{
    /// <summary>Times the replay was interrupted so far and resumed (or is about to resume) where it stopped.</summary>
    public int Interruptions { get; init; }

    /// <summary>While an interrupted replay waits to resume: what interrupted it and which attempt comes next; null while it reads.</summary>
    public string? Resuming { get; init; }

    /// <summary>0 to 100.</summary>
    public double Percent => Total <= 0 ? 0 : Math.Clamp(100.0 * Replayed / Total, 0, 100);
}
