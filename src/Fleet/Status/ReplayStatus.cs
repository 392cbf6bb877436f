namespace ChoriaDashboard.Fleet.Status;

/// <summary>Where the replay of Choria Streams stands, as the ingest reports it to the fleet.</summary>
public enum ReplayState
{
    /// <summary>Replay is switched off (<c>Replay:Enabled=false</c>), or no replay was set up.</summary>
    Off,

    /// <summary>Replaying (also while resuming after an interruption): node states are frozen until it has caught up or is given up.</summary>
    Replaying,

    /// <summary>The replay has caught up with the live subscriptions.</summary>
    CaughtUp,

    /// <summary>No history: JetStream is not enabled, a stream is missing, or the dashboard has no rights on it.</summary>
    Unavailable,

    /// <summary>
    /// The replay stopped part-way and could not be resumed (<c>Replay:MaxAttempts</c>): what it applied stays, the
    /// time it did not reach counts as deaf time (<see cref="ReplayStatus.Unheard"/>), and liveness is judged from here on.
    /// </summary>
    GivenUp,
}

/// <summary>The replay's report to the fleet.</summary>
/// <param name="Progress">While replaying, how far it has come; once it ended, how far it came.</param>
/// <param name="Reason">When unavailable (or partly so), or given up, why, in words.</param>
/// <param name="HeardFrom">Once caught up or given up: the start of the time the replay covered.</param>
/// <param name="HeardUntil">Once caught up or given up: the end of the time the replay covered (where live delivery took over).</param>
public sealed record ReplayStatus(ReplayState State, ReplayProgress? Progress = null, string? Reason = null, DateTimeOffset? HeardFrom = null, DateTimeOffset? HeardUntil = null)
{
    public static readonly ReplayStatus Off = new(ReplayState.Off);

    /// <summary>
    /// Once given up: the periods between <see cref="HeardFrom"/> and <see cref="HeardUntil"/> whose history was not
    /// replayed (from the last message applied on to where the stream was to be read). They count as deaf time, so a
    /// node whose later events were not replayed is not taken for silent.
    /// </summary>
    public IReadOnlyList<(DateTimeOffset From, DateTimeOffset To)> Unheard { get; init; } = [];

    /// <summary>A replay that ended, well or not: node states are judged from then on.</summary>
    public bool Ended => State is ReplayState.CaughtUp or ReplayState.Unavailable or ReplayState.GivenUp;
}
