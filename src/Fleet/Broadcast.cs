using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// One publisher, many readers, and the publisher never waits: each subscriber has a bounded channel; a subscriber whose
/// channel is full is marked lagged, receives nothing more until it has drained, and then gets one fresh snapshot
/// instead of the backlog it missed. The one fan-out behind every subscription of the fleet (pages, the wallboard, the
/// event tail, and readers to come).
/// </summary>
/// <typeparam name="T">What is published: immutable, shared by every subscriber, never copied.</typeparam>
public sealed class Broadcast<T>
    where T : class
{
    private readonly Lock _lock = new();
    private readonly Func<object?, bool, T> _snapshot;
    private BroadcastSubscription<T>[] _subscribers = [];

    /// <param name="snapshot">
    /// The current state as one item, for a subscriber's tag and whether it fell behind (true) or is new (false): what a
    /// new subscriber starts from, and what a lagged one gets instead of its backlog. Called under the broadcast's lock,
    /// so no item published concurrently is missed or seen twice.
    /// </param>
    public Broadcast(Func<object?, bool, T> snapshot) => _snapshot = snapshot;

    /// <summary>Subscriptions open now.</summary>
    public int Count => Volatile.Read(ref _subscribers).Length;

    /// <summary>Times any subscriber fell behind and was handed a snapshot instead of its backlog, since start.</summary>
    public long Lags => Interlocked.Read(ref _lags);

    private long _lags;

    /// <summary>The current state (<see cref="BroadcastSubscription{T}.Initial"/>) and every item published from now on.</summary>
    /// <param name="capacity">Items buffered for this subscriber before it counts as lagged (at least 1).</param>
    /// <param name="tag">Anything the publisher wants to know of this subscriber (e.g. what it asked for).</param>
    /// <param name="weight">
    /// What an item weighs for this subscriber (e.g. the events it carries); with <paramref name="maxWeight"/>, a second
    /// bound on what may wait for it. One item always fits, whatever it weighs.
    /// </param>
    /// <param name="maxWeight">Most weight buffered for this subscriber before it counts as lagged.</param>
    public BroadcastSubscription<T> Subscribe(int capacity, object? tag = null, Func<T, int>? weight = null, int maxWeight = int.MaxValue)
    {
        lock (_lock)
        {
            var subscription = new BroadcastSubscription<T>(_snapshot(tag, false), Math.Max(1, capacity), tag, weight, maxWeight, Resync, Unsubscribe);
            Volatile.Write(ref _subscribers, [.. _subscribers, subscription]);
            return subscription;
        }
    }

    /// <summary>Hands <paramref name="item"/> to every subscriber without waiting for any.</summary>
    public void Publish(T item)
    {
        lock (_lock)
        {
            foreach (var subscriber in _subscribers)
            {
                if (subscriber.Offer(item))
                {
                    Interlocked.Increment(ref _lags);
                }
            }
        }
    }

    /// <summary>Whether any open subscription's tag satisfies <paramref name="predicate"/>.</summary>
    public bool Any(Func<object?, bool> predicate)
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            if (predicate(subscriber.Tag))
            {
                return true;
            }
        }

        return false;
    }

    private T Resync(BroadcastSubscription<T> subscription)
    {
        lock (_lock)
        {
            subscription.ClearLocked();
            return _snapshot(subscription.Tag, true);
        }
    }

    private void Unsubscribe(BroadcastSubscription<T> subscription)
    {
        lock (_lock)
        {
            Volatile.Write(ref _subscribers, [.. _subscribers.Where(s => s != subscription)]);
        }
    }
}

