using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace ChoriaDashboard.Components.Layout;

/// <summary>
/// The dashboard's palettes (<see cref="DashboardTheme"/>) as one static stylesheet for both schemes, served once at
/// <see cref="Path"/> and cached by the browser, in place of a <c>MudThemeProvider</c> in every circuit (which kept its
/// ~12 KB <c>&lt;style&gt;</c> string in each tab's render tree, twice). MudBlazor writes the CSS: its provider is rendered
/// once per scheme by Blazor's <see cref="HtmlRenderer"/> when first asked for, and its rules that differ (the palette
/// variables on <c>:root</c>) are scoped to <c>:root[data-theme=dark]</c> and <c>:root[data-theme=light]</c>, the
/// attribute <c>wwwroot/theme.js</c> sets before the first paint; the rules both share are written once. None applies
/// while the wallboard is shown (it has its own palette, wall.css), as before, when only the main layout had a provider.
/// </summary>
public sealed partial class ThemeStylesheet(IServiceProvider services, ILoggerFactory loggerFactory)
{
    /// <summary>Where the app serves it, under the app's base (linked relative to <c>&lt;base href&gt;</c>).</summary>
    public const string Path = "/theme.css";

    private readonly Lazy<Task<ThemeCss>> _css = new(() => BuildAsync(services, loggerFactory, DashboardTheme.Theme));

    /// <summary>The stylesheet, built on the first call and the same object after.</summary>
    public Task<ThemeCss> GetAsync() => _css.Value;

    /// <summary>The stylesheet for <paramref name="theme"/>: both schemes' rules, each under its <c>data-theme</c> selector.</summary>
    public static async Task<ThemeCss> BuildAsync(IServiceProvider services, ILoggerFactory loggerFactory, MudTheme theme)
    {
        // The provider injects scoped services (as in a circuit); it is never interactive here, so none of its script runs.
        await using var scope = services.CreateAsyncScope();
        await using var renderer = new HtmlRenderer(scope.ServiceProvider, loggerFactory);
        var rules = new Dictionary<string, List<string>>();
        foreach (var scheme in new[] { "light", "dark" })
        {
            var html = await renderer.Dispatcher.InvokeAsync(async () =>
            {
                var output = await renderer.RenderComponentAsync<MudThemeProvider>(ParameterView.FromDictionary(new Dictionary<string, object?>
                {
                    [nameof(MudThemeProvider.Theme)] = theme,
                    [nameof(MudThemeProvider.IsDarkMode)] = scheme == "dark",
                }));
                return output.ToHtmlString();
            });
            rules[scheme] = [.. StyleElement().Matches(html).SelectMany(style => Rules(WebUtility.HtmlDecode(style.Groups[1].Value)))];
        }

        // What both schemes share (the scrollbars, the chart hover) once; the palettes under their scheme.
        var css = new StringBuilder("/* MudBlazor's theme (MudThemeProvider) for the dashboard's palettes (DashboardTheme), both schemes. */\n");
        foreach (var rule in rules["light"].Intersect(rules["dark"]))
        {
            css.Append(Scope(rule, ":root" + NotOnTheWall)).Append('\n');
        }

        foreach (var (scheme, own) in rules)
        {
            foreach (var rule in own.Except(rules[scheme == "light" ? "dark" : "light"]))
            {
                css.Append(Scope(rule, $":root[data-theme={scheme}]{NotOnTheWall}")).Append('\n');
            }
        }

        var text = css.ToString();
        return new ThemeCss(text, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]);
    }

    /// <summary>Not while the wallboard is shown: it has its own palette (wall.css) and never had MudBlazor's theme.</summary>
    private const string NotOnTheWall = ":not(:has(.wall))";

    /// <summary>The top-level rules of <paramref name="css"/>, each as <c>selectors{declarations}</c> with the spacing trimmed.</summary>
    private static IEnumerable<string> Rules(string css) =>
        Rule().Matches(Comment().Replace(css, "")).Select(r => $"{string.Join(',', r.Groups[1].Value.Split(',').Select(s => s.Trim()))}{{{r.Groups[2].Value.Trim()}}}");

    /// <summary>
    /// <paramref name="rule"/> with each selector under <paramref name="root"/> (a selector of the root element): <c>:root</c>
    /// and <c>html</c> become it; a global pseudo-element (the scrollbars) applies to it and what is in it; anything else
    /// applies in it.
    /// </summary>
    private static string Scope(string rule, string root)
    {
        var open = rule.IndexOf('{', StringComparison.Ordinal);
        var selectors = rule[..open].Split(',').SelectMany<string, string>(s =>
            s.StartsWith(":root", StringComparison.Ordinal) ? [root + s[":root".Length..]]
            : s == "html" || s.StartsWith("html:", StringComparison.Ordinal) || s.StartsWith("html ", StringComparison.Ordinal) ? [root + s["html".Length..]]
            : s.StartsWith("::", StringComparison.Ordinal) ? [root + s, root + " " + s]
            : [root + " " + s]);
        return string.Join(',', selectors) + rule[open..];
    }

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@"([^{}]+)\{([^{}]*)\}")]
    private static partial Regex Rule();

    [GeneratedRegex(@"/\*.*?\*/", RegexOptions.Singleline)]
    private static partial Regex Comment();
}

/// <summary>The theme stylesheet's text (UTF-8 CSS) and a short hash of it (16 hex digits), its ETag and cache-busting version.</summary>
public sealed record ThemeCss(string Text, string Version);
