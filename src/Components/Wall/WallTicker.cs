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
/// The board's ticker of recent startups, shutdowns, upgrades and deaths: the live news of the fleet's stream (history
/// replayed after a restart is not news to a room). Holds at most <c>Wall:TickerLength</c> entries, so a board left
/// open for a week does not grow; only the newest entries of a large batch (a restart storm) are kept.
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

    /// <summary>Takes each update's news (newest update last) that a person in the room would call news.</summary>
    /// <param name="shows">Whether the board shows a component; null shows every one.</param>
    public void Observe(IReadOnlyList<FleetUpdate> updates, Func<string, bool>? shows)
    {
        foreach (var update in updates)
        {
            // Only the last Capacity entries of an update can survive in the ring: walk backwards to find where they
            // start, then record forwards so the ring stays in arrival order.
            var news = update.News;
            var start = news.Count;
            for (var found = 0; start > 0 && found < _ring.Length;)
            {
                start--;
                if (Classify(news[start], shows) is not null)
                {
                    found++;
                }
            }

            for (var i = start; i < news.Count; i++)
            {
                var item = news[i];
                if (Classify(item, shows) is { } kind)
                {
                    var node = new NodeKey(item.Identity, item.Component!);
                    Add(kind == WallTickerKind.Upgrade
                        ? new WallTickerEntry(item.At, kind, node, item.FromVersion, item.Version)
                        : new WallTickerEntry(item.At, kind, node, kind == WallTickerKind.Startup ? item.Version : null, null));
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
        _ring[_next] = entry;
        _next = (_next + 1) % _ring.Length;
        _count = Math.Min(_count + 1, _ring.Length);
    }

    private static WallTickerKind? Classify(FleetNews news, Func<string, bool>? shows)
    {
        WallTickerKind? kind = news switch
        {
            { Replayed: true } => null,
            { Kind: NewsKind.Died } => WallTickerKind.Death,
            { Kind: NewsKind.Stopped } => WallTickerKind.Shutdown,
            { Kind: NewsKind.Started } => WallTickerKind.Startup,
            { Kind: NewsKind.Upgraded, Announced: true } => WallTickerKind.Upgrade,
            _ => null,
        };
        return kind is not null && news.Component is { } component && (shows is null || shows(component)) ? kind : null;
    }
}
