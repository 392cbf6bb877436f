namespace ChoriaDashboard.Fleet.Model;

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
    public IReadOnlyDictionary<string, WatcherEntry> Watchers => WatcherMap;

    /// <summary>Writer only: the same map, for building the next one.</summary>
    internal SmallDictionary<WatcherEntry> WatcherMap => Volatile.Read(ref _watchers);

    /// <summary>Writer only.</summary>
    internal void Seen(DateTimeOffset at) => Volatile.Write(ref _lastSeenUtcTicks, at.UtcTicks);

    /// <summary>Writer only.</summary>
    internal void SetLatest(MachineSnapshot latest) => Volatile.Write(ref _latest, latest);

    /// <summary>Writer only.</summary>
    internal void SetWatchers(SmallDictionary<WatcherEntry> watchers) => Volatile.Write(ref _watchers, watchers);
}
