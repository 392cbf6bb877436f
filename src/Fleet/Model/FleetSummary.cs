using System.Collections.Immutable;

namespace ChoriaDashboard.Fleet;

/// <summary>How many nodes of a component run one version.</summary>
/// <param name="Nodes">All node-components known on this version, whatever their state.</param>
/// <param name="Active">Those live or stale: what is actually running.</param>
public sealed record VersionCount(string Version, int Nodes, int Active);

/// <summary>Counts for one component: by state, and by version.</summary>
public sealed record ComponentSummary(
    string Component,
    int Live,
    int Stale,
    int Dead,
    int Stopped,
    ImmutableArray<VersionCount> Versions)
{
    public int Total => Live + Stale + Dead + Stopped;

    public int Count(NodeState state) => state switch
    {
        NodeState.Live => Live,
        NodeState.Stale => Stale,
        NodeState.Dead => Dead,
        _ => Stopped,
    };
}

/// <summary>Nagios health counts over the latest state of every check.</summary>
public sealed record HealthSummary(int Ok, int Warning, int Critical, int Unknown)
{
    public static readonly HealthSummary Empty = new(0, 0, 0, 0);

    public int Total => Ok + Warning + Critical + Unknown;
}

/// <summary>The whole fleet in numbers: immutable, replaced after every change batch.</summary>
/// <param name="Revision">Counts change batches: 0 before the first, one more with each.</param>
/// <param name="NodeListRevision">
/// Changes only when a node-component is added or removed, or its state or version changes: what node lists filter
/// and sort on. An alive that only refreshes the last-seen time leaves it as it is.
/// </param>
public sealed record FleetSummary(
    long Revision,
    DateTimeOffset AsOf,
    ImmutableArray<ComponentSummary> Components,
    int Machines,
    HealthSummary Health,
    long NodeListRevision = 0)
{
    public static readonly FleetSummary Empty = new(0, DateTimeOffset.MinValue, [], 0, HealthSummary.Empty);

    public int TotalNodes => Components.Sum(c => c.Total);

    public int Count(NodeState state) => Components.Sum(c => c.Count(state));
}

/// <summary>What one writer batch changed: new node snapshots, forgotten nodes, machine hosts, and the new summary.</summary>
public sealed record FleetChanges(
    long Revision,
    IReadOnlyList<NodeSnapshot> Upserts,
    IReadOnlyList<NodeKey> Removals,
    IReadOnlyList<MachineHost> MachineUpserts,
    FleetSummary Summary);
