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
    /// characters then <c>…</c>, control and invisible characters (line breaks, zero-width and bidi controls included)
    /// replaced by <c>?</c>, so a log line shows that they were there and cannot be reordered by them; "" for null.
    /// </summary>
    public static string Excerpt(string? value)
    {
        if (value is null)
        {
            return "";
        }

        var builder = new StringBuilder(Math.Min(value.Length, ExcerptLength) + 1);
        foreach (var rune in value.EnumerateRunes())
        {
            if (builder.Length >= ExcerptLength)
            {
                builder.Append('…');
                break;
            }

            if (Rune.IsControl(rune) || IsInvisible(rune))
            {
                builder.Append('?');
            }
            else
            {
                builder.Append(rune.ToString());
            }
        }

        return builder.ToString();
    }

    /// <summary>
    /// Whether <paramref name="value"/> can stand as a node identity (a host name or certname): see
    /// <see cref="IdentityProblem"/>.
    /// </summary>
    public static bool IsSafeIdentity(string value) => IdentityProblem(value) is null;

    /// <summary>
    /// Why <paramref name="value"/> cannot stand as a node identity, in words with the code point, or null when it can.
    /// An identity is a key: two that look the same must be the same, so besides empty text, white space, control
    /// characters and the markup and quoting characters <c>&lt; &gt; " ' ` \ &amp;</c>, anything invisible is refused:
    /// zero-width characters, bidi controls, other format (Cf) characters and the rest of Unicode's default-ignorable
    /// code points. No host name or certname contains any of them.
    /// </summary>
    public static string? IdentityProblem(string value)
    {
        if (value.Length == 0)
        {
            return "nothing (it is empty)";
        }

        foreach (var rune in value.EnumerateRunes())
        {
            var problem = rune.Value switch
            {
                // EnumerateRunes stands U+FFFD in for a lone surrogate; neither is text a host name holds.
                0xFFFD => "a replacement character or a lone surrogate",
                0x200B or 0x200C or 0x200D or 0x2060 or 0xFEFF => "a zero-width character",
                0x200E or 0x200F or 0x061C or (>= 0x202A and <= 0x202E) or (>= 0x2066 and <= 0x2069) => "a bidirectional text control",
                '<' or '>' or '"' or '\'' or '`' or '\\' or '&' => "a markup or quoting character",
                _ when Rune.IsControl(rune) => "a control character",
                _ when Rune.IsWhiteSpace(rune) => "white space",
                _ when IsInvisible(rune) => "an invisible format character",
                _ => null,
            };
            if (problem is not null)
            {
                return $"{problem} ({CodePoint(rune)})";
            }
        }

        return null;
    }

    /// <summary>
    /// Characters that show as nothing: format characters (Unicode category Cf: zero-width, bidi controls, soft hyphen,
    /// tags…) and the other default-ignorable code points (variation selectors, Hangul fillers, the combining grapheme
    /// joiner).
    /// </summary>
    public static bool IsInvisible(Rune rune) =>
        Rune.GetUnicodeCategory(rune) == System.Globalization.UnicodeCategory.Format
        || rune.Value is 0x034F or 0x115F or 0x1160 or 0x17B4 or 0x17B5 or 0x3164 or 0xFFA0
            or (>= 0x180B and <= 0x180F) or (>= 0xFE00 and <= 0xFE0F) or (>= 0xFFF0 and <= 0xFFF8) or (>= 0xE0000 and <= 0xE0FFF);

    private static string CodePoint(Rune rune) =>
        rune.Value is >= 0x21 and <= 0x7E ? $"'{(char)rune.Value}'" : $"U+{rune.Value:X4}";

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
