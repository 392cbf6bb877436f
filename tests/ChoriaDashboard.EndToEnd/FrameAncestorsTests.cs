using System.Collections.Concurrent;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Playwright;
using Xunit;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// Embedding the wallboard in Chromium: a portal listed in <c>Security:FrameAncestors</c> shows the live board in a
/// frame (so no other header, Blazor's own <c>frame-ancestors 'self'</c> or antiforgery's <c>X-Frame-Options</c>, refuses
/// it), and a site not listed gets nothing. The portals are pages a small server of the test serves on other origins.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FrameAncestorsTests(BrowserFixture browser, NatsServerFixture nats) : IAsyncLifetime
{
    // Served on loopback, but other origins than the app's (127.0.0.1): Chromium lets a page from a public address frame
    // a loopback one only with the user's permission (Local Network Access), which would refuse it for another reason.
    private static readonly string Portal = $"http://localhost:{NatsServerFixture.FreePort()}";
    private static readonly string Stranger = $"http://localhost:{NatsServerFixture.FreePort()}";
    private readonly ConcurrentQueue<string> _console = new();
    private DashboardFactory _app = default!;
    private WebApplication _portals = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _app = new DashboardFactory(
            nats.Url,
            new Dictionary<string, string?>
            {
                // About the hardened surface, not sign-in: the board opens without signing in.
                ["Auth:Mode"] = "Unsecured",
                ["Security:FrameAncestors"] = "'self' " + Portal,
            },
            kestrel: true);
        _app.StartServer();
        var wall = new Uri(_app.ServerAddress, "/wall?views=overview").ToString();
        _portals = WebApplication.Create();
        _portals.Urls.Add(Portal);
        _portals.Urls.Add(Stranger);
        _portals.MapGet("/", () => Results.Content($"<!DOCTYPE html><title>portal</title><iframe id=board src=\"{wall}\" width=1200 height=700></iframe>", "text/html"));
        await _portals.StartAsync();
        _page = await browser.Context.NewPageAsync();
        _page.Console += (_, message) => _console.Enqueue(message.Text);
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _portals.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Wall_FramedByAListedPortal_RunsLive()
    {
        await _page.GotoAsync(Portal + "/");

        var board = _page.FrameLocator("#board");
        var clock = board.GetByTestId("wall-clock");
        var first = await clock.TextContentAsync(new() { Timeout = 20_000 });
        // Ticking means the board's circuit runs in the frame: its WebSocket goes to its own origin, which the origin check allows.
        await Eventually.TrueAsync(async () => await clock.TextContentAsync() != first, TimeSpan.FromSeconds(20), "the framed board's clock to tick");
        Assert.True(!_console.Any(m => m.Contains("Content Security Policy", StringComparison.Ordinal)), string.Join("; ", _console));
    }

    [Fact]
    public async Task Wall_FramedByAnotherSite_IsRefused()
    {
        await _page.GotoAsync(Stranger + "/");

        await Eventually.TrueAsync(
            // "Framing '…' violates the following Content Security Policy directive: "frame-ancestors …"".
            () => _console.Any(m => m.Contains("Content Security Policy directive: \"frame-ancestors 'self' " + Portal, StringComparison.Ordinal)),
            TimeSpan.FromSeconds(20),
            "Chromium to refuse the frame");
        Assert.Equal(0, await _page.FrameLocator("#board").GetByTestId("wall").CountAsync());
    }
}
