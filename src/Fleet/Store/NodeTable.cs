using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ChoriaDashboard.Fleet;

/// <summary>
/// The fleet's node table: one slot per node-component, each holding the node's current snapshot. The writer changes
/// the table itself only when a node comes or goes; a changed node is published by swapping the snapshot in its slot,
/// which takes no lock (a <see cref="ConcurrentDictionary{TKey, TValue}"/> write takes one of its locks every time).
/// Readers see an <see cref="IReadOnlyDictionary{TKey, TValue}"/> of snapshots, safe to use while the writer works.
/// </summary>
internal sealed class NodeTable : IReadOnlyDictionary<NodeKey, NodeSnapshot>
{
    private readonly ConcurrentDictionary<NodeKey, Slot> _slots;
    private int _count;

    public NodeTable(int capacity) =>
        _slots = new ConcurrentDictionary<NodeKey, Slot>(Environment.ProcessorCount, capacity);

    /// <summary>Kept by the writer: <see cref="ConcurrentDictionary{TKey, TValue}.Count"/> takes every lock of the table.</summary>
    public int Count => Volatile.Read(ref _count);

    public NodeSnapshot this[NodeKey key] => TryGetValue(key, out var node) ? node : throw new KeyNotFoundException($"{key} is not in the fleet");

    public IEnumerable<NodeKey> Keys => _slots.Select(pair => pair.Key);

    public IEnumerable<NodeSnapshot> Values => _slots.Select(pair => pair.Value.Current);

    public bool ContainsKey(NodeKey key) => _slots.ContainsKey(key);

    public bool TryGetValue(NodeKey key, [MaybeNullWhen(false)] out NodeSnapshot value)
    {
        if (_slots.TryGetValue(key, out var slot))
        {
            value = slot.Current;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Writer only: publishes <paramref name="node"/> as the current snapshot of its key.</summary>
    public void Set(NodeSnapshot node)
    {
        if (_slots.TryGetValue(node.Key, out var slot))
        {
            slot.Current = node;
            return;
        }

        _slots[node.Key] = new Slot(node);
        _count++;
    }

    /// <summary>Writer only.</summary>
    public bool Remove(NodeKey key)
    {
        if (!_slots.TryRemove(key, out _))
        {
            return false;
        }

        _count--;
        return true;
    }

    public IEnumerator<KeyValuePair<NodeKey, NodeSnapshot>> GetEnumerator()
    {
        foreach (var (key, slot) in _slots)
        {
            yield return new KeyValuePair<NodeKey, NodeSnapshot>(key, slot.Current);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private sealed class Slot(NodeSnapshot current)
    {
        private NodeSnapshot _current = current;

        public NodeSnapshot Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }
    }
}