/// <summary>
/// One reader's view of a <see cref="Broadcast{T}"/>: the state when it subscribed, then every item while it keeps up,
/// and a fresh snapshot whenever it fell behind. Dispose to unsubscribe.
/// </summary>
public sealed class BroadcastSubscription<T> : IDisposable
    where T : class
{
    private readonly Channel<T> _channel;
    private readonly Func<BroadcastSubscription<T>, T> _resync;
    private readonly Action<BroadcastSubscription<T>> _unsubscribe;
    private readonly Func<T, int>? _weight;
    private readonly long _maxWeight;
    private long _bufferedWeight;
    private int _lagged;
    private long _lags;
    private int _disposed;

    internal BroadcastSubscription(T initial, int capacity, object? tag, Func<T, int>? weight, int maxWeight, Func<BroadcastSubscription<T>, T> resync, Action<BroadcastSubscription<T>> unsubscribe)
    {
        Initial = initial;
        Tag = tag;
        _weight = weight;
        _maxWeight = Math.Max(1, maxWeight);
        _resync = resync;
        _unsubscribe = unsubscribe;
        _channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity)
        {
            // The publisher drops a lagged reader's backlog itself, so its memory goes at once.
            SingleReader = false,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>The state when this subscription started.</summary>
    public T Initial { get; }

    /// <summary>What the subscriber told the publisher when it subscribed.</summary>
    public object? Tag { get; }

    /// <summary>Times this subscriber fell behind and was handed a snapshot instead of its backlog.</summary>
    public long Lags => Interlocked.Read(ref _lags);

    /// <summary>True once the reader has let go of it.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) == 1;

    /// <summary>
    /// The items in batches: whatever has arrived, at most one batch per <paramref name="minInterval"/>, so a reader's
    /// cost does not grow with the publishing rate. After falling behind, a batch is the one fresh snapshot alone.
    /// Ends when the subscription is disposed or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async IAsyncEnumerable<IReadOnlyList<T>> ReadBatchesAsync(
        TimeSpan minInterval,
        TimeProvider time,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var reader = _channel.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var started = time.GetTimestamp();
            var batch = new List<T>();
            while (Take(out var item))
            {
                batch.Add(item);
            }

            if (Volatile.Read(ref _lagged) == 1)
            {
                // What was read is older than the snapshot: the snapshot alone stands for all of it.
                batch = [_resync(this)];
            }

            if (batch.Count > 0)
            {
                yield return batch;
            }

            var remaining = minInterval - time.GetElapsedTime(started);
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining, time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The items one by one as they come; after falling behind, one fresh snapshot in place of what was missed. Ends
    /// when the subscription is disposed or <paramref name="cancellationToken"/> is cancelled.
    /// </summary>
    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TryRead(out var item))
            {
                yield return item;
            }
        }
    }

    /// <summary>Waits until an item can be read; false once the subscription is disposed.</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => _channel.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>The next item if one is there; after falling behind, a fresh snapshot in place of what was missed.</summary>
    public bool TryRead([MaybeNullWhen(false)] out T item)
    {
        if (Volatile.Read(ref _lagged) == 1)
        {
            item = _resync(this);
            return true;
        }

        if (!Take(out item))
        {
            return false;
        }

        // Fell behind while this item was taken (it may be the one that woke the reader after its backlog was dropped):
        // the snapshot stands for it and for everything dropped before it.
        if (Volatile.Read(ref _lagged) == 1)
        {
            item = _resync(this);
        }

        return true;
    }

    /// <summary>Takes one queued item off the buffer, and its weight with it; reader and publisher both use it.</summary>
    private bool Take([MaybeNullWhen(false)] out T item)
    {
        if (!_channel.Reader.TryRead(out item))
        {
            return false;
        }

        if (_weight is not null)
        {
            Interlocked.Add(ref _bufferedWeight, -_weight(item));
        }

        return true;
    }

    /// <summary>The next item, waiting for it; throws <see cref="ChannelClosedException"/> once disposed.</summary>
    public async ValueTask<T> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TryRead(out var item))
            {
                return item;
            }
        }

        throw new ChannelClosedException();
    }

    /// <summary>Publisher only, under its lock: queues an item; true when this subscriber just fell behind.</summary>
    internal bool Offer(T item)
    {
        if (Volatile.Read(ref _lagged) == 1)
        {
            return false;
        }

        // An empty buffer takes any item, however heavy (its weight may still be counted for an item a reader is just
        // taking off: the channel's count is what says empty).
        var weight = _weight?.Invoke(item) ?? 0;
        if ((_channel.Reader.Count == 0 || Interlocked.Read(ref _bufferedWeight) + weight <= _maxWeight) && Queue(item, weight))
        {
            return false;
        }

        // Full: drop what is queued (its memory goes at once) and wake the reader, which will ask for a snapshot.
        Volatile.Write(ref _lagged, 1);
        Interlocked.Increment(ref _lags);
        while (Take(out _))
        {
        }

        Queue(item, weight);
        return true;
    }

    private bool Queue(T item, int weight)
    {
        // Counted before it is queued, so a reader taking it at once never takes the count below zero.
        Interlocked.Add(ref _bufferedWeight, weight);
        if (_channel.Writer.TryWrite(item))
        {
            return true;
        }

        Interlocked.Add(ref _bufferedWeight, -weight);
        return false;
    }

    /// <summary>Publisher only, under its lock: forgets what is queued before a snapshot is taken.</summary>
    internal void ClearLocked()
    {
        while (Take(out _))
        {
        }

        Volatile.Write(ref _lagged, 0);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unsubscribe(this);
            _channel.Writer.TryComplete();
        }
    }
}
