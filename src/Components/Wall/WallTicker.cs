using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Components.Wall;

/// <summary>What a ticker line reports.</summary>
public enum WallTickerKind : byte
{
    Startup,
    Shutdown,
    Upgrade,
    Death,
}

/// <summary>One ticker line: what happened to which node, and when.</summary>
/// <param name="At">Receipt time of the event; for a death, when the dashboard judged the node dead.</param>
/// <param name="Version">The version started, or the version upgraded from; null otherwise or when not known.</param>
/// <param name="UpgradedTo">For an upgrade, the version upgraded to (null when not known); null otherwise.</param>
public sealed record WallTickerEntry(DateTimeOffset At, WallTickerKind Kind, NodeKey Node, string? Version, string? UpgradedTo);

/// <summary>
/// The board's ticker of recent startups, shutdowns, upgrades and deaths, derived from the change batches the board
/// receives. Holds at most <c>Wall:TickerLength</c> entries, so a board left open for a week does not grow; only the
/// newest entries of a large batch (a restart storm) are kept, without a copy of the batch.
/// </summary>
public sealed class WallTicker
{
    private readonly WallTickerEntry?[] _ring;
    private int _next;
    private int _count;

    /// <param name="capacity">Most entries kept (at least 1).</param>
    public WallTicker(int capacity) => _ring = new WallTickerEntry?[Math.Max(1, capacity)];

    public int Capacity => _ring.Length;

    public int Count => _count;

    /// <summary>Looks at each batch's node upserts (newest batch last) and records what a person would call news.</summary>
    /// <param name="shows">Whether the board shows a component; null shows every one.</param>
    public void Observe(IReadOnlyList<FleetChanges> batches, Func<string, bool>? shows)
    {
        foreach (var batch in batches)
        {
            // Only the last Capacity news items of a batch can survive in the ring: walk backwards to find where they
            // start, then record forwards so the ring stays in arrival order.
            var upserts = batch.Upserts;
            var start = upserts.Count;
            for (var found = 0; start > 0 && found < _ring.Length;)
            {
                start--;
                if (Classify(upserts[start], shows) is not null)
                {
                    found++;
                }
            }

            for (var i = start; i < upserts.Count; i++)
            {
                var node = upserts[i];
                if (Classify(node, shows) is { } kind)
                {
                    var at = kind == WallTickerKind.Death ? batch.Summary.AsOf : node.LastSeen;
                    var version = kind is WallTickerKind.Startup or WallTickerKind.Upgrade ? node.Version : null;
                    var upgradedTo = kind == WallTickerKind.Upgrade ? node.UpgradingTo : null;
                    Add(new WallTickerEntry(at, kind, node.Key, version, upgradedTo));
                }
            }
        }
    }

    /// <summary>The entries, newest first.</summary>
    public IEnumerable<WallTickerEntry> Newest(int count)
    {
        for (var i = 1; i <= Math.Min(count, _count); i++)
        {
            yield return _ring[(_next - i + _ring.Length) % _ring.Length]!;
        }
    }

    private void Add(WallTickerEntry entry)
    {
        // The same news can reach the board twice (a node's snapshot upserted again in a later batch): keep it once.
        foreach (var existing in Newest(_count))
        {
            if (existing.Kind == entry.Kind && existing.At == entry.At && existing.Node == entry.Node)
            {
                return;
            }
        }

        _ring[_next] = entry;
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
    }

    private static WallTickerKind? Classify(NodeSnapshot node, Func<string, bool>? shows)
    {
        WallTickerKind? kind = node.State switch
        {
            // Only the sweep turns a node dead, and it upserts the node once when it does.
            NodeState.Dead => WallTickerKind.Death,
            NodeState.Stopped when node.LastEvent == LifecycleEventType.Shutdown => WallTickerKind.Shutdown,
            NodeState.Live when node.LastEvent == LifecycleEventType.Startup => WallTickerKind.Startup,
            NodeState.Live when node.LastEvent == LifecycleEventType.Upgraded => WallTickerKind.Upgrade,
            _ => null,
        };
        return kind is not null && (shows is null || shows(node.Component)) ? kind : null;
    }
}
