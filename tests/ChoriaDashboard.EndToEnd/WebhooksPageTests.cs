using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>
/// The webhooks page in Chromium against real endpoints (a Kestrel listener in the test process): one that takes every
/// delivery, one that fails twice first, one that never answers. What an admin reads there: each endpoint's counts as
/// they move, the failing one's reason, no secret (the URL's password and query are not shown), no CSP violation; and
/// screenshots at 1080p and 4K, light and dark.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WebhooksPageTests(BrowserFixture browser, NatsServerFixture nats) : IAsyncLifetime
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = 30_000 };
    private WebhookReceiver _receiver = default!;
    private DashboardFactory _app = default!;
    private IPage _page = default!;
    private PolicyWatch _watch = default!;

    public async Task InitializeAsync()
    {
        _receiver = await WebhookReceiver.StartAsync();
        var ok = new UriBuilder(_receiver.Url("ok", "deploys")) { UserName = "hooks", Password = "hunter2", Query = "token=hunter2" }.Uri.ToString();
        _app = new DashboardFactory(nats.Url, new Dictionary<string, string?>
        {
            ["Webhooks:Endpoints:0:Url"] = ok,
            ["Webhooks:Endpoints:0:Secret"] = Secret,
            ["Webhooks:Endpoints:0:Events:0"] = "node.started",
            ["Webhooks:Endpoints:1:Url"] = _receiver.Url("flaky", "cmdb"),
            ["Webhooks:Endpoints:1:Secret"] = Secret,
            ["Webhooks:Endpoints:1:Events:0"] = "node.started",
            ["Webhooks:Endpoints:2:Url"] = _receiver.Url("hang", "pager"),
            ["Webhooks:Endpoints:2:Secret"] = Secret,
            ["Webhooks:Endpoints:2:Events:0"] = "node.started",
            ["Webhooks:RetryDelay"] = "00:00:00.050",
            ["Webhooks:MaxRetryDelay"] = "00:00:00.200",
            ["Webhooks:AttemptTimeout"] = "00:05:00",
        }, kestrel: true);
        _app.StartServer();
        await browser.Context.ClearCookiesAsync();
        _page = await browser.Context.NewPageAsync();
        _watch = await PolicyWatch.AttachAsync(_page);
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _app.DisposeAsync();
        await _receiver.DisposeAsync();
    }

    [Fact]
    public async Task WebhooksPage_ThreeEndpoints_ShowsEachOnesCountsAsTheyMoveAndNoSecret()
    {
        await _page.GotoAsync(new Uri(_app.ServerAddress, "/webhooks").ToString());
        var rows = _page.GetByTestId("webhook-row");
        await Assertions.Expect(rows).ToHaveCountAsync(3, new() { Timeout = 30_000 });

        await using (var publisher = new TestPublisher(nats.Url))
        {
            foreach (var identity in new[] { "web-1.example.net", "web-2.example.net", "web-3.example.net" })
            {
                await publisher.PublishAsync(Startup(identity), WireFormat.CloudEventStructured);
            }

            await publisher.FlushAsync();
        }

        // Counts as the page shows them, re-read on its clock: the good endpoint took three, the flaky one three after two
        // failed attempts, the one that never answers none, one attempt waiting and two queued.
        await Assertions.Expect(rows.Nth(0).GetByTestId("webhook-delivered")).ToHaveTextAsync("3", Wait);
        await Assertions.Expect(rows.Nth(1).GetByTestId("webhook-delivered")).ToHaveTextAsync("3", Wait);
        await Assertions.Expect(rows.Nth(1).GetByTestId("webhook-failed")).ToHaveTextAsync("2", Wait);
        await Assertions.Expect(rows.Nth(1).GetByTestId("webhook-last-failure")).ToContainTextAsync("500", new() { Timeout = 30_000 });
        await Assertions.Expect(rows.Nth(2).GetByTestId("webhook-delivered")).ToHaveTextAsync("0", Wait);
        await Assertions.Expect(rows.Nth(2).GetByTestId("webhook-queue")).ToContainTextAsync("2 /", new() { Timeout = 30_000 });

        // The URL is shown without its password and query; no secret anywhere on the page.
        var url = await rows.Nth(0).GetByTestId("webhook-url").InnerTextAsync();
        Assert.Contains("/ok/deploys", url, StringComparison.Ordinal);
        var text = await _page.Locator("body").InnerTextAsync();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, text, StringComparison.Ordinal);
        Assert.DoesNotContain("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", await _page.ContentAsync(), StringComparison.Ordinal);

        var violations = await _watch.ViolationsAsync();
        Assert.True(violations.Length == 0, string.Join("; ", violations));
        Assert.True(_watch.Console.Count == 0, string.Join("; ", _watch.Console));
        Assert.Equal(3, _receiver.At("deploys").Count);

        // For a person to look at.
        await _page.SetViewportSizeAsync(1920, 1080);
        await Screenshots.SaveAsync(_page, "webhooks-1920x1080");
        await _page.SetViewportSizeAsync(3840, 2160);
        await Screenshots.SaveAsync(_page, "webhooks-3840x2160");
    }
}
