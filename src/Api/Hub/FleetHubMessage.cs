namespace ChoriaDashboard.Api.Hub;

/// <summary>
/// One item of the hub's <c>Fleet</c> stream, as JSON (camelCase): a part of a <c>snapshot</c> (the fleet now, to start
/// from) or of a round of <c>changes</c>. A client applies parts in order; on a snapshot's first part it forgets what it
/// had.
/// </summary>
/// <param name="Kind"><see cref="Snapshot"/> or <see cref="Changes"/>.</param>
/// <param name="Revision">The fleet's revision (one more per writer batch) this message brings the client to.</param>
/// <param name="Resynchronised">
/// A snapshot sent because the client fell behind (<c>Fleet:SubscriberBufferSize</c> updates): changes in between were
/// not sent, the snapshot stands for them.
/// </param>
/// <param name="Part">This message's number within its snapshot or round of changes, from 1.</param>
/// <param name="Last">The last part: the snapshot or the round is complete.</param>
/// <param name="Components">
/// The component summaries after this revision, the shape of <c>/api/fleet</c>'s <c>components</c>, only the filter's
/// components; on every part, so any part is enough to show the counts.
/// </param>
/// <param name="Nodes">
/// A snapshot's nodes, or the nodes added or changed in a round (not a node only heard again: see <see cref="ChoriaDashboard.Fleet.FleetUpdate.HeardOnlyCount"/>), the shape of
/// <c>/api/nodes</c> items (<see cref="NodeItem"/>); at most <c>Hub:NodesPerMessage</c>.
/// </param>
/// <param name="Removed">Nodes forgotten in this round (silent past <c>Fleet:ForgetAfter</c>); empty in a snapshot.</param>
public sealed record FleetHubMessage(
    string Kind,
    long Revision,
    bool Resynchronised,
    int Part,
    bool Last,
    IReadOnlyList<ComponentResponse> Components,
    IReadOnlyList<NodeItem> Nodes,
    IReadOnlyList<RemovedNode> Removed)
{
    public const string Snapshot = "snapshot";

    public const string Changes = "changes";
}

/// <summary>A node the fleet forgot: its identity under one component (an identity may run several).</summary>
public sealed record RemovedNode(string Identity, string Component);
