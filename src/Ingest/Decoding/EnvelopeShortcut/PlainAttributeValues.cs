using System.Numerics;

namespace ChoriaDashboard.Ingest.Decoding;

/// <summary>
/// Recognises, without allocating, the plain CloudEvents attribute values Choria sends: an <c>id</c> or
/// <c>subject</c> of printable ASCII, and a <c>time</c> of the form <c>2024-06-10T06:18:20.001Z</c>. Every value these
/// accept, the CloudEvents SDK's own attribute definitions accept too (its string rule forbids only control
/// characters, noncharacters and broken surrogate pairs; its timestamp rule is RFC 3339 with at least seconds). They
/// answer false for anything else, which then goes to the SDK, so they can only save work, never change an answer.
/// </summary>
internal static class PlainAttributeValues
{
    /// <summary>A non-empty run of printable ASCII (0x20 to 0x7E).</summary>
    public static bool IsPlainString<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (value.IsEmpty)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (c < T.CreateTruncating(0x20) || c > T.CreateTruncating(0x7E))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss</c>, optionally a fraction of one or more digits, then <c>Z</c>; a real date (year 1 or
    /// later) and time (no leap second).
    /// </summary>
    public static bool IsPlainUtcTimestamp<T>(ReadOnlySpan<T> value)
        where T : unmanaged, IBinaryInteger<T>
    {
        if (value.Length < 20 || value[^1] != T.CreateTruncating('Z')
            || value[4] != T.CreateTruncating('-') || value[7] != T.CreateTruncating('-') || value[10] != T.CreateTruncating('T')
            || value[13] != T.CreateTruncating(':') || value[16] != T.CreateTruncating(':'))
        {
            return false;
        }

        if (!Number(value, 0, 4, out var year) || !Number(value, 5, 2, out var month) || !Number(value, 8, 2, out var day)
            || !Number(value, 11, 2, out var hour) || !Number(value, 14, 2, out var minute) || !Number(value, 17, 2, out var second))
        {
            return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        if (value.Length == 20)
        {
            return true;
        }

        // A fraction: a dot and at least one digit, up to the Z.
        return value[19] == T.CreateTruncating('.') && value.Length > 21 && Number(value, 20, value.Length - 21, out _, limit: false);
    }

    private static bool Number<T>(ReadOnlySpan<T> value, int start, int length, out int number, bool limit = true)
        where T : unmanaged, IBinaryInteger<T>
    {
        number = 0;
        foreach (var c in value.Slice(start, length))
        {
            var digit = int.CreateTruncating(c) - '0';
            if ((uint)digit > 9)
            {
                return false;
            }

            if (limit)
            {
                number = (number * 10) + digit;
            }
        }

        return true;
    }
}
