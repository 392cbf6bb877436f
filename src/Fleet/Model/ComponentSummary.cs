using System.Collections.Immutable;

namespace ChoriaDashboard.Fleet;

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
