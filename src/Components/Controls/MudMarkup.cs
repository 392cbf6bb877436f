using System.Collections.Frozen;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace ChoriaDashboard.Components.Controls;

/// <summary>
/// MudBlazor's look for static pieces (text, chips, icons, papers, grid cells) as plain elements with MudBlazor's own
/// CSS classes, for the parts of a page that repeat per component, version or row and never take input. A MudBlazor
/// component is an object per circuit with two render trees (its current and previous frames) and more: on the overview
/// about 2.5 KB each, times every chip of every component card in every open tab. Plain elements live in their parent's
/// render tree and cost a few frames. The class lists follow what MudBlazor 9 renders (<c>MudText</c>,
/// <c>MudChip</c>, <c>MudIcon</c>, <c>MudPaper</c>, <c>MudItem</c>), so the theme styles them the same; anything
/// interactive stays a MudBlazor component. See docs/benchmarks.md, "Server memory per open tab".
/// </summary>
public static class MudMarkup
{
    /// <summary>
    /// The classes of <c>MudText</c>: <c>mud-typography mud-typography-{typo}</c>, then <c>mud-{color}-text</c> unless
    /// <see cref="Color.Default"/> or <see cref="Color.Inherit"/>, then <paramref name="extra"/>. The element is the
    /// caller's (MudText uses h1–h6 for headings, <c>p</c> for body text, <c>span</c> for captions and overlines).
    /// </summary>
    public static string Text(Typo typo, Color color = Color.Default, string? extra = null) =>
        Join($"mud-typography mud-typography-{Css(typo)}", TextColor(color), extra);

    /// <summary>
    /// The classes of a <c>MudChip</c>'s inner element (<c>mud-chip mud-chip-{variant} mud-chip-size-{size}
    /// mud-chip-color-{color}</c>); its content goes in a <c>span.mud-chip-content</c>, the whole in a
    /// <c>div.mud-chip-container</c>.
    /// </summary>
    public static string Chip(Color color, Variant variant = Variant.Filled, Size size = Size.Medium, string? extra = null) =>
        Join($"mud-chip mud-chip-{Css(variant)} mud-chip-size-{Css(size)} mud-chip-color-{Css(color)}", extra);

    /// <summary>
    /// The classes of a <c>MudButton</c> (<c>mud-button-root mud-button mud-button-{variant}
    /// mud-button-{variant}-{color} mud-button-{variant}-size-{size} mud-ripple</c>), for a plain <c>button</c> whose
    /// click the page handles; a start icon goes in a <c>span.mud-button-icon-start</c> inside <c>span.mud-button-label</c>.
    /// </summary>
    public static string Button(Variant variant, Color color, Size size = Size.Medium, string? extra = null)
    {
        var look = $"mud-button-{Css(variant)}";
        return Join($"mud-button-root mud-button {look} {look}-{Css(color)} {look}-size-{Css(size)} mud-ripple", extra);
    }

    /// <summary>The classes of <c>MudPaper</c>: <c>mud-paper mud-elevation-{elevation}</c>, then <paramref name="extra"/>.</summary>
    public static string Paper(int elevation, string? extra = null) => Join($"mud-paper mud-elevation-{elevation}", extra);

    /// <summary>
    /// A <c>MudIcon</c> as markup: an <c>svg</c> of 24 × 24 user units holding <paramref name="icon"/> (one of
    /// MudBlazor's <c>Icons.*</c> constants: trusted SVG children, never text from the fleet), hidden from screen readers
    /// (the words beside it say what it means). <paramref name="extra"/> adds classes (e.g. <c>mud-chip-icon</c>, a chip's
    /// leading icon); <paramref name="icon"/> is written as markup and must be a MudBlazor constant, never text from the fleet.
    /// </summary>
    public static RenderFragment Icon(string icon, Color color = Color.Default, Size size = Size.Medium, string? extra = null) => builder =>
    {
        // The attributes go through the renderer (encoded); only the icon's SVG children are markup, as in MudIcon.
        builder.OpenElement(0, "svg");
        builder.AddAttribute(1, "class", Join($"mud-icon-root mud-svg-icon mud-icon-size-{Css(size)}", color == Color.Default ? "mud-icon-default" : TextColor(color), extra));
        builder.AddAttribute(2, "focusable", "false");
        builder.AddAttribute(3, "viewBox", "0 0 24 24");
        builder.AddAttribute(4, "aria-hidden", "true");
        builder.AddMarkupContent(5, icon);
        builder.CloseElement();
    };

    private static string? TextColor(Color color) =>
        color is Color.Default or Color.Inherit ? null : $"mud-{Css(color)}-text";

    /// <summary>
    /// The CSS word MudBlazor uses for an enum value: its name in lower case (<c>Color.Success</c> → <c>success</c>,
    /// <c>Typo.body2</c> → <c>body2</c>, <c>Variant.Outlined</c> → <c>outlined</c>, <c>Size.Small</c> → <c>small</c>),
    /// which is what MudBlazor's own (internal) description strings are for these four enums. Computed once per value.
    /// </summary>
    private static string Css<T>(T value)
        where T : struct, Enum => Words<T>.Of.TryGetValue(value, out var word) ? word : value.ToString().ToLowerInvariant();

    private static class Words<T>
        where T : struct, Enum
    {
        public static readonly FrozenDictionary<T, string> Of =
            Enum.GetValues<T>().Distinct().ToFrozenDictionary(v => v, v => v.ToString().ToLowerInvariant());
    }

    private static string Join(string classes, string? more, string? extra = null) =>
        (more, extra) switch
        {
            (null, null) => classes,
            (null, _) => $"{classes} {extra}",
            (_, null) => $"{classes} {more}",
            _ => $"{classes} {more} {extra}",
        };
}
