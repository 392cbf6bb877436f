using System.Collections.Immutable;
using System.Globalization;
using ChoriaDashboard.Events;

namespace ChoriaDashboard.Components.Wall;

/// <summary>
/// How one board is set up, read from its link (<c>/wall?components=server&amp;views=overview,problems&amp;interval=20s</c>).
/// Parsing never fails: a value that cannot be used is replaced by its default and explained in <see cref="Notices"/>,
/// so a mistyped link still gives a board.
/// </summary>
public sealed record WallSettings
{
    /// <summary>Most components a link may name; further ones are ignored with a notice.</summary>
    public const int MaxComponents = 16;

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan DefaultPageInterval = TimeSpan.FromSeconds(10);
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(3);
    public static readonly TimeSpan MaxInterval = TimeSpan.FromHours(1);

    public static readonly WallSettings Default = Parse(null, null, null, null, null);

    /// <summary>The components the board shows, in the link's order; empty means every component in the fleet.</summary>
    public ImmutableArray<string> Components { get; init; } = [];

    /// <summary>The views the board rotates through, at least one, without repeats.</summary>
    public ImmutableArray<WallView> Views { get; init; } = [WallView.Overview];

    /// <summary>How long each view stays on screen.</summary>
    public TimeSpan Interval { get; init; } = DefaultInterval;

    /// <summary>How long each page of a list that does not fit stays on screen.</summary>
    public TimeSpan PageInterval { get; init; } = DefaultPageInterval;

    public WallTheme Theme { get; init; } = WallTheme.Dark;

    /// <summary>What in the link was ignored and why, as plain sentences for the board's notice line.</summary>
    public ImmutableArray<string> Notices { get; init; } = [];

    /// <summary>Reads the link's values (each may be null or anything a person typed).</summary>
    /// <param name="components">Comma-separated component names.</param>
    /// <param name="views">Comma-separated views: <c>overview</c>, <c>component</c> (one component at a time), <c>checks</c>, <c>problems</c>.</param>
    /// <param name="interval">How long each view shows: <c>20s</c>, <c>2m</c>, <c>1h</c>, or seconds.</param>
    /// <param name="theme"><c>dark</c> or <c>light</c>.</param>
    /// <param name="pageInterval">How long each page of a long list shows, like <paramref name="interval"/>.</param>
    public static WallSettings Parse(string? components, string? views, string? interval, string? theme, string? pageInterval)
    {
        var notices = ImmutableArray.CreateBuilder<string>();

        var names = ImmutableArray.CreateBuilder<string>();
        foreach (var name in Split(components))
        {
            if (name.Length > 255 || UntrustedText.HasControlCharacter(name))
            {
                notices.Add($"Ignored component \"{UntrustedText.Excerpt(name)}\": not a component name.");
            }
            else if (names.Count >= MaxComponents)
            {
                notices.Add($"Ignored component \"{name}\": at most {MaxComponents} components.");
            }
            else if (!names.Contains(name))
            {
                names.Add(name);
            }
        }

        var chosenViews = ImmutableArray.CreateBuilder<WallView>();
        foreach (var view in Split(views))
        {
            if (Enum.TryParse<WallView>(view, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !char.IsDigit(view[0]))
            {
                if (!chosenViews.Contains(parsed))
                {
                    chosenViews.Add(parsed);
                }
            }
            else
            {
                notices.Add($"Ignored view \"{UntrustedText.Excerpt(view)}\": use overview, component, checks or problems.");
            }
        }

        if (chosenViews.Count == 0)
        {
            chosenViews.Add(WallView.Overview);
        }

        var chosenTheme = WallTheme.Dark;
        if (!string.IsNullOrWhiteSpace(theme))
        {
            if (Enum.TryParse<WallTheme>(theme.Trim(), ignoreCase: true, out var t) && Enum.IsDefined(t) && !char.IsDigit(theme.Trim()[0]))
            {
                chosenTheme = t;
            }
            else
            {
                notices.Add($"Ignored theme \"{UntrustedText.Excerpt(theme)}\": use dark or light.");
            }
        }

        return new WallSettings
        {
            Components = names.ToImmutable(),
            Views = chosenViews.ToImmutable(),
            Interval = Duration("interval", interval, DefaultInterval, notices),
            PageInterval = Duration("page", pageInterval, DefaultPageInterval, notices),
            Theme = chosenTheme,
            Notices = notices.ToImmutable(),
        };
    }

    private static IEnumerable<string> Split(string? list) =>
        string.IsNullOrWhiteSpace(list) ? [] : list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary><c>500ms</c>, <c>20s</c>, <c>2m</c>, <c>1h</c>, or a number of seconds; between 3 s and 1 h.</summary>
    private static TimeSpan Duration(string key, string? text, TimeSpan fallback, ImmutableArray<string>.Builder notices)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        var s = text.Trim().ToLowerInvariant();
        var (number, unit) = s.EndsWith("ms", StringComparison.Ordinal) ? (s[..^2], 0.001)
            : s.EndsWith('s') ? (s[..^1], 1.0)
            : s.EndsWith('m') ? (s[..^1], 60.0)
            : s.EndsWith('h') ? (s[..^1], 3600.0)
            : (s, 1.0);
        if (double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && double.IsFinite(value)
            && value * unit >= MinInterval.TotalSeconds
            && value * unit <= MaxInterval.TotalSeconds)
        {
            return TimeSpan.FromSeconds(value * unit);
        }

        notices.Add($"Ignored {key} \"{UntrustedText.Excerpt(text)}\": use a duration from 3s to 1h, like 20s or 2m (showing {fallback.TotalSeconds:0}s).");
        return fallback;
    }
}
