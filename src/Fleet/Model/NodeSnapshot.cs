using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// One node: one component on one identity. Immutable and replaced when its state or versions change, except its live part (when it was
/// last heard from, the kind of its last event and its recent events), which the writer moves forward in place and
/// every snapshot of the node shares.
/// </summary>
public sealed record NodeSnapshot
{
    private readonly NodeActivity? _activity;

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

    /// <summary>The live part, shared by every snapshot of this node; every snapshot must be built with one.</summary>
    internal NodeActivity Activity
    {
        get => _activity ?? throw new InvalidOperationException($"The snapshot of {Key} was built without its activity.");
        init => _activity = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>When we last received an event from it (receipt time; alive events repeat their own timestamp). Live.</summary>
    public DateTimeOffset LastSeen => Activity.LastSeen;

    /// <summary>When it was last heard from on the liveness clock, which silences are measured on (see <see cref="NodeActivity.HeardAt"/>). Live.</summary>
    internal DateTimeOffset HeardAt => Activity.HeardAt;

    /// <summary>How often it has been heard sending alive events: what liveness judges it on once steady. Live.</summary>
    public AliveCadence Cadence => Activity.Cadence;

    /// <summary>The kind of the last event received from it. Live.</summary>
    public LifecycleEventType LastEvent => Activity.LastEvent;

    /// <summary>A copy of the recent events, newest last, at most <c>Fleet:HistoryLength</c>.</summary>
    public NodeHistory History => Activity.History;
}
