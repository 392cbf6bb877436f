namespace ChoriaDashboard.Fleet;

/// <summary>Orders version strings the way people read them: 0.29.10 after 0.29.9; unknown (null) first.</summary>
public sealed class VersionComparer : IComparer<string?>
{
    public static readonly VersionComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var xs = Parts(x);
        var ys = Parts(y);
        for (var i = 0; i < Math.Min(xs.Length, ys.Length); i++)
        {
            // Numeric parts compare as numbers and sort before text parts, so the order is consistent (transitive).
            var xNumeric = long.TryParse(xs[i], out var xn);
            var yNumeric = long.TryParse(ys[i], out var yn);
            var c = (xNumeric, yNumeric) switch
            {
                (true, true) => xn.CompareTo(yn),
                (true, false) => -1,
                (false, true) => 1,
                _ => string.CompareOrdinal(xs[i], ys[i]),
            };
            if (c != 0)
            {
                return c;
            }
        }

        return xs.Length.CompareTo(ys.Length);
    }

    /// <summary>Versions are few and sorted often: split each once, up to a bounded number of distinct versions.</summary>
    private const int MaxCachedVersions = 4096;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string[]> Split = new(StringComparer.Ordinal);

    private static string[] Parts(string version)
    {
        if (Split.TryGetValue(version, out var parts))
        {
            return parts;
        }

        parts = version.Split('.', '-', '+');
        if (Split.Count < MaxCachedVersions)
        {
            Split.TryAdd(version, parts);
        }

        return parts;
    }
}
