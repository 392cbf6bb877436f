namespace ChoriaDashboard.Fleet.Queries;

/// <summary>
/// Orders strings as people read numbered names: <c>web-2</c> before <c>web-10</c>. Runs of ASCII digits compare as
/// numbers (of any length, without parsing), everything else ordinally, character by character. A total order: names
/// equal as numbers but written differently (<c>web-02</c>, <c>web-2</c>) fall back to ordinal order.
/// </summary>
/// <remarks>
/// .NET's <c>CompareOptions.NumericOrdering</c> needs ICU, and this app runs with invariant globalization; no natural
/// sort package is served here, so this is the small comparer.
/// </remarks>
public sealed class NaturalStringComparer : IComparer<string?>
{
    public static readonly NaturalStringComparer Instance = new();

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

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var c = CompareNumbers(x, ref i, y, ref j);
                if (c != 0)
                {
                    return c;
                }

                continue;
            }

            if (x[i] != y[j])
            {
                return x[i].CompareTo(y[j]);
            }

            i++;
            j++;
        }

        var rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(x, y);
    }

    /// <summary>Compares the digit runs at <paramref name="i"/> and <paramref name="j"/> by value and moves past them.</summary>
    private static int CompareNumbers(string x, ref int i, string y, ref int j)
    {
        while (i < x.Length - 1 && x[i] == '0' && char.IsAsciiDigit(x[i + 1]))
        {
            i++;
        }

        while (j < y.Length - 1 && y[j] == '0' && char.IsAsciiDigit(y[j + 1]))
        {
            j++;
        }

        var xEnd = i;
        while (xEnd < x.Length && char.IsAsciiDigit(x[xEnd]))
        {
            xEnd++;
        }

        var yEnd = j;
        while (yEnd < y.Length && char.IsAsciiDigit(y[yEnd]))
        {
            yEnd++;
        }

        // Without leading zeros, a longer run is a larger number; runs of the same length compare digit by digit.
        var c = (xEnd - i).CompareTo(yEnd - j);
        if (c == 0)
        {
            c = string.CompareOrdinal(x, i, y, j, xEnd - i);
        }

        i = xEnd;
        j = yEnd;
        return c;
    }
}
