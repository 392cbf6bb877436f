using System.Collections;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Fleet;

/// <summary>One entry of a node's recent history: what arrived and when we received it (24 bytes).</summary>
public readonly struct NodeHistoryEntry : IEquatable<NodeHistoryEntry>
{
    private readonly long _receivedAtUtcTicks;

    public NodeHistoryEntry(DateTimeOffset receivedAt, LifecycleEventType type, WireFormat format, string? detail)
    {
        _receivedAtUtcTicks = receivedAt.UtcTicks;
        Type = type;
        Format = format;
        Detail = detail;
    }

    public DateTimeOffset ReceivedAt => new(_receivedAtUtcTicks, TimeSpan.Zero);

    public LifecycleEventType Type { get; }

    public WireFormat Format { get; }

    /// <summary>The version for startup and alive; "old → new" for upgraded; null otherwise.</summary>
    public string? Detail { get; }

    public bool Equals(NodeHistoryEntry other) =>
        _receivedAtUtcTicks == other._receivedAtUtcTicks && Type == other.Type && Format == other.Format && Detail == other.Detail;

    public override bool Equals(object? obj) => obj is NodeHistoryEntry other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(_receivedAtUtcTicks, Type, Format, Detail);

    public static bool operator ==(NodeHistoryEntry left, NodeHistoryEntry right) => left.Equals(right);

    public static bool operator !=(NodeHistoryEntry left, NodeHistoryEntry right) => !left.Equals(right);

    public override string ToString() => $"{ReceivedAt:O} {Type} {Format} {Detail}";
}

/// <summary>
/// A node's recent events, newest last, at most <c>Fleet:HistoryLength</c>: an immutable view of a buffer that
/// successive snapshots of the same node share. The writer appends past the end of every published view and copies
/// into a fresh buffer only when it is full (once every quarter of the length), instead of copying the whole history
/// on every event, which at 100,000 nodes was most of the garbage and the writer's time.
/// </summary>
public readonly struct NodeHistory : IReadOnlyList<NodeHistoryEntry>
{
    private const int InitialCapacity = 4;

    private readonly NodeHistoryEntry[]? _buffer;
    private readonly int _start;

    private NodeHistory(NodeHistoryEntry[] buffer, int start, int count)
    {
        _buffer = buffer;
        _start = start;
        Count = count;
    }

    public static NodeHistory Empty => default;

    public int Count { get; }

    public bool IsEmpty => Count == 0;

    public NodeHistoryEntry this[int index] =>
        (uint)index < (uint)Count ? _buffer![_start + index] : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>
    /// The history with <paramref name="entry"/> added, keeping the newest <paramref name="limit"/>. Writer only, and
    /// only on the newest history of a node: it writes the slot after this view's end, which no older view reads.
    /// </summary>
    public NodeHistory Append(NodeHistoryEntry entry, int limit)
    {
        if (limit <= 0)
        {
            return default;
        }

        var end = _start + Count;
        if (_buffer is not null && end < _buffer.Length)
        {
            _buffer[end] = entry;
            var count = Math.Min(Count + 1, limit);
            return new NodeHistory(_buffer, end + 1 - count, count);
        }

        // Start small and double: most nodes of a fleet that just started have one or two events, and a storm of
        // new nodes should not allocate (and promote through the GC) a full history for each.
        var full = limit + Math.Max(limit / 4, 1);
        var size = _buffer is null ? Math.Min(InitialCapacity, full) : Math.Min(_buffer.Length * 2, full);
        var buffer = new NodeHistoryEntry[size];
        var keep = Math.Min(Count, limit - 1);
        if (keep > 0)
        {
            Array.Copy(_buffer!, end - keep, buffer, 0, keep);
        }

        buffer[keep] = entry;
        return new NodeHistory(buffer, 0, keep + 1);
    }

    public IEnumerator<NodeHistoryEntry> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _buffer![_start + i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
