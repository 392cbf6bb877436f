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
    /// <summary>Stands for "no newest version" in <see cref="_newest"/>, where null means "not worked out yet".</summary>
    private static readonly object NoNewest = new();

    private object? _newest;
    private int _outdated = -1;

    public int Total => Live + Stale + Dead + Stopped;

    /// <summary>Whether a pre-release may be <see cref="Newest"/> while a release version is active (<c>Fleet:PreReleaseNewest</c>).</summary>
    public bool PreReleaseNewest
    {
        get;
        init
        {
            // A copy made with `with` must not keep the newest worked out under the other rule.
            field = value;
            _newest = null;
            _outdated = -1;
        }
    }

    /// <summary>
    /// The newest version that runs: the highest with a live or stale node (<see cref="VersionCount.Active"/>), release
    /// versions first (see <see cref="VersionComparer.NewestActive"/>); null when no node with a known version is
    /// live or stale. A dead node's version or a crashed canary's pre-release never makes the fleet look behind.
    /// </summary>
    public string? Newest => (_newest ??= FindNewest() ?? NoNewest) as string;

    /// <summary>Nodes on a known version behind <see cref="Newest"/> (see <see cref="VersionComparer.OlderThan"/>), whatever their state; 0 without a newest.</summary>
    public int Outdated => _outdated >= 0 ? _outdated : _outdated = CountOutdated();

    public int Count(NodeState state) => state switch
    {
        NodeState.Live => Live,
        NodeState.Stale => Stale,
        NodeState.Dead => Dead,
        _ => Stopped,
    };

    private string? FindNewest() => VersionComparer.NewestActive(
        Versions.Where(v => v.Active > 0 && v.Version is not VersionCount.Unknown and not VersionCount.Other).Select(v => v.Version),
        PreReleaseNewest);

    private int CountOutdated()
    {
        if (Newest is not { } newest)
        {
            return 0;
        }

        var behind = VersionComparer.OlderThan(newest);
        return Versions.Where(v => v.Version is not VersionCount.Unknown and not VersionCount.Other && behind(v.Version)).Sum(v => v.Nodes);
    }
}
