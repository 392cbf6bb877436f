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

    private static string[] Parts(string version) => version.Split('.', '-', '+');
}
