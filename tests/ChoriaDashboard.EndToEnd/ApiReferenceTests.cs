using System.Collections.Concurrent;
using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The API reference page (Scalar) in Chromium under its own Content-Security-Policy (the page policy plus a nonce for
/// its start-up script): it loads the OpenAPI document and lists every operation, with
/// no violation, no script error and no request leaving the app's origin.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ApiReferenceTests(BrowserFixture browser, NatsServerFixture nats) : IAsyncLifetime
{
    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = 30_000 };
    private readonly ConcurrentQueue<string> _requests = new();
    private DashboardFactory _app = default!;
    private IPage _page = default!;
    private PolicyWatch _watch = default!;

    public async Task InitializeAsync()
    {
        // A browser token sign-in: the page and the document it reads are for viewers only.
        _app = new DashboardFactory(nats.Url, new Dictionary<string, string?> { ["Auth:Mode"] = "BrowserToken", ["Auth:BrowserToken"] = "reference-token-0123456789" }, kestrel: true);
        _app.StartServer();
        await using var publisher = new TestPublisher(nats.Url);
        await publisher.PublishAsync(Startup("reference-1.example.net", "0.29.4"), WireFormat.Legacy);
        await publisher.FlushAsync();

        // Cookies are per host, not per port: a sign-in left by another test's app must not count here.
        await browser.Context.ClearCookiesAsync();
        _page = await browser.Context.NewPageAsync();
        _watch = await PolicyWatch.AttachAsync(_page);
        _page.Request += (_, request) => _requests.Enqueue(request.Url);
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _app.DisposeAsync();
    }

    private string Url(string path) => new Uri(_app.ServerAddress, path).ToString();

    [Fact]
    public async Task ReferencePage_SignedIn_ShowsEveryOperationWithoutAViolation()
    {
        await _page.GotoAsync(Url("/login?t=reference-token-0123456789&returnUrl=%2Fapi-reference"));

        Assert.EndsWith("/api-reference/", _page.Url, StringComparison.Ordinal);
        foreach (var summary in new[]
        {
            "The node list, filtered, sorted and paged",
            "One node's detail",
            "A component's versions, newest first, with their node counts",
            "The nagios checks, failing first, filtered and paged",
            "The newest accepted events, newest first",
        })
        {
            await Assertions.Expect(_page.GetByText(summary).First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }

        await Assertions.Expect(_page.Locator("body")).ToContainTextAsync("x-api-key", Wait);
        // Nothing offered that would send the fleet's API to Scalar's services.
        foreach (var outside in new[] { "Ask AI", "Deploy .NET", "Share", "Generate SDK" })
        {
            await Assertions.Expect(_page.GetByText(outside, new() { Exact = true })).ToHaveCountAsync(0);
        }

        var violations = await _watch.ViolationsAsync();
        Assert.True(violations.Length == 0, string.Join("; ", violations));
        Assert.True(_watch.Console.Count == 0, string.Join("; ", _watch.Console));
        var origin = _app.ServerAddress.GetLeftPart(UriPartial.Authority);
        Assert.All(_requests, url => Assert.True(url.StartsWith(origin, StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal), $"left the app: {url}"));
        Assert.Contains(_requests, url => url == Url("/openapi/v1.json"));

        // For a person to look at: the page at 1080p in light, and at 4K in dark.
        await _page.SetViewportSizeAsync(1920, 1080);
        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await _page.ScreenshotAsync(new() { Path = WallBoardTests.Screenshot("api-reference-1920x1080-light.png") });
        await _page.SetViewportSizeAsync(3840, 2160);
        await _page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await _page.ScreenshotAsync(new() { Path = WallBoardTests.Screenshot("api-reference-3840x2160-dark.png") });
    }

    [Fact]
    public async Task ReferencePage_NotSignedIn_SendsToSignIn()
    {
        var response = await _page.GotoAsync(Url("/api-reference/"));

        Assert.NotNull(response);
        Assert.DoesNotContain("/api-reference", new Uri(_page.Url).AbsolutePath, StringComparison.Ordinal);
        await Assertions.Expect(_page.Locator("body")).Not.ToContainTextAsync("The node list, filtered, sorted and paged");
    }
}
