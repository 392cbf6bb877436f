using ChoriaDashboard.Fleet;

namespace ChoriaDashboard.Api.Hub;

/// <summary>
/// The hub's clients in numbers, for <c>/api/fleet</c> and metrics: connected now, streams open now, feeds running,
/// and how often a stream fell behind and was (or, once it reads again, will be) sent a fresh snapshot instead of its
/// backlog.
/// </summary>
/// <param name="feeds">The feeds, for their count and their own falls behind; null in tests of a stream alone.</param>
public sealed class FleetHubClients(FleetHubFeeds? feeds = null)
{
    private readonly Lock _lock = new();
    private readonly List<BroadcastSubscription<FleetHubRound>> _open = [];
    private long _closedLags;
    private int _connected;
    private long _resynchronised;
    private long _refused;

    /// <summary>Hub connections open now.</summary>
    public int Connected => Volatile.Read(ref _connected);

    /// <summary><c>Fleet</c> streams open now.</summary>
    public int Streams
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Feeds running now: the distinct filters of the open streams (<see cref="FleetHubFeeds"/>).</summary>
    public int Feeds => feeds?.Count ?? 0;

    /// <summary>
    /// Times a stream fell behind its <c>Hub:ClientBacklog</c> rounds since start (its feed dropped its backlog at
    /// once), counted when it happens, also while the client is stalled; plus times a feed fell behind the fleet's
    /// stream (<c>Fleet:SubscriberBufferSize</c> updates), once for all its streams.
    /// </summary>
    public long FellBehind
    {
        get
        {
            lock (_lock)
            {
                return _closedLags + _open.Sum(s => s.Lags) + (feeds?.FellBehind ?? 0);
            }
        }
    }

    /// <summary>Fresh snapshots sent to streams that had fallen behind, since start.</summary>
    public long Resynchronised => Interlocked.Read(ref _resynchronised);

    /// <summary><c>Fleet</c> calls refused since start (a bad filter, a second stream on one connection).</summary>
    public long Refused => Interlocked.Read(ref _refused);

    internal void Connect() => Interlocked.Increment(ref _connected);

    internal void Disconnect() => Interlocked.Decrement(ref _connected);

    internal void Open(BroadcastSubscription<FleetHubRound> subscription)
    {
        lock (_lock)
        {
            _open.Add(subscription);
        }
    }

    internal void Close(BroadcastSubscription<FleetHubRound> subscription)
    {
        lock (_lock)
        {
            if (_open.Remove(subscription))
            {
                _closedLags += subscription.Lags;
            }
        }
    }

    internal void Resynchronise() => Interlocked.Increment(ref _resynchronised);

    internal void Refuse() => Interlocked.Increment(ref _refused);
}
