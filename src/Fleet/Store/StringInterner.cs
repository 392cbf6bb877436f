namespace ChoriaDashboard.Fleet;

/// <summary>
/// Shares one copy of each distinct short string (components, versions, machine names) between the nodes that repeat
/// it, up to <c>Fleet:InternCacheSize</c> strings; beyond that, strings are kept as they came. Writer only.
/// </summary>
internal sealed class StringInterner(int capacity)
{
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);

    /// <summary>The shared copy of <paramref name="value"/>, or <paramref name="value"/> itself.</summary>
    public string Intern(string value)
    {
        if (_strings.TryGetValue(value, out var interned))
        {
            return interned;
        }

        if (_strings.Count < capacity)
        {
            _strings[value] = value;
        }

        return value;
    }
}
