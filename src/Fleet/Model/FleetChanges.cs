namespace ChoriaDashboard.Fleet.Model;

/// <summary>What one writer batch changed: new node snapshots, forgotten nodes, machine hosts, and the new summary.</summary>
public sealed record FleetChanges(
    long Revision,
    IReadOnlyList<NodeSnapshot> Upserts,
    IReadOnlyList<NodeKey> Removals,
    IReadOnlyList<MachineHost> MachineUpserts,
    FleetSummary Summary);
