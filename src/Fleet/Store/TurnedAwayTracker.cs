using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using Microsoft.Extensions.Logging;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// Keeps count of the new nodes turned away at <c>Fleet:MaxNodes</c> (<see cref="TurnedAway"/>), on the writer. A
/// spell of turning nodes away begins with the first one and ends once the fleet has had room again for
/// <c>Fleet:StaleAfter</c> without turning any away: by then every live node turned away before has sent an alive and
/// been taken in. Logs the start, each time the count of nodes doubles, and the end: a handful of lines however many.
/// </summary>
internal sealed class TurnedAwayTracker(int maxNodes, int maxCounted, TimeSpan quietAfter, ILogger logger)
{
    private readonly HashSet<NodeKey> _nodes = [];
    private bool _atLeast;
    private long _events;
    private DateTimeOffset _since;
    private DateTimeOffset _last;
    private int _nextLog = 1;
    private bool _changed;

    /// <summary>The spell going on, or null.</summary>
    public TurnedAway? Current { get; private set; }

    /// <summary>A new node (<paramref name="node"/>, or a new identity's machine event: null) was turned away at <paramref name="now"/>.</summary>
    public void TurnedAway(NodeKey? node, DateTimeOffset now)
    {
        if (_events == 0)
        {
            _since = now;
            logger.LogWarning(
                "The fleet holds its maximum of {MaxNodes} nodes (Fleet:MaxNodes): new nodes are turned away, starting with {Node}. Raise Fleet:MaxNodes, or lower Fleet:ForgetAfter so dead and stopped nodes make room sooner",
                maxNodes,
                node is { } first ? $"{UntrustedText.Excerpt(first.Identity)}/{UntrustedText.Excerpt(first.Component)}" : "a new identity's machine event");
        }

        _events++;
        _last = now;
        _changed = true;
        if (node is { } key && !_nodes.Contains(key))
        {
            if (_nodes.Count < maxCounted)
            {
                _nodes.Add(key);
            }
            else
            {
                _atLeast = true;
            }
        }

        if (_nodes.Count >= _nextLog * 2)
        {
            _nextLog = _nodes.Count;
            logger.LogWarning("{Nodes}{AtLeast} new nodes turned away since {Since:u} (Fleet:MaxNodes {MaxNodes})", _nodes.Count, _atLeast ? "+" : "", _since, maxNodes);
        }
    }

    /// <summary>After a writer batch: the spell's figures, ended when there has been room for long enough. True when <see cref="Current"/> changed.</summary>
    public bool Refresh(int nodeCount, DateTimeOffset now)
    {
        if (_events > 0 && nodeCount < maxNodes && now - _last >= quietAfter)
        {
            logger.LogInformation(
                "The fleet has room again: {Nodes}{AtLeast} new nodes ({Events} events) were turned away between {Since:u} and {Last:u}",
                _nodes.Count,
                _atLeast ? "+" : "",
                _events,
                _since,
                _last);
            _nodes.Clear();
            _atLeast = false;
            _events = 0;
            _nextLog = 1;
            _changed = false;
            Current = null;
            return true;
        }

        if (!_changed)
        {
            return false;
        }

        _changed = false;
        Current = new TurnedAway(maxNodes, _nodes.Count, _atLeast, _events, _since, _last);
        return true;
    }
}
