namespace ChoriaDashboard.Fleet.Status;

/// <summary>Where the replay of Choria Streams stands, as the ingest reports it to the fleet.</summary>
public enum ReplayState
{
    /// <summary>Replay is switched off (<c>Replay:Enabled=false</c>), or no replay was set up.</summary>
    Off,

    /// <summary>Replaying: node states are frozen until it has caught up.</summary>
    Replaying,

    /// <summary>The replay has caught up with the live subscriptions.</summary>
    CaughtUp,

    /// <summary>No history: JetStream is not enabled, a stream is missing, or the dashboard has no rights on it.</summary>
    Unavailable,
}

/// <summary>The replay's report to the fleet.</summary>
/// <param name="Progress">While replaying, how far it has come.</param>
/// <param name="Reason">When unavailable (or partly so), why, in words.</param>
/// <param name="HeardFrom">Once caught up: the start of the time the replay covered (its events were all applied).</param>
/// <param name="HeardUntil">Once caught up: the end of the time the replay covered.</param>
public sealed record ReplayStatus(ReplayState State, ReplayProgress? Progress = null, string? Reason = null, DateTimeOffset? HeardFrom = null, DateTimeOffset? HeardUntil = null)
{
    public static readonly ReplayStatus Off = new(ReplayState.Off);
}
