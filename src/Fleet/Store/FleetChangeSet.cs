using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>Collects what a batch changed, last write wins, so a node changed twice in a batch is sent once.</summary>
internal sealed class FleetChangeSet
{
    private readonly Dictionary<NodeKey, NodeSnapshot> _upserts = [];
    private readonly HashSet<NodeKey> _removals = [];
    private readonly Dictionary<string, MachineHost> _machines = new(StringComparer.Ordinal);

    public bool IsEmpty => _upserts.Count == 0 && _removals.Count == 0 && _machines.Count == 0;

    public void Upsert(NodeSnapshot node)
    {
        _removals.Remove(node.Key);
        _upserts[node.Key] = node;
    }

    public void Remove(NodeKey key)
    {
        _upserts.Remove(key);
        _removals.Add(key);
    }

    public void Upsert(MachineHost host) => _machines[host.Identity] = host;

    public FleetChanges ToChanges(FleetSummary summary) =>
        new(summary.Revision, [.. _upserts.Values], [.. _removals], [.. _machines.Values], summary);

    public void Clear()
    {
        _upserts.Clear();
        _removals.Clear();
        _machines.Clear();
    }
}
