using System.Collections.Immutable;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// The state a watcher last reported: the parts a dashboard shows, not the whole event (its envelope, id and identity
/// are known already). Nagios checks fill the nagios fields; other watcher types keep their data as received.
/// </summary>
public sealed record WatcherSnapshot
{
    public required DateTimeOffset ReceivedAt { get; init; }

    /// <summary>A nagios check's health; null for other watcher types.</summary>
    public NagiosStatus? Health { get; init; }

    public string? Status { get; init; }

    public int StatusCode { get; init; }

    public string? Output { get; init; }

    public string? Plugin { get; init; }

    public DateTimeOffset? CheckTime { get; init; }

    public double RuntimeSeconds { get; init; }

    public ImmutableArray<NagiosPerfData> PerfData { get; init; } = [];

    /// <summary>The check's recent results as the node reported them.</summary>
    public ImmutableArray<NagiosHistoryItem> History { get; init; } = [];

    public ImmutableDictionary<string, string> Annotations { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>
    /// Since when a nagios check has been failing (WARNING, CRITICAL or UNKNOWN) without a break, as received; null
    /// while it is not failing. Set by the fleet writer.
    /// </summary>
    public DateTimeOffset? FailingSince { get; init; }

    /// <summary>
    /// How often the check runs, from the execute times of its history (the median gap between consecutive runs); null
    /// when the history shows fewer than two timed runs (the first run, or Choria before 0.17).
    /// </summary>
    public TimeSpan? CheckInterval
    {
        get => _checkIntervalTicks == 0 ? null : TimeSpan.FromTicks(_checkIntervalTicks);
        init => _checkIntervalTicks = value?.Ticks ?? 0;
    }

    /// <summary>
    /// Since when this result is no longer current (set by the fleet writer's sweep): its node stopped or died, or the
    /// check has been silent past its bound. Null while current. A new result makes the check current again.
    /// </summary>
    public DateTimeOffset? StaleSince
    {
        get => _staleSinceTicks == 0 ? null : new DateTimeOffset(_staleSinceTicks, TimeSpan.Zero);
        init => _staleSinceTicks = value?.UtcTicks ?? 0;
    }

    /// <summary>Why the result is no longer current; null while it is.</summary>
    public StaleReason? StaleReason { get; init; }

    /// <summary>The result is no longer current: shown as stale, and not counted under its health.</summary>
    public bool IsStale => _staleSinceTicks != 0;

    /// <summary>When it was received on the liveness clock, which silences are measured on; <see cref="ReceivedAt"/> unless the writer set it.</summary>
    internal DateTimeOffset HeardAt
    {
        get => _heardAtTicks == 0 ? ReceivedAt : new DateTimeOffset(_heardAtTicks, TimeSpan.Zero);
        init => _heardAtTicks = value.UtcTicks;
    }

    // Three times kept as 64-bit ticks (0: none), not as nullable DateTimeOffsets of 24 bytes: a fleet keeps up to
    // Fleet:MaxWatchers of these.
    private readonly long _checkIntervalTicks;
    private readonly long _staleSinceTicks;
    private readonly long _heardAtTicks;

    /// <summary>True for WARNING, CRITICAL and UNKNOWN: what Scout lists as failing.</summary>
    public bool IsFailing => Health is NagiosStatus.Warning or NagiosStatus.Critical or NagiosStatus.Unknown;

    /// <summary>Other watcher types: the state's data as received (JSON), if any.</summary>
    public string? RawData { get; init; }

    public static WatcherSnapshot From(WatcherStateEvent evt, DateTimeOffset receivedAt) => From(evt, receivedAt, receivedAt);

    /// <summary>As <see cref="From(WatcherStateEvent, DateTimeOffset)"/>, heard at <paramref name="heardAt"/> on the liveness clock.</summary>
    internal static WatcherSnapshot From(WatcherStateEvent evt, DateTimeOffset receivedAt, DateTimeOffset heardAt) => evt is NagiosWatcherState n
        ? new WatcherSnapshot
        {
            ReceivedAt = receivedAt,
            HeardAt = heardAt,
            Health = n.Health,
            Status = n.Status,
            StatusCode = n.StatusCode,
            Output = n.Output,
            Plugin = n.Plugin,
            CheckTime = n.CheckTime,
            RuntimeSeconds = n.RuntimeSeconds,
            PerfData = n.PerfData,
            History = n.History,
            Annotations = n.Annotations,
            CheckInterval = IntervalOf(n.History),
        }
        : new WatcherSnapshot { ReceivedAt = receivedAt, HeardAt = heardAt, RawData = evt.RawData };

    /// <summary>The median gap between consecutive timed runs in a check's history (oldest first); null with fewer than two.</summary>
    internal static TimeSpan? IntervalOf(ImmutableArray<NagiosHistoryItem> history)
    {
        if (history.IsDefaultOrEmpty || history.Length < 2)
        {
            return null;
        }

        Span<long> gaps = history.Length <= 64 ? stackalloc long[history.Length - 1] : new long[history.Length - 1];
        var count = 0;
        for (var i = 1; i < history.Length; i++)
        {
            if (history[i - 1].Executed is { } before && history[i].Executed is { } after && after > before)
            {
                gaps[count++] = (after - before).Ticks;
            }
        }

        if (count == 0)
        {
            return null;
        }

        gaps = gaps[..count];
        gaps.Sort();
        return TimeSpan.FromTicks(gaps[count / 2]);
    }
}

/// <summary>Why a check's last result is no longer current.</summary>
public enum StaleReason : byte
{
    /// <summary>No result for longer than its bound (<see cref="FleetOptions.CheckSilenceAllowed"/>).</summary>
    Silent,

    /// <summary>Its node (the identity's <c>server</c>) is dead.</summary>
    NodeDead,

    /// <summary>Its node (the identity's <c>server</c>) announced its shutdown.</summary>
    NodeStopped,
}
