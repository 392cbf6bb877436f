using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace ChoriaDashboard.Fleet.Model;

/// <summary>
/// An immutable name → value map for the few machines of a node and the few watchers of a machine: one array,
/// searched in order, copied on change. For a handful of entries this is smaller and faster than an
/// <see cref="System.Collections.Immutable.ImmutableDictionary{TKey, TValue}"/>, whose tree nodes are rebuilt on every
/// change (see docs/benchmarks.md). A change copies every entry, so it suits the handful a node really has;
/// <c>Fleet:MaxMachinesPerNode</c> and <c>Fleet:MaxWatchersPerMachine</c> bound the worst case. Keys compare ordinally.
/// </summary>
internal sealed class SmallDictionary<TValue> : IReadOnlyDictionary<string, TValue>
{
    public static readonly SmallDictionary<TValue> Empty = new([]);

    private readonly KeyValuePair<string, TValue>[] _items;

    private SmallDictionary(KeyValuePair<string, TValue>[] items) => _items = items;

    public int Count => _items.Length;

    public bool IsEmpty => _items.Length == 0;

    public IEnumerable<string> Keys => _items.Select(i => i.Key);

    public IEnumerable<TValue> Values => _items.Select(i => i.Value);

    public TValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"'{key}' is not in the map");

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out TValue value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? _items[index].Value : default;
        return index >= 0;
    }

    /// <summary>A map with <paramref name="key"/> set to <paramref name="value"/> (replaced in place, or appended).</summary>
    public SmallDictionary<TValue> SetItem(string key, TValue value)
    {
        ArgumentNullException.ThrowIfNull(key);
        var index = IndexOf(key);
        KeyValuePair<string, TValue>[] items;
        if (index >= 0)
        {
            items = (KeyValuePair<string, TValue>[])_items.Clone();
            items[index] = new(_items[index].Key, value);
        }
        else
        {
            items = new KeyValuePair<string, TValue>[_items.Length + 1];
            _items.CopyTo(items, 0);
            items[^1] = new(key, value);
        }

        return new SmallDictionary<TValue>(items);
    }

    /// <summary>A map without <paramref name="key"/>; this one when it was not there.</summary>
    public SmallDictionary<TValue> Remove(string key)
    {
        var index = IndexOf(key);
        if (index < 0)
        {
            return this;
        }

        if (_items.Length == 1)
        {
            return Empty;
        }

        var items = new KeyValuePair<string, TValue>[_items.Length - 1];
        Array.Copy(_items, 0, items, 0, index);
        Array.Copy(_items, index + 1, items, index, _items.Length - index - 1);
        return new SmallDictionary<TValue>(items);
    }

    public IEnumerator<KeyValuePair<string, TValue>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, TValue>>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = 0; i < _items.Length; i++)
        {
            if (string.Equals(_items[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
