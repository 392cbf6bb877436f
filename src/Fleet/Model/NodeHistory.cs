using System.Collections;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>A copy of a node's recent events, newest last, at most <c>Fleet:HistoryLength</c>. It never changes.</summary>
public readonly struct NodeHistory : IReadOnlyList<NodeHistoryEntry>
{
    private readonly NodeHistoryEntry[]? _entries;

    internal NodeHistory(NodeHistoryEntry[] entries) => _entries = entries;

    public static NodeHistory Empty => default;

    public int Count => _entries?.Length ?? 0;

    public bool IsEmpty => Count == 0;

    public NodeHistoryEntry this[int index] =>
        (uint)index < (uint)Count ? _entries![index] : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<NodeHistoryEntry> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return _entries![i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
