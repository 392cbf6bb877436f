using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// Decides a node's state from its silence, by its component's thresholds raised to what its own alive cadence needs
/// (see <see cref="FleetOptions.ThresholdsFor(NodeSnapshot)"/>). Silences are measured on the liveness clock (a node's
/// <see cref="NodeSnapshot.HeardAt"/>, and the <c>now</c> given), less the time the dashboard was deaf. Pure, so it is
/// tested without waiting.
/// </summary>
public sealed class LivenessPolicy
{
    private readonly FleetOptions _options;
    private readonly Dictionary<string, LivenessThresholds> _cache = new(StringComparer.Ordinal);
    private readonly LivenessThresholds _default;

    public LivenessPolicy(FleetOptions options)
    {
        _options = options;
        _default = options.ThresholdsFor("\0");
        foreach (var component in options.Components.Keys)
        {
            _cache[component] = options.ThresholdsFor(component);
        }
    }

    public LivenessThresholds For(string component) => _cache.TryGetValue(component, out var t) ? t : _default;

    /// <summary>The thresholds in force for one node: its component's, raised to what its alive cadence (or version) needs.</summary>
    public LivenessThresholds For(NodeSnapshot node) => _options.ThresholdsFor(For(node.Component), node);

    /// <summary>The state a node is in now (on the liveness clock), given the state its last event left it in.</summary>
    public NodeState Evaluate(NodeSnapshot node, DateTimeOffset now) => Evaluate(node, now, DeafTimeline.None);

    /// <summary>
    /// The state a node is in now, counting only the silence the dashboard could have heard: time it was cut off from
    /// the broker (<paramref name="deaf"/>) is not silence.
    /// </summary>
    public NodeState Evaluate(NodeSnapshot node, DateTimeOffset now, DeafTimeline deaf)
    {
        if (node.State == NodeState.Stopped)
        {
            return NodeState.Stopped;
        }

        var silence = HeardSilence(node.HeardAt, now, deaf);
        var component = For(node.Component);
        if (silence <= component.StaleAfter)
        {
            // A node's own thresholds are never below its component's: most nodes are decided here, without reading
            // their cadence or version.
            return NodeState.Live;
        }

        var thresholds = _options.ThresholdsFor(component, node);
        return silence > thresholds.DeadAfter ? NodeState.Dead
            : silence > thresholds.StaleAfter ? NodeState.Stale
            : NodeState.Live;
    }

    /// <summary>The silence since <paramref name="lastSeen"/> the dashboard could have heard: wall time less the time it was cut off.</summary>
    public static TimeSpan HeardSilence(DateTimeOffset lastSeen, DateTimeOffset now, DeafTimeline deaf) => now - lastSeen - deaf.Between(lastSeen, now);

    /// <summary>True when a node has been silent long enough to drop it from the view.</summary>
    public bool ShouldForget(NodeSnapshot node, DateTimeOffset now, DeafTimeline? deaf = null) =>
        HeardSilence(node.HeardAt, now, deaf ?? DeafTimeline.None) > For(node).ForgetAfter;

    /// <summary>True when a machine or watcher heard at <paramref name="lastSeen"/> has been silent longer than the fleet-wide forget threshold.</summary>
    public bool ShouldForget(DateTimeOffset lastSeen, DateTimeOffset now, DeafTimeline? deaf = null) =>
        HeardSilence(lastSeen, now, deaf ?? DeafTimeline.None) > _options.ForgetAfter;
}
