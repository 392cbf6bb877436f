namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// All autonomous agent machines known on one identity. Long-lived: the fleet writer keeps one per identity and
/// updates what is inside in place, so a machine event does not rebuild the host, its machines and their watchers.
/// </summary>
/// <remarks>
/// A node sends machine events about as often as alives, so rebuilding the tree for each one would make many objects
/// for the GC to promote (see docs/benchmarks.md). Readers see immutable pieces: <see cref="Machines"/> is an
/// immutable map replaced when a machine comes or goes, <see cref="MachineEntry.Latest"/> and
/// <see cref="WatcherEntry.Latest"/> are immutable records swapped whole, and <see cref="MachineEntry.LastSeen"/> is
/// one 64-bit value.
/// </remarks>
public sealed class MachineHost
{
    private SmallDictionary<MachineEntry> _machines = SmallDictionary<MachineEntry>.Empty;

    public MachineHost(string identity) => Identity = identity;

    public string Identity { get; }

    /// <summary>The machines now, by name: an immutable map, replaced when a machine is added or forgotten.</summary>
    public IReadOnlyDictionary<string, MachineEntry> Machines => MachineMap;

    /// <summary>Writer only: the same map, for building the next one.</summary>
    internal SmallDictionary<MachineEntry> MachineMap => Volatile.Read(ref _machines);

    /// <summary>Writer only.</summary>
    internal void SetMachines(SmallDictionary<MachineEntry> machines) => Volatile.Write(ref _machines, machines);
}
