using System.Collections;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// The readers' view of the node table: lookups and enumeration straight through to the table (lock-free while the
/// writer works), and a count the writer keeps. It cannot be cast back and written to, and its <see cref="Keys"/>,
/// <see cref="Values"/> and <see cref="Count"/> never take the table's locks, which
/// <see cref="ConcurrentDictionary{TKey, TValue}"/>'s own do (and copy every entry).
/// </summary>
internal sealed class NodeView(ConcurrentDictionary<NodeKey, NodeSnapshot> table, Func<int> count) : IReadOnlyDictionary<NodeKey, NodeSnapshot>
{
    public int Count => count();

    public IEnumerable<NodeKey> Keys => this.Select(pair => pair.Key);

    public IEnumerable<NodeSnapshot> Values => this.Select(pair => pair.Value);

    public NodeSnapshot this[NodeKey key] => table[key];

    public bool ContainsKey(NodeKey key) => table.ContainsKey(key);

    public bool TryGetValue(NodeKey key, [MaybeNullWhen(false)] out NodeSnapshot value) => table.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<NodeKey, NodeSnapshot>> GetEnumerator() => table.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
