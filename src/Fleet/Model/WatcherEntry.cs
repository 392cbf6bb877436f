namespace ChoriaDashboard.Fleet.Model;

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
