using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.TestKit;

/// <summary>
/// Node snapshots as the fleet would hold them, for tests that feed a reader directly instead of applying events.
/// Change one with <c>with { … }</c>.
/// </summary>
public static class TestSnapshots
{
    /// <summary>
    /// A node of <paramref name="component"/> on <paramref name="identity"/>, last heard from at <paramref name="lastSeen"/>
    /// (the Unix epoch unless told) by a shutdown if it is stopped and an alive otherwise. It was first seen then too,
    /// unless <paramref name="firstSeen"/> says otherwise.
    /// </summary>
    public static NodeSnapshot Node(
        string identity,
        NodeState state,
        string? version = "0.29.4",
        string component = ChoriaComponents.Server,
        DateTimeOffset? lastSeen = null,
        DateTimeOffset? firstSeen = null) => new()
        {
            Key = new NodeKey(identity, component),
            Version = version,
            State = state,
            FirstSeen = firstSeen ?? lastSeen ?? DateTimeOffset.UnixEpoch,
            Activity = new NodeActivity(lastSeen ?? DateTimeOffset.UnixEpoch, state == NodeState.Stopped ? LifecycleEventType.Shutdown : LifecycleEventType.Alive),
        };
}
