using System.Collections.Immutable;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet;

/// <summary>Where a node-component stands, judged from what it last said and how long ago.</summary>
public enum NodeState : byte
{
    /// <summary>Heard from within <c>StaleAfter</c>.</summary>
    Live,

    /// <summary>Silent longer than <c>StaleAfter</c>: an alive may have been lost.</summary>
    Stale,

    /// <summary>Silent longer than <c>DeadAfter</c>: crashed or cut off (no shutdown was received).</summary>
    Dead,

    /// <summary>Sent a shutdown: stopped on purpose.</summary>
    Stopped,
}

/// <summary>One component on one node; the same identity can run several components.</summary>
public readonly record struct NodeKey(string Identity, string Component)
{
    public override string ToString() => $"{Identity}/{Component}";
}

/// <summary>
/// One node-component. Immutable and replaced when its state or versions change, except its <see cref="Activity"/>:
/// when it was last heard from, the kind of its last event and its recent events, which the writer moves forward in
/// place and every snapshot of the node shares.
/// </summary>
public sealed record NodeSnapshot
{
    public required NodeKey Key { get; init; }

    public string Identity => Key.Identity;

    public string Component => Key.Component;

    /// <summary>The version last seen running (startup or alive); null if only a shutdown or provisioned was seen.</summary>
    public string? Version { get; init; }

    /// <summary>After an upgraded event: the version the node announced it is upgrading to, until it is seen running.</summary>
    public string? UpgradingTo { get; init; }

    /// <summary>The version before the last upgrade.</summary>
    public string? PreviousVersion { get; init; }

    public required NodeState State { get; init; }

    public required DateTimeOffset FirstSeen { get; init; }

    public DateTimeOffset? LastStartup { get; init; }

    /// <summary>The live part, shared by every snapshot of this node: see <see cref="NodeActivity"/>.</summary>
    public required NodeActivity Activity { get; init; }

    /// <summary>When we last received an event from it (receipt time; alive events repeat their own timestamp). Live.</summary>
    public DateTimeOffset LastSeen => Activity.LastSeen;

    /// <summary>The kind of the last event received from it. Live.</summary>
    public LifecycleEventType LastEvent => Activity.LastEvent;

    /// <summary>A copy of the recent events, newest last, at most <c>Fleet:HistoryLength</c>.</summary>
    public NodeHistory History => Activity.History;
}
