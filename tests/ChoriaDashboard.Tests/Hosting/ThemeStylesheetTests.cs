using System.Net;
using System.Text.RegularExpressions;
using ChoriaDashboard.Components.Layout;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;

namespace ChoriaDashboard.Tests.Hosting;

/// <summary>
/// The theme stylesheet through the real pipeline: the page links it with its version and carries no theme of its own;
/// it holds both schemes' palettes from <see cref="DashboardTheme"/> under their <c>data-theme</c> selectors, cacheable.
/// </summary>
[Collection(NatsCollection.Name)]
public sealed partial class ThemeStylesheetTests(NatsServerFixture nats)
{
    [Fact]
    public async Task ThemeCss_LinkedByThePage_HasBothPalettesAndIsCachedForAYear()
    {
        await using var app = new DashboardFactory(nats.Url, Unsecured());
        using var http = app.CreateClient();
        var page = await http.GetStringAsync(new Uri("/", UriKind.Relative));
        var link = ThemeLink().Match(page);
        Assert.True(link.Success, "the page does not link theme.css");
        Assert.DoesNotContain("<style", page, StringComparison.OrdinalIgnoreCase);

        using var response = await http.GetAsync(new Uri("/" + WebUtility.HtmlDecode(link.Groups[1].Value), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/css", response.Content.Headers.ContentType?.MediaType);
        var css = await response.Content.ReadAsStringAsync();
        Assert.Equal(DashboardTheme.Theme.PaletteLight.Background.ToString(), Variable(css, "light", "--mud-palette-background"));
        Assert.Equal(DashboardTheme.Theme.PaletteDark.Background.ToString(), Variable(css, "dark", "--mud-palette-background"));
        Assert.Equal(DashboardTheme.Theme.PaletteLight.AppbarBackground.ToString(), Variable(css, "light", "--mud-palette-appbar-background"));
        Assert.Equal(DashboardTheme.Theme.PaletteDark.Primary.ToString(), Variable(css, "dark", "--mud-palette-primary"));
        // Every selector is under the root, and not while the wallboard shows (it has its own palette and never had this).
        var selectors = Regex.Matches(Regex.Replace(css, @"/\*.*?\*/", "", RegexOptions.Singleline), @"([^{}]+)\{[^{}]*\}")
            .SelectMany(r => r.Groups[1].Value.Split(',')).Select(s => s.Trim()).ToList();
        Assert.NotEmpty(selectors);
        Assert.All(selectors, s => Assert.StartsWith(":root", s));
        Assert.All(selectors, s => Assert.Contains(":not(:has(.wall))", s));
        var cache = response.Headers.CacheControl;
        Assert.NotNull(cache);
        Assert.True(cache.Public);
        Assert.Equal(TimeSpan.FromDays(365), cache.MaxAge);
        Assert.Contains(cache.Extensions, e => e.Name == "immutable");
        Assert.NotNull(response.Headers.ETag);
    }

    [Fact]
    public async Task ThemeCss_RequestedAgainWithItsETag_IsNotModified()
    {
        await using var app = new DashboardFactory(nats.Url, Unsecured());
        using var http = app.CreateClient();
        using var first = await http.GetAsync(new Uri(ThemeStylesheet.Path, UriKind.Relative));
        Assert.True(first.Headers.CacheControl?.NoCache, "an unversioned request is revalidated");

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ThemeStylesheet.Path, UriKind.Relative));
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
    }

    /// <summary>The value <paramref name="name"/> has in the rule for <paramref name="scheme"/>, as written (colour as MudBlazor writes it).</summary>
    private static string? Variable(string css, string scheme, string name)
    {
        var rule = Regex.Match(css, $@":root\[data-theme={scheme}\][^{{,]*\{{([^}}]*)\}}");
        var value = Regex.Match(rule.Groups[1].Value, $@"(?:^|[;\s]){Regex.Escape(name)}\s*:\s*([^;]+);");
        return value.Success ? value.Groups[1].Value.Trim() : null;
    }

    private static Dictionary<string, string?> Unsecured() => new() { ["Auth:Mode"] = "Unsecured" };

    [GeneratedRegex(@"<link rel=""stylesheet"" href=""(theme\.css\?v=[^""]+)""")]
    private static partial Regex ThemeLink();
}
