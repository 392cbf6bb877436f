using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>The fleet's machines and checks: the host table and the machine and health counters, changed only here.</summary>
internal sealed partial class FleetState
{
    private readonly ConcurrentDictionary<string, MachineHost> _hosts = new(StringComparer.Ordinal);
    /// <summary>Checks by health (<see cref="NagiosStatus"/>), and in the last slot the stale ones, whatever their last health.</summary>
    private readonly int[] _health = new int[6];

    /// <summary>Kept by the writer: <see cref="ConcurrentDictionary{TKey, TValue}.Count"/> takes every lock of the table.</summary>
    internal int HostCount { get; private set; }

    internal int MachineCount { get; private set; }

    /// <summary>Watchers kept across the fleet, bounded by <c>Fleet:MaxWatchers</c>.</summary>
    internal int WatcherCount { get; private set; }

    internal bool TryGetHost(string identity, [NotNullWhen(true)] out MachineHost? host) => _hosts.TryGetValue(identity, out host);

    /// <summary>Every host, safe to enumerate while hosts are added and forgotten.</summary>
    internal IEnumerable<KeyValuePair<string, MachineHost>> AllHosts => _hosts;

    /// <summary>Adds a host for <paramref name="identity"/>, sharing the string of its server node when there is one.</summary>
    internal MachineHost AddHost(string identity)
    {
        var shared = TryGetNode(new NodeKey(identity, ChoriaComponents.Server), out var node) ? node.Identity : identity;
        var host = new MachineHost(shared);
        _hosts[host.Identity] = host;
        HostCount++;
        return host;
    }

    /// <summary>Adds <paramref name="machine"/> (new, without watchers) to <paramref name="host"/>.</summary>
    internal void AddMachine(MachineHost host, MachineEntry machine)
    {
        host.SetMachines(host.MachineMap.SetItem(machine.Machine, machine));
        MachineCount++;
    }

    /// <summary>Moves a known machine's last seen time forward and sets its new snapshot (when the event changed it).</summary>
    internal void UpdateMachine(MachineEntry machine, DateTimeOffset receivedAt, MachineSnapshot next)
    {
        if (receivedAt > machine.LastSeen)
        {
            machine.Seen(receivedAt, _heardNow);
        }

        if (!ReferenceEquals(next, machine.Latest))
        {
            machine.SetLatest(next);
        }
    }

    /// <summary>
    /// Sets a watcher's new state (<paramref name="watcher"/> null: a new watcher), keeping the health counts and telling
    /// the news of a check that turned critical or recovered.
    /// </summary>
    internal void SetWatcher(MachineHost host, MachineEntry machine, WatcherEntry? watcher, string name, string type, WatcherSnapshot state)
    {
        NoteCheck(host.Identity, machine.Machine, name, watcher?.Latest, state);
        if (watcher is null)
        {
            machine.SetWatchers(machine.WatcherMap.SetItem(name, new WatcherEntry(name, type, state)));
            WatcherCount++;
        }
        else
        {
            CountHealth(watcher.Latest, -1);
            watcher.SetLatest(state);
        }

        CountHealth(state, +1);
    }

    /// <summary>Sets a host's machines after the sweep forgot some (<paramref name="forgotten"/>), and the host itself when none is left.</summary>
    internal void ForgetMachines(MachineHost host, SmallDictionary<MachineEntry> remaining, IReadOnlyList<MachineEntry> forgotten)
    {
        foreach (var machine in forgotten)
        {
            MachineCount--;
            WatcherCount -= machine.WatcherMap.Count;
            foreach (var watcher in machine.WatcherMap.Values)
            {
                CountHealth(watcher.Latest, -1);
            }
        }

        host.SetMachines(remaining);
        if (remaining.IsEmpty && _hosts.TryRemove(host.Identity, out _))
        {
            HostCount--;
        }
    }

    /// <summary>Sets a machine's watchers after the sweep forgot some (<paramref name="forgotten"/>).</summary>
    internal void ForgetWatchers(MachineEntry machine, SmallDictionary<WatcherEntry> remaining, IReadOnlyList<WatcherEntry> forgotten)
    {
        WatcherCount -= forgotten.Count;
        foreach (var watcher in forgotten)
        {
            CountHealth(watcher.Latest, -1);
        }

        machine.SetWatchers(remaining);
    }

    /// <summary>
    /// Marks a check's result as no longer current, as of the sweep now (see <see cref="WatcherSnapshot.StaleSince"/>): it
    /// is counted as stale, not under its last health, until its next result. No news: no reader needs it.
    /// </summary>
    internal void MarkStale(WatcherEntry watcher, StaleReason reason)
    {
        var latest = watcher.Latest;
        CountHealth(latest, -1);
        var stale = latest with { StaleSince = _now, StaleReason = reason };
        watcher.SetLatest(stale);
        CountHealth(stale, +1);
    }

    private HealthSummary HealthCounts() => new(_health[0], _health[1], _health[2], _health[3], _health[4], _health[5]);

    /// <summary>
    /// Adds <paramref name="delta"/> to the health count of a nagios check's state, or to the stale count when its result
    /// is no longer current; other watchers have none.
    /// </summary>
    private void CountHealth(WatcherSnapshot watcher, int delta)
    {
        if (watcher.Health is { } health)
        {
            _health[watcher.IsStale ? _health.Length - 1 : (int)health] += delta;
        }
    }
}
