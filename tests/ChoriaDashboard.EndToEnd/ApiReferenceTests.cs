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
    private const string ViolationRecorder = """
        window.__cspViolations = [];
        document.addEventListener("securitypolicyviolation", e => window.__cspViolations.push(
            `${e.effectiveDirective} blocked ${e.blockedURI || "(inline)"} at ${e.sourceFile}:${e.lineNumber} ${e.sample}`));
        """;

    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = 30_000 };
    private readonly ConcurrentQueue<string> _console = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private DashboardFactory _app = default!;
    private IPage _page = default!;

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
        await _page.AddInitScriptAsync(ViolationRecorder);
        _page.Console += (_, message) =>
        {
            if (message.Type == "error" || message.Text.Contains("Refused to", StringComparison.Ordinal))
            {
                _console.Enqueue(message.Text);
            }
        };
        _page.PageError += (_, error) => _console.Enqueue("page error: " + error);
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
        var violations = await _page.EvaluateAsync<string[]>("() => window.__cspViolations");
        Assert.True(violations.Length == 0, string.Join("; ", violations));
        Assert.True(_console.IsEmpty, string.Join("; ", _console));
        var origin = _app.ServerAddress.GetLeftPart(UriPartial.Authority);
        Assert.All(_requests, url => Assert.True(url.StartsWith(origin, StringComparison.Ordinal) || url.StartsWith("data:", StringComparison.Ordinal), $"left the app: {url}"));
        Assert.Contains(_requests, url => url == Url("/openapi/v1.json"));
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
