namespace ChoriaDashboard.Fleet.Status;

/// <summary>
/// New nodes the fleet turned away because it holds <c>Fleet:MaxNodes</c> nodes (rejected as <c>fleetFull</c>): how
/// many and since when, so on-call staff see that real nodes are missing from the view, not only a counter. Carried in
/// <see cref="Model.FleetSummary.TurnedAway"/>; null while no node has been turned away lately.
/// </summary>
/// <param name="MaxNodes">The limit in force (<c>Fleet:MaxNodes</c>).</param>
/// <param name="Nodes">Distinct new nodes (identity and component) turned away since <paramref name="Since"/>.</param>
/// <param name="NodesAtLeast">More distinct nodes than the dashboard remembers (<c>Fleet:TurnedAwayNodesCounted</c>) were turned away: <paramref name="Nodes"/> is a lower bound.</param>
/// <param name="Events">Events turned away, lifecycle events of new nodes and machine events of new identities alike.</param>
/// <param name="Since">When the first was turned away.</param>
/// <param name="Last">When the latest was turned away.</param>
public sealed record TurnedAway(int MaxNodes, int Nodes, bool NodesAtLeast, long Events, DateTimeOffset Since, DateTimeOffset Last);
