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
/// once per scheme by Blazor's <see cref="HtmlRenderer"/> when first asked for, and its <c>:root</c> rules are scoped to
/// <c>:root[data-theme=dark]</c> and <c>:root[data-theme=light]</c>, the attribute <c>wwwroot/theme.js</c> sets before
/// the first paint. Neither applies while the wallboard is shown (it has its own palette, wall.css), as before, when only
/// the main layout had a provider.
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
        var css = new StringBuilder("/* MudBlazor's theme for the dashboard's palettes (DashboardTheme), both schemes. */\n");
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
            foreach (Match style in StyleElement().Matches(html))
            {
                css.Append(Scope(System.Net.WebUtility.HtmlDecode(style.Groups[1].Value), scheme)).Append('\n');
            }
        }

        var text = css.ToString();
        return new ThemeCss(text, Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16]);
    }

    /// <summary>
    /// <paramref name="rules"/> with every <c>:root</c> selector narrowed to <paramref name="scheme"/> on a page that is not
    /// the wallboard; the provider's rules name nothing else at the top (its variables are all on <c>:root</c>).
    /// </summary>
    private static string Scope(string rules, string scheme) =>
        RootSelector().Replace(rules, $":root[data-theme={scheme}]:not(:has(.wall))");

    [GeneratedRegex(@"<style[^>]*>(.*?)</style>", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex StyleElement();

    [GeneratedRegex(@":root\b")]
    private static partial Regex RootSelector();
}

/// <summary>The theme stylesheet's text (UTF-8 CSS) and a short hash of it (16 hex digits), its ETag and cache-busting version.</summary>
public sealed record ThemeCss(string Text, string Version);
