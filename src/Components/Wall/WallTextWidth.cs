using System.Globalization;

namespace ChoriaDashboard.Components.Wall;

/// <summary>
/// How wide the board's large text is, in em, so its stylesheet can size a count or the status band to fit its box:
/// <c>font-size: min(cap, box width / width in em)</c>. The widths are upper bounds for the bold system fonts an ops-room
/// screen may have (DejaVu Sans Bold, Debian's <c>system-ui</c>, has 0.70 em digits; Verdana Bold 0.71 em; Segoe UI,
/// Roboto, Helvetica and Arial are narrower), so the text fits whatever the font, at the price of a few per cent of size
/// on the narrower ones. Digits are tabular on the board, so a count's width depends on its length only.
/// </summary>
public static class WallTextWidth
{
    /// <summary>A digit, in em.</summary>
    public const double Digit = 0.72;

    /// <summary>The thousands separator (<c>,</c>) or a full stop, in em.</summary>
    public const double Separator = 0.4;

    /// <summary>A capital letter, in em (wide ones as M and W are rare in the board's words, and offset by the narrow ones).</summary>
    public const double Capital = 0.86;

    /// <summary>A space or the <c>·</c> between parts, in em.</summary>
    public const double Space = 0.4;

    /// <summary>The smallest width a row of counts is sized for: three digits, so 0 and 7 are not giant.</summary>
    public static readonly double MinimumCount = Em("000");

    /// <summary>
    /// The width of <paramref name="text"/> in em, with <paramref name="letterSpacing"/> (em) after each character;
    /// any other character counts as a capital.
    /// </summary>
    public static double Em(string text, double letterSpacing = 0)
    {
        var em = 0.0;
        foreach (var c in text)
        {
            em += letterSpacing + c switch
            {
                >= '0' and <= '9' => Digit,
                ',' or '.' => Separator,
                ' ' or '·' => Space,
                _ => Capital,
            };
        }

        return em;
    }

    /// <summary>
    /// The width in em of the widest of <paramref name="counts"/> as the board writes them (<c>250,000</c>: 4.72 em),
    /// at least <see cref="MinimumCount"/>: one size for a whole row of counts, so no column shrinks against another.
    /// </summary>
    public static double WidestCount(IEnumerable<int> counts) =>
        counts.Select(c => Em(DisplayFormat.Number(c))).DefaultIfEmpty(0).Max() is var widest && widest > MinimumCount ? widest : MinimumCount;

    /// <summary>An em width as a CSS number (<c>4.72</c>), whatever the server's culture.</summary>
    public static string Css(double em) => em.ToString("0.##", CultureInfo.InvariantCulture);
}
