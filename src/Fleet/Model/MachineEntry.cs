namespace ChoriaDashboard.Fleet.Model;

/// <summary>One machine on one node: its name, when it was last heard from, what it last reported, and its watchers.</summary>
public sealed class MachineEntry
{
    private long _lastSeenUtcTicks;
    private long _heardAtTicks;
    private MachineSnapshot _latest;
    private SmallDictionary<WatcherEntry> _watchers = SmallDictionary<WatcherEntry>.Empty;

    /// <param name="heardAt">When it was first heard from on the liveness clock; <paramref name="lastSeen"/> when not given.</param>
    public MachineEntry(string machine, MachineSnapshot latest, DateTimeOffset lastSeen, DateTimeOffset? heardAt = null)
    {
        Machine = machine;
        _latest = latest;
        _lastSeenUtcTicks = lastSeen.UtcTicks;
        _heardAtTicks = (heardAt ?? lastSeen).UtcTicks;
    }

    public string Machine { get; }

    /// <summary>When any event of this machine was last received, in UTC.</summary>
    public DateTimeOffset LastSeen => new(Volatile.Read(ref _lastSeenUtcTicks), TimeSpan.Zero);

    /// <summary>When any event of this machine was last received, on the liveness clock (which silences are measured on).</summary>
    internal DateTimeOffset HeardAt => new(Volatile.Read(ref _heardAtTicks), TimeSpan.Zero);

    /// <summary>Its version, instance and last transition: replaced whole when one of them changes.</summary>
    public MachineSnapshot Latest => Volatile.Read(ref _latest);

    /// <summary>Its watchers by name: an immutable map, replaced when a watcher is added or forgotten.</summary>
    public IReadOnlyDictionary<string, WatcherEntry> Watchers => WatcherMap;

    /// <summary>Writer only: the same map, for building the next one.</summary>
    internal SmallDictionary<WatcherEntry> WatcherMap => Volatile.Read(ref _watchers);

    /// <summary>Writer only.</summary>
    internal void Seen(DateTimeOffset at, DateTimeOffset heardAt)
    {
        Volatile.Write(ref _lastSeenUtcTicks, at.UtcTicks);
        Volatile.Write(ref _heardAtTicks, heardAt.UtcTicks);
    }

    /// <summary>Writer only.</summary>
    internal void SetLatest(MachineSnapshot latest) => Volatile.Write(ref _latest, latest);

    /// <summary>Writer only.</summary>
    internal void SetWatchers(SmallDictionary<WatcherEntry> watchers) => Volatile.Write(ref _watchers, watchers);
}
