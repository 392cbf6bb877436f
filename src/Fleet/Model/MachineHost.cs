using System.Collections.Immutable;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// All autonomous agent machines known on one identity. Long-lived: the fleet writer keeps one per identity and
/// updates what is inside in place, so a machine event does not rebuild the host, its machines and their watchers.
/// </summary>
/// <remarks>
/// Under load every node sends machine events about as often as alives; rebuilding the whole tree for each one made
/// about a dozen objects that lived until the node's next event, which the GC had to promote and collect late
/// (docs/benchmarks.md). Readers see immutable pieces: <see cref="Machines"/> is an immutable map replaced when a
/// machine comes or goes, <see cref="MachineEntry.Latest"/> and <see cref="WatcherEntry.Latest"/> are immutable records
/// swapped whole, and <see cref="MachineEntry.LastSeen"/> is one 64-bit value.
/// </remarks>
public sealed class MachineHost
{
    private SmallDictionary<MachineEntry> _machines = SmallDictionary<MachineEntry>.Empty;

    public MachineHost(string identity) => Identity = identity;

    public string Identity { get; }

    /// <summary>The machines now, by name: an immutable map, replaced when a machine is added or forgotten.</summary>
    public SmallDictionary<MachineEntry> Machines => Volatile.Read(ref _machines);

    /// <summary>Writer only.</summary>
    internal void SetMachines(SmallDictionary<MachineEntry> machines) => Volatile.Write(ref _machines, machines);
}

/// <summary>One machine on one node: its name, when it was last heard from, what it last reported, and its watchers.</summary>
public sealed class MachineEntry
{
    private long _lastSeenUtcTicks;
    private MachineSnapshot _latest;
    private SmallDictionary<WatcherEntry> _watchers = SmallDictionary<WatcherEntry>.Empty;

    public MachineEntry(string machine, MachineSnapshot latest, DateTimeOffset lastSeen)
    {
        Machine = machine;
        _latest = latest;
        _lastSeenUtcTicks = lastSeen.UtcTicks;
    }

    public string Machine { get; }

    /// <summary>When any event of this machine was last received, in UTC.</summary>
    public DateTimeOffset LastSeen => new(Volatile.Read(ref _lastSeenUtcTicks), TimeSpan.Zero);

    /// <summary>Its version, instance and last transition: replaced whole when one of them changes.</summary>
    public MachineSnapshot Latest => Volatile.Read(ref _latest);

    /// <summary>Its watchers by name: an immutable map, replaced when a watcher is added or forgotten.</summary>
    public SmallDictionary<WatcherEntry> Watchers => Volatile.Read(ref _watchers);

    /// <summary>Writer only.</summary>
    internal void Seen(DateTimeOffset at) => Volatile.Write(ref _lastSeenUtcTicks, at.UtcTicks);

    /// <summary>Writer only.</summary>
    internal void SetLatest(MachineSnapshot latest) => Volatile.Write(ref _latest, latest);

    /// <summary>Writer only.</summary>
    internal void SetWatchers(SmallDictionary<WatcherEntry> watchers) => Volatile.Write(ref _watchers, watchers);
}

/// <summary>What a machine last said about itself, apart from its watchers.</summary>
public sealed record MachineSnapshot
{
    public static readonly MachineSnapshot Unknown = new();

    public string? Version { get; init; }

    /// <summary>The id of the running machine instance (a machine event's id).</summary>
    public string? InstanceId { get; init; }

    /// <summary>The state after the last transition; null if only watcher states were seen.</summary>
    public string? State { get; init; }

    public string? LastTransition { get; init; }

    public DateTimeOffset? LastTransitionAt { get; init; }
}

/// <summary>One watcher of a machine: its name and type, and the latest state it reported.</summary>
public sealed class WatcherEntry
{
    private WatcherSnapshot _latest;

    public WatcherEntry(string name, string type, WatcherSnapshot latest)
    {
        Name = name;
        Type = type;
        _latest = latest;
    }

    public string Name { get; }

    /// <summary>The watcher type: nagios, file, exec, kv, ...</summary>
    public string Type { get; }

    /// <summary>The latest state: replaced whole by every state event of this watcher.</summary>
    public WatcherSnapshot Latest => Volatile.Read(ref _latest);

    /// <summary>When its latest state was received.</summary>
    public DateTimeOffset ReceivedAt => Latest.ReceivedAt;

    /// <summary>Writer only.</summary>
    internal void SetLatest(WatcherSnapshot latest) => Volatile.Write(ref _latest, latest);
}

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

    /// <summary>Other watcher types: the state's data as received (JSON), if any.</summary>
    public string? RawData { get; init; }

    public static WatcherSnapshot From(WatcherStateEvent evt, DateTimeOffset receivedAt) => evt is NagiosWatcherState n
        ? new WatcherSnapshot
        {
            ReceivedAt = receivedAt,
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
        : new WatcherSnapshot { ReceivedAt = receivedAt, RawData = evt.RawData };
}
