using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Model;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// The newest accepted events (<c>Fleet:EventFeedLength</c>) in a ring, numbered in the order the writer applied them:
/// what a live tail shows when it opens. Live tails then follow the fleet's one stream (<see cref="FleetUpdate.Events"/>).
/// </summary>
/// <remarks>One writer (the fleet store loop) calls <see cref="Publish"/>; readers copy the ring under a short lock.</remarks>
public sealed class EventFeed
{
    private readonly Lock _lock = new();
    private readonly TailEvent[] _ring;
    private long _published;

    /// <param name="length">Recent events kept for a tail that opens (<c>Fleet:EventFeedLength</c>).</param>
    public EventFeed(int length) => _ring = new TailEvent[Math.Max(0, length)];

    /// <summary>Events published so far; the next one gets this plus one as its sequence.</summary>
    public long Published => Volatile.Read(ref _published);

    /// <summary>Writer only: numbers one accepted event and keeps it in the ring.</summary>
    public TailEvent Publish(DateTimeOffset receivedAt, ChoriaEvent evt, string subject, long rawId)
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

        return entry;
    }

    /// <summary>The recent events the feed holds now (at most <c>Fleet:EventFeedLength</c>), oldest first; a copy.</summary>
    public TailEvent[] Recent()
    {
        lock (_lock)
        {
            var count = (int)Math.Min(_published, _ring.Length);
            var recent = new TailEvent[count];
            for (var i = 0; i < count; i++)
            {
                recent[i] = _ring[(_published - count + i) % _ring.Length];
            }

            return recent;
        }
    }
}
