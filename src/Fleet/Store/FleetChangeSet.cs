using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// Collects what one writer batch changed, last write wins, so a node changed twice in a batch is sent once; and the
/// news of the batch, in order.
/// </summary>
internal sealed class FleetChangeSet
{
    private readonly Dictionary<NodeKey, NodeSnapshot> _upserts = [];
    private readonly HashSet<NodeKey> _removals = [];
    private readonly Dictionary<string, MachineHost> _machines = new(StringComparer.Ordinal);
    private readonly List<FleetNews> _news = [];

    public bool IsEmpty => _upserts.Count == 0 && _removals.Count == 0 && _machines.Count == 0 && _news.Count == 0;

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

    public void Add(FleetNews news) => _news.Add(news);

    /// <summary>The news collected so far, in order.</summary>
    public IReadOnlyList<FleetNews> News => _news;

    /// <summary>The batch as one update of the fleet's stream.</summary>
    public FleetUpdate ToUpdate(FleetSummary summary, Status.BrokerStatus broker, bool statusChanged, IReadOnlyList<TailEvent> events) => new()
    {
        Summary = summary,
        Broker = broker,
        StatusChanged = statusChanged,
        ChangedNodes = _upserts.Count == 0 ? [] : [.. _upserts.Values],
        RemovedNodes = _removals.Count == 0 ? [] : [.. _removals],
        ChangedMachines = _machines.Count == 0 ? [] : [.. _machines.Values],
        News = _news.Count == 0 ? [] : [.. _news],
        Events = events,
    };

    public void Clear()
    {
        _upserts.Clear();
        _removals.Clear();
        _machines.Clear();
        _news.Clear();
    }
}
