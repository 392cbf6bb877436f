using System.Threading.Channels;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// The fan-out of accepted events to live tails: the newest <c>Fleet:EventFeedLength</c> kept in a ring (what a tail
/// shows when it opens), and one bounded channel per subscriber. The writer never waits: an event a subscriber has no
/// room for is dropped for it and counted (<see cref="EventFeedSubscription.Dropped"/>).
/// </summary>
/// <remarks>One writer (the fleet store loop) calls <see cref="Publish"/>; subscribing and the ring copy take a lock the writer takes only per batch.</remarks>
public sealed class EventFeed
{
    private readonly Lock _lock = new();
    private readonly TailEvent[] _ring;
    private readonly int _subscriberBuffer;
    private EventFeedSubscription[] _subscribers = [];
    private long _published;

    /// <param name="length">Recent events kept for a tail that opens (<c>Fleet:EventFeedLength</c>).</param>
    /// <param name="subscriberBuffer">Events buffered per subscriber before they are dropped for it (<c>Fleet:EventFeedSubscriberBuffer</c>).</param>
    public EventFeed(int length, int subscriberBuffer)
    {
        _ring = new TailEvent[Math.Max(0, length)];
        _subscriberBuffer = Math.Max(1, subscriberBuffer);
    }

    /// <summary>Events published so far; the next one gets this plus one as its sequence.</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Subscriptions open now.</summary>
    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

    /// <summary>Writer only: hands one accepted event to the ring and to every subscriber, without waiting.</summary>
    public void Publish(DateTimeOffset receivedAt, Events.ChoriaEvent evt, string subject, long rawId)
    {
        var entry = new TailEvent(_published + 1, receivedAt, evt, subject, rawId);
        if (_ring.Length > 0)
        {
            lock (_lock)
            {
                _ring[_published % _ring.Length] = entry;
                _published++;
            }
        }
        else
        {
            Volatile.Write(ref _published, _published + 1);
        }

        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Offer(entry);
        }
    }

    /// <summary>The recent events (oldest first) and every event from now on. Dispose to unsubscribe.</summary>
    public EventFeedSubscription Subscribe()
    {
        lock (_lock)
        {
            var subscription = new EventFeedSubscription(this, RecentLocked(), _subscriberBuffer);
            Volatile.Write(ref _subscribers, [.. _subscribers, subscription]);
            return subscription;
        }
    }

    /// <summary>The recent events the feed holds now (at most <c>Fleet:EventFeedLength</c>), oldest first; a copy.</summary>
    public IReadOnlyList<TailEvent> Recent()
    {
        lock (_lock)
        {
            return RecentLocked();
        }
    }

    private TailEvent[] RecentLocked()
    {
        var count = (int)Math.Min(_published, _ring.Length);
        var recent = new TailEvent[count];
        for (var i = 0; i < count; i++)
        {
            recent[i] = _ring[(_published - count + i) % _ring.Length];
        }

        return recent;
    }

    internal void Unsubscribe(EventFeedSubscription subscription)
    {
        lock (_lock)
        {
            Volatile.Write(ref _subscribers, [.. _subscribers.Where(s => s != subscription)]);
        }
    }
}

/// <summary>
/// One live tail's view of the <see cref="EventFeed"/>: the recent events when it subscribed, then every accepted event
/// while it keeps up. A subscriber further behind than its buffer loses events, counted in <see cref="Dropped"/>.
/// </summary>
public sealed class EventFeedSubscription : IDisposable
{
    private readonly EventFeed? _feed;
    private readonly Channel<TailEvent> _channel;
    private long _dropped;

    internal EventFeedSubscription(EventFeed? feed, IReadOnlyList<TailEvent> recent, int capacity)
    {
        _feed = feed;
        Recent = recent;
        _channel = Channel.CreateBounded<TailEvent>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>For tests and fakes: a subscription fed by hand through <see cref="Offer"/>.</summary>
    public static EventFeedSubscription CreateDetached(IReadOnlyList<TailEvent> recent, int capacity = 4096) => new(null, recent, capacity);

    /// <summary>The feed's recent events when this subscription started, oldest first.</summary>
    public IReadOnlyList<TailEvent> Recent { get; }

    /// <summary>
    /// The feed's recent events now, oldest first (for a detached subscription, <see cref="Recent"/>). Events the
    /// reader has not yet taken from <see cref="Events"/> may be among them: compare <see cref="TailEvent.Sequence"/>.
    /// </summary>
    public IReadOnlyList<TailEvent> RecentNow() => _feed?.Recent() ?? Recent;

    public ChannelReader<TailEvent> Events => _channel.Reader;

    /// <summary>Events dropped because this subscriber's buffer was full.</summary>
    public long Dropped => Volatile.Read(ref _dropped);

    /// <summary>True once the reader has let go of it.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Hands one event over without waiting; counts it as dropped when the buffer is full.</summary>
    public void Offer(in TailEvent entry)
    {
        if (!_channel.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    public void Dispose()
    {
        IsDisposed = true;
        _feed?.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
