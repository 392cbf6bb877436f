using System.Collections.Concurrent;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// Every page under the real Content-Security-Policy in Chromium: nothing refused (no <c>securitypolicyviolation</c>
/// event, no "Refused to" in the console, no script error), the circuit up over a WebSocket to the same origin, live
/// content on screen, and hostile event text shown as text.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserFixture browser, NatsServerFixture nats) : IAsyncLifetime
{
    private const string Node = "csp-1.example.net";

    /// <summary>Markup a check's output could carry; a script that ran would set <c>window.__xss</c>, or be refused by the policy.</summary>
    private const string Hostile = "<img src=x onerror=alert(1)><script>window.__xss=1</script> DISK CRITICAL";

    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = 20_000 };
    private readonly ConcurrentQueue<string> _webSockets = new();
    private DashboardFactory _app = default!;
    private TestPublisher _publisher = default!;
    private IPage _page = default!;
    private PolicyWatch _watch = default!;

    public async Task InitializeAsync()
    {
        // About the hardened surface, not sign-in: the pages open without signing in.
        _app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Auth:Mode"] = "Unsecured" }, kestrel: true);
        _app.StartServer();
        using var http = _app.CreateClient();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the app to be ready");
        _publisher = new TestPublisher(nats.Url);
        await _publisher.PublishAsync(Startup(Node, "0.29.4"), WireFormat.CloudEventStructured);
        await _publisher.PublishAsync(Startup("csp-2.example.net", "0.29.3"), WireFormat.Legacy);
        await _publisher.PublishAsync(Transition(Node, "app_deploy", "idle", "deploying", "deploy"), WireFormat.Legacy);
        await _publisher.PublishAsync(Nagios(Node, "check_disk", 2, Hostile, check: "disk"), WireFormat.Legacy);
        await _publisher.FlushAsync();

        _page = await browser.Context.NewPageAsync();
        _watch = await PolicyWatch.AttachAsync(_page);
        _page.WebSocket += (_, socket) => _webSockets.Enqueue(socket.Url);
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _publisher.DisposeAsync();
        await _app.DisposeAsync();
    }

    private string Url(string path) => new Uri(_app.ServerAddress, path).ToString();

    [Fact]
    public async Task EveryPage_UnderThePolicy_RendersLiveWithoutAViolation()
    {
        // Overview: counts move when a node starts after the page opened, so the circuit delivers updates.
        await OpenAsync("/");
        await Assertions.Expect(_page.GetByTestId("component-server").GetByTestId("component-total")).ToContainTextAsync("2 nodes", Wait);
        await _publisher.PublishAsync(Startup("csp-3.example.net", "0.29.4"), WireFormat.CloudEventBinary);
        await _publisher.FlushAsync();
        await Assertions.Expect(_page.GetByTestId("component-server").GetByTestId("component-total")).ToContainTextAsync("3 nodes", Wait);
        // The theme switch restyles the whole page: theme.js switches the scheme the linked /theme.css applies.
        await _page.GetByTestId("theme-light").ClickAsync();
        await Assertions.Expect(_page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await _page.GetByTestId("theme-system").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("theme-system")).ToHaveAttributeAsync("aria-pressed", "true");
        await AssertNoViolationAsync("/");

        await OpenAsync("/nodes?q=csp-");
        await Assertions.Expect(_page.GetByTestId("node-row")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        await _page.GetByTestId("filter-component").ClickAsync();
        await AssertNoViolationAsync("/nodes?q=csp-");

        await OpenAsync("/nodes/" + Node);
        await Assertions.Expect(_page.Locator("[data-testid=machine-row][data-machine=app_deploy]")).ToContainTextAsync("deploying", Wait);
        await _page.GetByTestId("raw-toggle").First.ClickAsync();
        await Assertions.Expect(_page.GetByTestId("raw-event")).ToContainTextAsync(Node, Wait);
        await AssertNoViolationAsync("node detail");

        await OpenAsync("/checks");
        await Assertions.Expect(_page.GetByTestId("check-output")).ToHaveTextAsync(Hostile, new() { Timeout = 20_000 });
        await AssertNoViolationAsync("/checks");

        await OpenAsync("/events");
        await Assertions.Expect(_page.GetByTestId("tail-status")).ToContainTextAsync("live", Wait);
        await AssertNoViolationAsync("/events");

        // An unknown address within the app: the router's not-found content, in the live circuit.
        await _page.EvaluateAsync("() => Blazor.navigateTo('/no-such-page')");
        await Assertions.Expect(_page.Locator(".mud-main-content")).ToContainTextAsync("Nothing here.", Wait);
        await AssertNoViolationAsync("not found");

        // The error page is plain (no circuit), shown to anyone.
        await _page.GotoAsync(Url("/error"));
        await Assertions.Expect(_page.Locator("main")).ToContainTextAsync("Something went wrong", Wait);
        await AssertNoViolationAsync("/error");

        string[] walls =
        [
            "/wall",
            "/wall?components=server&views=overview,problems,checks&interval=20s&theme=dark",
            "/wall?views=component&interval=30s",
            "/wall?views=problems&page=8s",
            "/wall?views=checks",
            "/wall?theme=light",
            "/wall?components=nothing-here&views=bogus",
        ];
        foreach (var wall in walls)
        {
            await OpenWallAsync(wall);
            await AssertNoViolationAsync(wall);
        }

        Assert.Contains(_webSockets, url => url.StartsWith(Url("/_blazor").Replace("http://", "ws://", StringComparison.Ordinal), StringComparison.Ordinal));
    }

    [Fact]
    public async Task HostileCheckOutput_OnEveryPageShowingIt_StaysText()
    {
        await OpenAsync("/checks?identity=" + Node);
        await Assertions.Expect(_page.GetByTestId("check-output")).ToHaveTextAsync(Hostile, new() { Timeout = 20_000 });
        await AssertNothingRanAsync("/checks");

        await OpenAsync("/nodes/" + Node);
        await Assertions.Expect(_page.GetByTestId("check-output")).ToHaveTextAsync(Hostile, new() { Timeout = 20_000 });
        await AssertNothingRanAsync("node detail");

        await OpenWallAsync("/wall?views=checks");
        await Assertions.Expect(_page.GetByTestId("wall")).ToContainTextAsync(Hostile, Wait);
        await AssertNothingRanAsync("/wall?views=checks");
    }

    /// <summary>Opens a page of the main layout and waits for its circuit: the theme switch is ready only after the layout ran in the browser.</summary>
    private async Task OpenAsync(string path)
    {
        await _page.GotoAsync(Url(path));
        await Assertions.Expect(_page.GetByTestId("theme-switch")).ToHaveAttributeAsync("data-ready", "true", new() { Timeout = 20_000 });
    }

    /// <summary>Opens a wallboard and waits for its clock to tick, which only the live circuit does.</summary>
    private async Task OpenWallAsync(string path)
    {
        await _page.GotoAsync(Url(path));
        var clock = _page.GetByTestId("wall-clock");
        var first = await clock.TextContentAsync(new() { Timeout = 20_000 });
        await Eventually.TrueAsync(async () => await clock.TextContentAsync() != first, TimeSpan.FromSeconds(20), $"the clock of {path} to tick");
    }

    private async Task AssertNoViolationAsync(string page)
    {
        var violations = await _watch.ViolationsAsync();
        Assert.True(violations.Length == 0, $"{page}: {string.Join("; ", violations)}");
        Assert.True(_watch.Console.Count == 0, $"{page}: {string.Join("; ", _watch.Console)}");
    }

    private async Task AssertNothingRanAsync(string page)
    {
        await AssertNoViolationAsync(page);
        Assert.True(await _page.Locator(".mud-main-content img, [data-testid=wall] img").CountAsync() == 0, $"an image was injected on {page}");
        Assert.True(await _page.EvaluateAsync<bool>("() => window.__xss === undefined"), $"a script ran on {page}");
    }
}
