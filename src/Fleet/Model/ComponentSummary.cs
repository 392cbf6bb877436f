using System.Collections.Immutable;
using ChoriaDashboard.Fleet.Queries;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>Counts for one component: by state, and by version (newest first, see <see cref="VersionComparer"/>).</summary>
public sealed record ComponentSummary(
    string Component,
    int Live,
    int Stale,
    int Dead,
    int Stopped,
    ImmutableArray<VersionCount> Versions)
{
    private string? _newest;
    private int _outdated = -1;

    public int Total => Live + Stale + Dead + Stopped;

    /// <summary>The newest version any node of this component runs (see <see cref="VersionComparer"/>); null when none is known.</summary>
    public string? Newest => _newest ??= VersionComparer.Newest(Versions.Select(v => v.Version).Where(v => v is not VersionCount.Unknown and not VersionCount.Other));

    /// <summary>Nodes on a known version other than <see cref="Newest"/>, whatever their state.</summary>
    public int Outdated => _outdated >= 0 ? _outdated
        : _outdated = Versions.Where(v => v.Version is not VersionCount.Unknown and not VersionCount.Other && v.Version != Newest).Sum(v => v.Nodes);

    public int Count(NodeState state) => state switch
    {
        NodeState.Live => Live,
        NodeState.Stale => Stale,
        NodeState.Dead => Dead,
        _ => Stopped,
    };
}
