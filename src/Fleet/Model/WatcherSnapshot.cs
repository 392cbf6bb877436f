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

    /// <summary>When it was received on the liveness clock, which silences are measured on; <see cref="ReceivedAt"/> unless the writer set it.</summary>
    internal DateTimeOffset HeardAt
    {
        get => _heardAtTicks == 0 ? ReceivedAt : new DateTimeOffset(_heardAtTicks, TimeSpan.Zero);
        init => _heardAtTicks = value.UtcTicks;
    }

    // Kept as 64-bit ticks (0: none), not as a DateTimeOffset of 16 bytes: a fleet keeps up to Fleet:MaxWatchers of these.
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
        }
        : new WatcherSnapshot { ReceivedAt = receivedAt, HeardAt = heardAt, RawData = evt.RawData };
}
