using System.Collections.Immutable;

namespace ChoriaDashboard.Fleet;

/// <summary>Running counts of one component, kept by the writer so summaries never walk the node table.</summary>
internal sealed class ComponentCounter
{
    private readonly int[] _states = new int[4];
    private readonly Dictionary<string, (int Nodes, int Active)> _versions = new(StringComparer.Ordinal);

    public int Total => _states[0] + _states[1] + _states[2] + _states[3];

    public void Add(NodeState state, string version, int delta)
    {
        _states[(int)state] += delta;
        var (nodes, active) = _versions.GetValueOrDefault(version);
        nodes += delta;
        if (state is NodeState.Live or NodeState.Stale)
        {
            active += delta;
        }

        if (nodes == 0)
        {
            _versions.Remove(version);
        }
        else
        {
            _versions[version] = (nodes, active);
        }
    }

    public ComponentSummary ToSummary(string component) => new(
        component,
        _states[(int)NodeState.Live],
        _states[(int)NodeState.Stale],
        _states[(int)NodeState.Dead],
        _states[(int)NodeState.Stopped],
        _versions
            .OrderByDescending(v => v.Key, VersionComparer.Instance)
            .Select(v => new VersionCount(v.Key, v.Value.Nodes, v.Value.Active))
            .ToImmutableArray());
}
