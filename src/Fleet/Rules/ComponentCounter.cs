using System.Collections.Immutable;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Semver;

namespace ChoriaDashboard.Fleet.Rules;

/// <summary>
/// Running counts of one component, kept by the writer so summaries never walk the node table. At most
/// <c>Fleet:MaxVersionsPerComponent</c> versions are counted separately; while that many are, nodes on any further new
/// version are counted under <see cref="VersionCount.Other"/>, and no version gets its own count again until that bucket
/// is empty (so each version is counted in exactly one place). Versions are parsed once, when first counted, and the
/// version order is rebuilt only when the set of versions changes, not on every batch.
/// </summary>
internal sealed class ComponentCounter
{
    private readonly int[] _states = new int[4];
    private readonly int _maxVersions;
    private readonly bool _preReleaseNewest;
    private readonly Dictionary<string, Entry> _versions = new(StringComparer.Ordinal);
    private int _otherNodes;
    private int _otherActive;

    /// <summary>The versions newest first (version order); null when the set of versions changed since.</summary>
    private string[]? _order;

    /// <param name="maxVersions">Versions counted separately (<c>Fleet:MaxVersionsPerComponent</c>, at least 1).</param>
    /// <param name="preReleaseNewest">Whether a pre-release may be the newest version while a release is active (<c>Fleet:PreReleaseNewest</c>).</param>
    public ComponentCounter(int maxVersions = 256, bool preReleaseNewest = false)
    {
        _maxVersions = Math.Max(1, maxVersions);
        _preReleaseNewest = preReleaseNewest;
    }

    public int Total => _states[0] + _states[1] + _states[2] + _states[3];

    public void Add(NodeState state, string version, int delta)
    {
        _states[(int)state] += delta;
        var activeDelta = state is NodeState.Live or NodeState.Stale ? delta : 0;
        if (!_versions.TryGetValue(version, out var entry))
        {
            if (_otherNodes > 0 || _versions.Count >= _maxVersions)
            {
                _otherNodes += delta;
                _otherActive += activeDelta;
                return;
            }

            entry = new Entry(VersionComparer.ParseVersion(version));
            _versions[version] = entry;
            _order = null;
        }

        entry.Nodes += delta;
        entry.Active += activeDelta;
        if (entry.Nodes == 0)
        {
            _versions.Remove(version);
            _order = null;
        }
    }

    public ComponentSummary ToSummary(string component)
    {
        _order ??= [.. _versions.OrderByDescending(v => v, EntryOrder.Instance).Select(v => v.Key)];
        var versions = ImmutableArray.CreateBuilder<VersionCount>(_order.Length + (_otherNodes > 0 ? 1 : 0));
        foreach (var version in _order)
        {
            var entry = _versions[version];
            versions.Add(new VersionCount(version, entry.Nodes, entry.Active));
        }

        if (_otherNodes > 0)
        {
            versions.Add(new VersionCount(VersionCount.Other, _otherNodes, _otherActive));
        }

        return new ComponentSummary(
            component,
            _states[(int)NodeState.Live],
            _states[(int)NodeState.Stale],
            _states[(int)NodeState.Dead],
            _states[(int)NodeState.Stopped],
            versions.MoveToImmutable())
        {
            PreReleaseNewest = _preReleaseNewest,
        };
    }

    private sealed class Entry(SemVersion? parsed)
    {
        public SemVersion? Parsed { get; } = parsed;

        public int Nodes { get; set; }

        public int Active { get; set; }
    }

    /// <summary><see cref="VersionComparer"/>'s order over versions parsed once.</summary>
    private sealed class EntryOrder : IComparer<KeyValuePair<string, Entry>>
    {
        public static readonly EntryOrder Instance = new();

        public int Compare(KeyValuePair<string, Entry> x, KeyValuePair<string, Entry> y) =>
            VersionComparer.Compare(x.Key, x.Value.Parsed, y.Key, y.Value.Parsed);
    }
}
