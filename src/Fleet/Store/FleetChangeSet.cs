using System.Runtime.InteropServices;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// Collects what one writer batch changed, last write wins, so a node changed twice in a batch is sent once; and the
/// news of the batch, in order. A node only heard again (<see cref="Heard"/>) stays marked so unless something else
/// changed it in the same batch.
/// </summary>
internal sealed class FleetChangeSet
{
    private readonly Dictionary<NodeKey, (NodeSnapshot Node, bool HeardOnly)> _upserts = [];
    private int _heardOnly;
    private readonly HashSet<NodeKey> _removals = [];
    private readonly Dictionary<string, MachineHost> _machines = new(StringComparer.Ordinal);
    private readonly List<FleetNews> _news = [];

    public bool IsEmpty => _upserts.Count == 0 && _removals.Count == 0 && _machines.Count == 0 && _news.Count == 0;

    public void Upsert(NodeSnapshot node) => Set(node, heardOnly: false);

    /// <summary>
    /// A node heard again and changed in nothing but its live activity (last seen, cadence count): an alive from a node
    /// live on that version. Readers that follow only real changes (the hub) may leave it out.
    /// </summary>
    public void Heard(NodeSnapshot node) => Set(node, heardOnly: true);

    public void Remove(NodeKey key)
    {
        if (_upserts.Remove(key, out var old) && old.HeardOnly)
        {
            _heardOnly--;
        }

        _removals.Add(key);
    }

    private void Set(NodeSnapshot node, bool heardOnly)
    {
        _removals.Remove(node.Key);
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_upserts, node.Key, out var exists);
        // Changed earlier in the batch and only heard now: still a change.
        var only = heardOnly && (!exists || slot.HeardOnly);
        _heardOnly += (only ? 1 : 0) - (exists && slot.HeardOnly ? 1 : 0);
        slot = (node, only);
    }

    public void Upsert(MachineHost host) => _machines[host.Identity] = host;

    public void Add(FleetNews news) => _news.Add(news);

    /// <summary>The news collected so far, in order.</summary>
    public IReadOnlyList<FleetNews> News => _news;

    /// <summary>The batch as one update of the fleet's stream.</summary>
    public FleetUpdate ToUpdate(FleetSummary summary, Status.BrokerStatus broker, bool statusChanged, IReadOnlyList<TailEvent> events) => new()
    {
        Summary = summary,
        Broker = broker,
        StatusChanged = statusChanged,
        ChangedNodes = _upserts.Count == 0 ? [] : ChangedFirst(),
        HeardOnlyCount = _heardOnly,
        RemovedNodes = _removals.Count == 0 ? [] : [.. _removals],
        ChangedMachines = _machines.Count == 0 ? [] : [.. _machines.Values],
        News = _news.Count == 0 ? [] : [.. _news],
        Events = events,
    };

    /// <summary>The changed nodes, those changed in more than their live activity first and the ones only heard last.</summary>
    private NodeSnapshot[] ChangedFirst()
    {
        var nodes = new NodeSnapshot[_upserts.Count];
        int changed = 0, heard = _upserts.Count - _heardOnly;
        foreach (var (node, heardOnly) in _upserts.Values)
        {
            nodes[heardOnly ? heard++ : changed++] = node;
        }

        return nodes;
    }

    public void Clear()
    {
        _heardOnly = 0;
        _upserts.Clear();
        _removals.Clear();
        _machines.Clear();
        _news.Clear();
    }
}
