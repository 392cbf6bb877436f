using ChoriaDashboard.Components.Layout;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The overview and the node list as an admin uses them: links that reproduce a view, the CSV export, the theme, hostile
/// strings; and screenshots of both pages, light and dark, at 1920x1080 and 3840x2160 (<c>artifacts/screenshots/</c>).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class OverviewAndNodesTests(BrowserFixture browser, NatsServerFixture nats) : IAsyncLifetime
{
    private const string Hostile = "<img src=x onerror=\"window.__xss=1\">";
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToContainTextOptions WaitContains = new() { Timeout = 20_000 };
    private DashboardFactory _app = default!;
    private TestPublisher _publisher = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        // Sampled every second, so the charts have points within the test.
        _app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Fleet:SeriesInterval"] = "00:00:01" }, kestrel: true);
        _app.StartServer();
        using var http = _app.CreateClient();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the app to be ready");
        _publisher = new TestPublisher(nats.Url);
        await PublishFleetAsync();
        _page = await browser.Context.NewPageAsync();
        await _page.GotoAsync(Url("/"));
        await SetThemeAsync("system"); // the browser profile is shared: start every test from the default
    }

    public async Task DisposeAsync()
    {
        await SetThemeAsync("system");
        await _page.CloseAsync();
        await _publisher.DisposeAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A small site: servers on three versions (one a rollout in progress), a provisioner, stopped nodes, checks, a hostile version.</summary>
    private async Task PublishFleetAsync()
    {
        for (var i = 1; i <= 24; i++)
        {
            var version = i <= 14 ? "0.29.4" : i <= 20 ? "0.29.3" : "0.28.0";
            await _publisher.PublishAsync(Startup($"web-{i}.example.net", version), (WireFormat)(i % 3));
        }

        await _publisher.PublishAsync(Startup("prov-1.example.net", "0.9.0", ChoriaComponents.Provisioner), WireFormat.CloudEventStructured);
        await _publisher.PublishAsync(Startup("evil-1.example.net", Hostile), WireFormat.Legacy);
        await _publisher.PublishAsync(Shutdown("web-22.example.net"), WireFormat.CloudEventBinary);
        await _publisher.PublishAsync(Shutdown("web-3.example.net"), WireFormat.Legacy);
        await _publisher.PublishAsync(Upgraded("web-16.example.net", "0.29.3", "0.29.4", ChoriaComponents.Server), WireFormat.Legacy);
        await _publisher.PublishAsync(Nagios("web-1.example.net", "check_disk", 0, "DISK OK"), WireFormat.CloudEventBinary);
        await _publisher.PublishAsync(Nagios("web-2.example.net", "check_disk", 2, "DISK CRITICAL: / 99% " + Hostile), WireFormat.CloudEventBinary);
        await _publisher.PublishAsync(Nagios("web-5.example.net", "check_load", 1, "LOAD WARNING"), WireFormat.CloudEventStructured);
        await _publisher.FlushAsync();
    }

    private string Url(string path) => new Uri(_app.ServerAddress, path).ToString();

    private async Task SetThemeAsync(string mode)
    {
        // The switch works once the circuit runs and the layout has read the remembered choice.
        await Assertions.Expect(_page.GetByTestId("theme-switch")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });
        await _page.GetByTestId($"theme-{mode}").ClickAsync();
        await Assertions.Expect(_page.GetByTestId($"theme-{mode}")).ToHaveAttributeAsync("aria-pressed", "true");
    }

    private async Task WaitForFleetAsync() =>
        await Assertions.Expect(_page.GetByTestId("total-live")).ToHaveTextAsync("24", Wait);

    [Fact]
    public async Task Overview_CountLink_OpensTheNodeListItNamesAndTheLinkReproducesIt()
    {
        await WaitForFleetAsync();
        var server = _page.GetByTestId("component-server");
        await Assertions.Expect(server.GetByTestId("newest-version")).ToHaveTextAsync("0.29.4", Wait);
        // Nodes on 0.29.3 and 0.28.0 (web-16 announced its upgrade but still runs 0.29.3); the hostile version is not semantic.
        await Assertions.Expect(server.GetByTestId("outdated-count")).ToContainTextAsync("11", WaitContains);

        await server.GetByTestId("outdated-count").ClickAsync();

        await Assertions.Expect(_page).ToHaveURLAsync(Url("/nodes?component=server&outdated=true"));
        var rows = _page.GetByTestId("node-row");
        await Assertions.Expect(rows).ToHaveCountAsync(11, new() { Timeout = 20_000 });
        var shown = await IdentitiesAsync();

        // The same URL in a fresh tab shows the same rows in the same order.
        var other = await browser.Context.NewPageAsync();
        try
        {
            await other.GotoAsync(_page.Url);
            await Assertions.Expect(other.GetByTestId("node-row")).ToHaveCountAsync(11, new() { Timeout = 20_000 });
            Assert.Equal(shown, await other.GetByTestId("node-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.identity)"));
        }
        finally
        {
            await other.CloseAsync();
        }

        // Stopped first, then live; numbered identities in natural order.
        Assert.Equal(["web-22.example.net", "evil-1.example.net"], shown.Take(2));
        var web = shown.Skip(2).ToArray();
        Assert.Equal(["web-15", "web-16", "web-17", "web-18", "web-19", "web-20", "web-21", "web-23", "web-24"], web.Select(i => i.Split('.')[0]));
    }

    private async Task<string[]> IdentitiesAsync() =>
        await _page.GetByTestId("node-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.identity)");

    [Fact]
    public async Task NodeList_CsvExport_DownloadsTheFilteredRows()
    {
        await _page.GotoAsync(Url("/nodes?version=0.28.0&sort=identity"));
        await Assertions.Expect(_page.GetByTestId("node-row")).ToHaveCountAsync(4, new() { Timeout = 20_000 });

        var download = await _page.RunAndWaitForDownloadAsync(() => _page.GetByTestId("export-csv").ClickAsync());

        Assert.Equal("nodes.csv", download.SuggestedFilename);
        var path = await download.PathAsync();
        var lines = (await File.ReadAllTextAsync(path)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("identity,component,version,upgradingTo,state,lastSeen,lastEvent,firstSeen,aliveEvery,aliveIntervals", lines[0]);
        Assert.Equal(["web-21.example.net", "web-22.example.net", "web-23.example.net", "web-24.example.net"], lines.Skip(1).Select(l => l.Split(',')[0]));
        Assert.All(lines.Skip(1), l => Assert.Equal("0.28.0", l.Split(',')[2]));
    }

    [Fact]
    public async Task Theme_PickedInTheAppBar_AppliesAndIsRememberedAcrossReload()
    {
        await WaitForFleetAsync();
        await SetThemeAsync("dark");
        await Assertions.Expect(_page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        var darkBackground = await BackgroundAsync();

        await SetThemeAsync("light");
        await Assertions.Expect(_page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        var lightBackground = await BackgroundAsync();
        Assert.NotEqual(darkBackground, lightBackground);

        await _page.ReloadAsync();
        await Assertions.Expect(_page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await Assertions.Expect(_page.GetByTestId("theme-light")).ToHaveAttributeAsync("aria-pressed", "true", new() { Timeout = 20_000 });
        Assert.Equal(lightBackground, await BackgroundAsync());

        await SetThemeAsync("dark");
        await _page.ReloadAsync();
        await Assertions.Expect(_page.GetByTestId("theme-dark")).ToHaveAttributeAsync("aria-pressed", "true", new() { Timeout = 20_000 });
        Assert.Equal(darkBackground, await BackgroundAsync());

        // A picked theme wins over the system's preference changing.
        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await Assertions.Expect(_page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal(darkBackground, await BackgroundAsync());
        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.NoPreference });
    }

    [Fact]
    public async Task Theme_System_FollowsTheBrowsersColourScheme()
    {
        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await _page.ReloadAsync();
        await Assertions.Expect(_page.GetByTestId("theme-switch")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });
        await Assertions.Expect(_page.GetByTestId("theme-system")).ToHaveAttributeAsync("aria-pressed", "true", new() { Timeout = 20_000 });
        await Assertions.Expect(_page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        var light = await BackgroundAsync();

        // The system switches while the page is open: the palette follows without a reload.
        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await Assertions.Expect(_page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark", new() { Timeout = 10_000 });
        await Eventually.TrueAsync(async () => await BackgroundAsync() != light, TimeSpan.FromSeconds(10), "the dark palette");

        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.NoPreference });
    }

    [Fact]
    public async Task Theme_WithoutACircuit_FirstPaintHasTheSystemsPaletteAndFollowsIt()
    {
        // The page as the browser first paints it, before any circuit (and with none at all: Blazor's script refused):
        // the palette comes from /theme.css and the scheme from theme.js alone.
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.RouteAsync("**/_framework/blazor.web.js", route => route.AbortAsync());
            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
            await page.GotoAsync(Url("/"));
            Assert.Equal(Rgb(DashboardTheme.Theme.PaletteLight.Background), await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
            Assert.Equal(0, await page.Locator("style").CountAsync());

            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark", new() { Timeout = 10_000 });
            Assert.Equal(Rgb(DashboardTheme.Theme.PaletteDark.Background), await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));

            await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light", new() { Timeout = 10_000 });
            Assert.Equal(Rgb(DashboardTheme.Theme.PaletteLight.Background), await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor"));
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    /// <summary>A palette colour as the browser computes it: <c>rgb(r, g, b)</c>.</summary>
    private static string Rgb(MudBlazor.Utilities.MudColor colour) => $"rgb({colour.R}, {colour.G}, {colour.B})";

    private Task<string> BackgroundAsync() =>
        _page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

    [Fact]
    public async Task HostileVersionAndCheckOutput_RenderLiterallyOnOverviewAndNodes()
    {
        await WaitForFleetAsync();
        var server = _page.GetByTestId("component-server");
        await Assertions.Expect(server.GetByTestId("version-row").Last).ToContainTextAsync(Hostile, WaitContains);
        await Assertions.Expect(_page.GetByTestId("notable")).ToContainTextAsync(Hostile, WaitContains);
        Assert.Equal(0, await _page.Locator(".mud-main-content img").CountAsync());

        await _page.GotoAsync(Url("/nodes?q=evil"));
        await Assertions.Expect(_page.Locator("[data-testid=node-row][data-identity='evil-1.example.net']")).ToContainTextAsync(Hostile, WaitContains);
        Assert.Equal(0, await _page.Locator("table img").CountAsync());
        Assert.True(await _page.EvaluateAsync<bool>("() => window.__xss === undefined"));
    }

    [Fact]
    public async Task TrendCharts_DrawnInTheBrowser_LegendNamesTheLines_ThemeSwitchKeepsOneChart()
    {
        var errors = new List<string>();
        _page.Console += (_, m) =>
        {
            if (m.Type == "error")
            {
                errors.Add(m.Text);
            }
        };
        await _page.GotoAsync(Url("/"));
        await WaitForFleetAsync();

        // uPlot's canvas in the states chart, its legend naming the three lines, the newest values in words below.
        var states = _page.GetByTestId("trend-states");
        await Assertions.Expect(states.Locator(".trend-plot canvas")).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(states.Locator(".u-legend")).ToContainTextAsync("live");
        await Assertions.Expect(states.Locator(".u-legend")).ToContainTextAsync("dead");
        await Assertions.Expect(_page.GetByTestId("trend-states-latest")).ToContainTextAsync("Now: live ");
        await Assertions.Expect(_page.GetByTestId("trend-versions-server").Locator(".trend-plot canvas")).ToHaveCountAsync(1);
        var width = await states.Locator(".trend-plot canvas").EvaluateAsync<double>("c => c.getBoundingClientRect().width");
        var box = await states.Locator(".trend-plot").EvaluateAsync<double>("e => e.getBoundingClientRect().width");
        Assert.True(width > 100 && width <= box + 1, $"the chart should fill its box without overflowing it: canvas {width:0} px, box {box:0} px");

        // A theme switch redraws the chart (one canvas, not two) and the page logs no script error.
        await SetThemeAsync(await BackgroundAsync() == "rgb(255, 255, 255)" ? "dark" : "light");
        await Assertions.Expect(states.Locator(".trend-plot canvas")).ToHaveCountAsync(1);
        await Assertions.Expect(states.Locator(".u-legend")).ToContainTextAsync("live");
        Assert.True(errors.Count == 0, "the browser logged errors: " + string.Join(" | ", errors));

        // The hostile version name is a legend entry as text, never markup.
        await Assertions.Expect(_page.GetByTestId("trend-versions-server").Locator(".u-legend")).ToContainTextAsync(Hostile);
        Assert.True(await _page.EvaluateAsync<bool>("() => window.__xss === undefined"));
    }

    [Fact]
    public async Task Screenshots_OverviewAndNodes_LightAndDark_AtHdAnd4K()
    {
        var folder = ScreenshotFolder();
        await WaitForFleetAsync();
        // Enough samples for the charts to draw lines.
        await Assertions.Expect(_page.GetByTestId("trend-states")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        foreach (var (width, height) in new[] { (1920, 1080), (3840, 2160) })
        {
            await _page.SetViewportSizeAsync(width, height);
            foreach (var theme in new[] { "light", "dark" })
            {
                await _page.GotoAsync(Url("/"));
                await SetThemeAsync(theme);
                await WaitForFleetAsync();
                await _page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"overview-{theme}-{width}x{height}.png"), FullPage = true });
                Assert.True(await _page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the overview scrolls sideways at {width}x{height} ({theme})");

                await _page.GotoAsync(Url("/nodes"));
                await Assertions.Expect(_page.GetByTestId($"theme-{theme}")).ToHaveAttributeAsync("aria-pressed", "true", new() { Timeout = 20_000 });
                await Assertions.Expect(_page.GetByTestId("node-row").First).ToBeVisibleAsync(new() { Timeout = 20_000 });
                await _page.ScreenshotAsync(new() { Path = Path.Combine(folder, $"nodes-{theme}-{width}x{height}.png") });
                Assert.True(await _page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), $"the node list scrolls sideways at {width}x{height} ({theme})");
            }
        }
    }

    /// <summary><c>artifacts/screenshots/</c> at the repository root (found by its solution file).</summary>
    private static string ScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ChoriaDashboard.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
