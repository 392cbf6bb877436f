using System.Text.Json;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The wallboard in a real browser against the real app and broker, at 1080p and 4K: it fits the screen, its numbers
/// are large, nodes turn dead on it within seconds of their threshold, and it says when its numbers are not current.
/// One app and one broker of its own (the broker is stopped by a test) for the class, with second-long thresholds.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WallBoardTests(BrowserFixture browser) : IAsyncLifetime
{
    private static readonly LocatorAssertionsToContainTextOptions Within20s = new() { Timeout = 20_000 };
    private static readonly string[] Versions = ["0.29.3", "0.29.4", "0.29.10"];
    private static readonly string[] LiveNodes = [.. Enumerable.Range(1, 20).Select(i => Identity(i, "web"))];
    private static readonly string[] DoomedNodes = [.. Enumerable.Range(1, 11).Select(i => Identity(i, "gone"))];
    private readonly NatsServerFixture _nats = new();
    private readonly CancellationTokenSource _stop = new();
    private DashboardFactory _app = default!;
    private TestPublisher _publisher = default!;
    private Task _aliveLoop = Task.CompletedTask;

    public async Task InitializeAsync()
    {
        await _nats.InitializeAsync();
        _app = new DashboardFactory(_nats.Url, new Dictionary<string, string?>
        {
            ["Fleet:StaleAfter"] = "00:00:02",
            ["Fleet:DeadAfter"] = "00:00:04",
            ["Fleet:ForgetAfter"] = "00:10:00",
            ["Fleet:SweepInterval"] = "00:00:00.250",
        }, kestrel: true);
        _app.StartServer();
        using var http = _app.CreateClient();
        await WaitReadyAsync(http);

        _publisher = new TestPublisher(_nats.Url);
        for (var i = 0; i < LiveNodes.Length; i++)
        {
            await _publisher.PublishAsync(Startup(LiveNodes[i], Versions[i % 3]), (WireFormat)(i % 3));
        }

        foreach (var node in DoomedNodes)
        {
            await _publisher.PublishAsync(Startup(node, "0.29.3"), WireFormat.Legacy);
        }

        for (var i = 1; i <= 3; i++)
        {
            await _publisher.PublishAsync(Startup(Identity(i, "prov"), "0.29.4", ChoriaComponents.ProvisionModeServer), WireFormat.CloudEventStructured);
            await _publisher.PublishAsync(Shutdown(Identity(i, "prov"), ChoriaComponents.ProvisionModeServer), WireFormat.CloudEventStructured);
        }

        for (var i = 0; i < 6; i++)
        {
            await _publisher.PublishAsync(Nagios(LiveNodes[i], "check_httpd", 2 - (i % 3), $"HTTPD status {2 - (i % 3)}: response time {i * 3} s", "httpd"), WireFormat.CloudEventStructured);
        }

        await _publisher.FlushAsync();
        _aliveLoop = KeepAliveAsync(_stop.Token);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        await _aliveLoop;
        await _publisher.DisposeAsync();
        await _app.DisposeAsync();
        await _nats.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>The live part of the fleet: alives every half second, and a node restarting now and then for the ticker.</summary>
    private async Task KeepAliveAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        var round = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                try
                {
                    for (var i = 0; i < LiveNodes.Length; i++)
                    {
                        await _publisher.PublishAsync(Alive(LiveNodes[i], Versions[i % 3]), WireFormat.Legacy);
                    }

                    if (++round % 4 == 0)
                    {
                        var i = round / 4 % LiveNodes.Length;
                        await _publisher.PublishAsync(Startup(LiveNodes[i], Versions[i % 3]), WireFormat.CloudEventBinary);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // The broker is down (a test stopped it): the next round tries again.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public static TheoryData<int, int> Screens => new() { { 1920, 1080 }, { 3840, 2160 } };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Wall_EveryView_FitsTheScreenWithLargeNumbers(int width, int height)
    {
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var (name, query) in new[]
            {
                ("overview", "views=overview"),
                ("component", "views=component&components=server"),
                ("checks", "views=checks"),
                ("problems", "views=problems"),
                ("light", "views=overview&theme=light"),
            })
            {
                await page.GotoAsync(new Uri(_app.ServerAddress, "/wall?" + query).ToString());
                await Assertions.Expect(page.GetByTestId("wall-status")).ToContainTextAsync("DEAD", Within20s);
                await WaitInteractiveAsync(page);

                var layout = await MeasureAsync(page);
                var where = $"{name} at {width}x{height}";
                Assert.True(layout.ScrollHeight <= layout.ClientHeight, $"{where}: vertical scroll bar ({layout.ScrollHeight} > {layout.ClientHeight})");
                Assert.True(layout.ScrollWidth <= layout.ClientWidth, $"{where}: horizontal scroll bar ({layout.ScrollWidth} > {layout.ClientWidth})");
                Assert.True(layout.Clipped.Length == 0, $"{where}: outside the screen: {string.Join("; ", layout.Clipped)}");
                Assert.True(layout.Overflowing.Length == 0, $"{where}: cut off: {string.Join("; ", layout.Overflowing)}");
                Assert.NotEmpty(layout.NumberSizes);
                Assert.All(layout.NumberSizes, size => Assert.True(size >= 0.05 * height, $"{where}: a big number is {size}px, under 5% of {height}px"));

                await page.ScreenshotAsync(new() { Path = Screenshot($"wall-{name}-{width}x{height}.png") });
            }
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Wall_NodeFallsSilent_WholeScreenTurnsDeadWithinSecondsAndBackWhenItReturns()
    {
        const string component = "e2e_flip";
        var identity = Identity(1, "flip");
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(1920, 1080);
            await page.GotoAsync(new Uri(_app.ServerAddress, $"/wall?components={component}").ToString());
            await WaitInteractiveAsync(page);

            await _publisher.PublishAsync(Startup(identity, "1.0.0", component), WireFormat.CloudEventStructured);
            await _publisher.FlushAsync();
            await Assertions.Expect(page.GetByTestId("wall-status")).ToContainTextAsync("ALL GOOD", Within20s);
            await Assertions.Expect(page.GetByTestId("wall-ticker")).ToContainTextAsync("started", Within20s);

            // Silent past DeadAfter (4 s), judged by a sweep every 250 ms: dead on the board within seconds.
            await Assertions.Expect(page.GetByTestId("wall-status")).ToContainTextAsync("1 DEAD", Within20s);
            await Assertions.Expect(page.GetByTestId("wall")).ToHaveAttributeAsync("data-state", "dead");
            await Assertions.Expect(page.Locator($"[data-testid=problem-row][data-identity='{identity}']")).ToContainTextAsync("DEAD", Within20s);
            await Assertions.Expect(page.GetByTestId("wall-ticker")).ToContainTextAsync("DEAD", Within20s);

            await _publisher.PublishAsync(Startup(identity, "1.0.0", component), WireFormat.CloudEventStructured);
            await _publisher.FlushAsync();
            await Assertions.Expect(page.GetByTestId("wall-status")).ToContainTextAsync("ALL GOOD", Within20s);
            await Assertions.Expect(page.GetByTestId("wall")).ToHaveAttributeAsync("data-state", "good");
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    [Fact]
    public async Task Wall_BrokerStopped_SaysNotCurrentUntilItIsBack()
    {
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(1920, 1080);
            await page.GotoAsync(new Uri(_app.ServerAddress, "/wall").ToString());
            await WaitInteractiveAsync(page);
            await Assertions.Expect(page.GetByTestId("wall-not-current")).ToHaveCountAsync(0);

            await _nats.StopAsync();
            try
            {
                await Assertions.Expect(page.GetByTestId("wall-not-current")).ToContainTextAsync("NOT CURRENT", Within20s);
                await Assertions.Expect(page.GetByTestId("wall-status")).ToHaveTextAsync("NOT CURRENT");
                await page.ScreenshotAsync(new() { Path = Screenshot("wall-not-current-1920x1080.png") });
                var layout = await MeasureAsync(page);
                Assert.True(layout.Clipped.Length == 0, $"not current: outside the screen: {string.Join("; ", layout.Clipped)}");
            }
            finally
            {
                await _nats.StartAsync();
            }

            await Assertions.Expect(page.GetByTestId("wall-not-current")).ToHaveCountAsync(0, new() { Timeout = 30_000 });
            using var http = _app.CreateClient();
            await WaitReadyAsync(http);
        }
        finally
        {
            await page.CloseAsync();
        }
    }

    internal static async Task WaitReadyAsync(HttpClient http) =>
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(30), "the app to be ready");

    /// <summary>
    /// Waits until the page, marked before an app restart with <c>window.__beforeRestart</c>, has reloaded by itself
    /// (the mark is gone) and shows a board again.
    /// </summary>
    internal static async Task WaitReloadedAsync(IPage page, AppServerProcess app) =>
        await Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return await page.EvaluateAsync<bool>("() => window.__beforeRestart === undefined && document.querySelector('[data-testid=wall]') !== null");
                }
                catch (PlaywrightException)
                {
                    return false; // the page is in the middle of its reload
                }
            },
            TimeSpan.FromSeconds(45),
            $"the board to reload by itself after the restart; at {page.Url}; app log: {app.Log}");

    /// <summary>
    /// The board follows the fleet once its clock has moved twice. The prerendered page has a still clock; the first
    /// interactive render can already show a later second, but the board subscribes only after the browser acknowledged
    /// that render (OnAfterRender), at the same moment its clock starts ticking. A second move is a tick, so the board
    /// is subscribed and sees every piece of news published from now on.
    /// </summary>
    internal static async Task WaitInteractiveAsync(IPage page)
    {
        var clock = page.GetByTestId("wall-clock");
        for (var move = 0; move < 2; move++)
        {
            var shown = await clock.TextContentAsync();
            await Assertions.Expect(clock).Not.ToHaveTextAsync(shown ?? "", new() { Timeout = 20_000 });
        }
    }

    internal static string Screenshot(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ChoriaDashboard.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? AppContext.BaseDirectory, "artifacts", "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private const string MeasureScript = """
        () => {
            const se = document.scrollingElement, vw = innerWidth, vh = innerHeight;
            const clipped = [], overflowing = [], numberSizes = [];
            const name = el => (el.dataset.testid || el.className) + ' "' + el.textContent.trim().slice(0, 40) + '"';
            for (const el of document.querySelectorAll('[data-testid=wall-status], [data-testid=wall-clock], [data-testid=wall-age], [data-testid=wall-ticker], [data-testid=wall-tile], [data-testid=wall-not-current], .wall-count, .wall-panel, [data-testid=problem-row], [data-testid=check-row], [data-testid=wall-version], [data-testid=ticker-entry]')) {
                const r = el.getBoundingClientRect();
                if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) clipped.push(name(el));
            }
            for (const el of document.querySelectorAll('.wall-count-value')) {
                numberSizes.push(parseFloat(getComputedStyle(el).fontSize));
                if (el.scrollWidth > el.clientWidth + 1) overflowing.push(name(el));
            }
            for (const el of document.querySelectorAll('.wall-main, .wall-panel, .wall-tile, .wall-status, .wall-clock')) {
                if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) overflowing.push(name(el));
            }
            return { scrollHeight: se.scrollHeight, clientHeight: se.clientHeight, scrollWidth: se.scrollWidth, clientWidth: se.clientWidth, clipped, overflowing, numberSizes };
        }
        """;

    internal static async Task<Layout> MeasureAsync(IPage page)
    {
        var json = await page.EvaluateAsync<JsonElement>(MeasureScript);
        return json.Deserialize<Layout>(new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
    }

    internal sealed record Layout(int ScrollHeight, int ClientHeight, int ScrollWidth, int ClientWidth, string[] Clipped, string[] Overflowing, double[] NumberSizes);
}
