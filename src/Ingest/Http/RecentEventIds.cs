namespace ChoriaDashboard.Ingest.Http;

/// <summary>
/// The <c>source</c> and <c>id</c> of the CloudEvents accepted over HTTP lately, so an event a sender re-sends (it timed
/// out waiting for our answer, and retries) is applied once. Bounded twice: an id is remembered for
/// <c>HttpIngest:DedupeWindow</c> (on the monotonic clock), and at most <c>HttpIngest:DedupeCapacity</c> are, the oldest
/// forgotten first. Thread-safe: request threads call it concurrently, under one short lock.
/// </summary>
internal sealed class RecentEventIds(TimeSpan window, int capacity, TimeProvider time)
{
    private readonly Dictionary<(string Source, string Id), long> _seenAt = [];
    private readonly Queue<((string Source, string Id) Key, long SeenAt)> _order = new();
    private readonly Lock _lock = new();

    /// <summary>How many ids are remembered now.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _seenAt.Count;
            }
        }
    }

    /// <summary>Remembers <paramref name="source"/> and <paramref name="id"/>; false when they were remembered already (a duplicate).</summary>
    public bool TryAdd(string source, string id)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            Expire(now);
            if (!_seenAt.TryAdd((source, id), now))
            {
                return false;
            }

            _order.Enqueue(((source, id), now));
            while (_seenAt.Count > capacity && _order.TryDequeue(out var oldest))
            {
                Remove(oldest.Key, oldest.SeenAt);
            }

            return true;
        }
    }

    /// <summary>Forgets an id remembered by <see cref="TryAdd"/> whose event then did not reach the fleet (the request was cancelled), so a retry is applied.</summary>
    public void Forget(string source, string id)
    {
        lock (_lock)
        {
            _seenAt.Remove((source, id));
        }
    }

    private void Expire(long now)
    {
        while (_order.TryPeek(out var oldest) && time.GetElapsedTime(oldest.SeenAt, now) >= window)
        {
            _order.Dequeue();
            Remove(oldest.Key, oldest.SeenAt);
        }
    }

    // Only the entry this queue item stands for: the id may have been forgotten and remembered again since.
    private void Remove((string Source, string Id) key, long seenAt)
    {
        if (_seenAt.TryGetValue(key, out var at) && at == seenAt)
        {
            _seenAt.Remove(key);
        }
    }
}
