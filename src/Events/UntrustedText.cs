using System.Text;

namespace ChoriaDashboard.Events;

/// <summary>
/// The one place that shapes text from the wire before it is kept or logged: bounded cuts that never split a
/// surrogate pair, and short printable excerpts for logs and rejection details. Rendering is Blazor's job (it encodes
/// every string), so nothing here escapes markup.
/// </summary>
public static class UntrustedText
{
    /// <summary>Longest excerpt, in characters, before the ellipsis.</summary>
    public const int ExcerptLength = 64;

    /// <summary>
    /// Cuts <paramref name="value"/> to at most <paramref name="limit"/> characters (UTF-16 code units), marking the
    /// cut with <c>…</c> and never splitting a surrogate pair. Shorter values are returned as they are.
    /// </summary>
    public static string Truncate(string value, int limit)
    {
        if (value.Length <= limit)
        {
            return value;
        }

        if (limit <= 1)
        {
            return limit == 1 && !char.IsHighSurrogate(value[0]) ? value[..1] : "";
        }

        var keep = limit - 1;
        if (char.IsHighSurrogate(value[keep - 1]))
        {
            keep--;
        }

        return string.Concat(value.AsSpan(0, keep), "…");
    }

    /// <summary>
    /// A short, single-line, printable excerpt for logs and rejection details: at most <see cref="ExcerptLength"/>
    /// characters then <c>…</c>, control characters (line breaks included) replaced by <c>?</c>; "" for null.
    /// </summary>
    public static string Excerpt(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var builder = new StringBuilder(Math.Min(value.Length, ExcerptLength) + 1);
        foreach (var c in value)
        {
            if (builder.Length >= ExcerptLength)
            {
                builder.Append('…');
                break;
            }

            builder.Append(char.IsControl(c) ? '?' : c);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Whether <paramref name="value"/> can stand as a node identity (a host name or certname): non-empty, no control
    /// characters, no white space, and none of the markup and quoting characters <c>&lt; &gt; " ' ` \ &amp;</c>, which no
    /// host name or certname contains.
    /// </summary>
    public static bool IsSafeIdentity(string value)
    {
        if (value.Length == 0)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (char.IsControl(c) || char.IsWhiteSpace(c) || c is '<' or '>' or '"' or '\'' or '`' or '\\' or '&')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Whether <paramref name="value"/> holds a control character (line breaks and tabs included).</summary>
    public static bool HasControlCharacter(string value)
    {
        foreach (var c in value)
        {
            if (char.IsControl(c))
            {
                return true;
            }
        }

        return false;
    }
}
