using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>
/// Decoded events handed to the fleet writer in one queue operation. The NATS loops fill one with what their
/// subscription has ready, up to <see cref="MaxCount"/>, and hand it over when it is full or the subscription has
/// nothing more for now, so batching adds no delay. Per event, the queue's lock, the wake-ups and the async state
/// machine would cost more than applying the event (see docs/benchmarks.md).
/// </summary>
public sealed class IngestBatch
{
    /// <summary>Events per batch at most.</summary>
    public const int MaxCount = 256;

    /// <summary>What the idle writer is woken with: no events.</summary>
    internal static readonly IngestBatch Wake = new(0);

    private Item[] _items;

    public IngestBatch(int capacity = 8) => _items = capacity == 0 ? [] : new Item[Math.Clamp(capacity, 1, MaxCount)];

    public int Count { get; private set; }

    public bool IsFull => Count >= MaxCount;

    /// <summary>Adds one event; false (and nothing added) when the batch already holds <see cref="MaxCount"/>.</summary>
    /// <param name="rawId">The id of its raw capture in the <see cref="RawEventStore"/>; 0 when not captured.</param>
    /// <param name="replayed">
    /// True for an event replayed from Choria Streams: <paramref name="receivedAt"/> is then the broker's stream
    /// timestamp (another clock, clamped to the dashboard's now when applied), and the event is superseded when older
    /// than what is already known. A live event is always applied.
    /// </param>
    /// <param name="timestamp">
    /// The monotonic <see cref="TimeProvider.GetTimestamp"/> taken with <paramref name="receivedAt"/> (the fleet's
    /// <see cref="TimeProvider"/>), which the writer measures silences from; 0 when none was taken.
    /// </param>
    public bool Add(ChoriaEvent evt, string subject, DateTimeOffset receivedAt, long rawId = 0, bool replayed = false, long timestamp = 0)
    {
        if (IsFull)
        {
            return false;
        }

        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Math.Min(Math.Max(_items.Length * 2, 8), MaxCount));
        }

        _items[Count++] = new Item(evt, subject, receivedAt, rawId, replayed, timestamp);
        return true;
    }

    internal ReadOnlySpan<Item> Items => _items.AsSpan(0, Count);

    internal readonly record struct Item(ChoriaEvent Event, string Subject, DateTimeOffset ReceivedAt, long RawId, bool Replayed, long Timestamp);
}
