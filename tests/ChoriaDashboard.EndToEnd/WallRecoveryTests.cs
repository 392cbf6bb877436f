using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>A board nobody touches comes back by itself when the app is restarted on the same address.</summary>
[Collection(BrowserCollection.Name)]
public sealed class WallRecoveryTests(BrowserFixture browser, NatsServerFixture nats)
{
    [Fact]
    public async Task Wall_AppRestarted_BoardReloadsByItselfAndShowsTheNewProcess()
    {
        await using var app = new AppServerProcess(new Dictionary<string, string>
        {
            ["Nats:Url"] = nats.Url,
            ["Ui:UpdateInterval"] = "00:00:00.100",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        await app.StartAsync();
        var page = await browser.Context.NewPageAsync();
        try
        {
            await page.SetViewportSizeAsync(1920, 1080);
            await page.GotoAsync(new Uri(app.Address, "/wall?components=e2e_restart").ToString());
            await WallBoardTests.WaitInteractiveAsync(page);
            await page.EvaluateAsync("() => window.__beforeRestart = true");

            await app.StopAsync();
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await app.StartAsync();

            // The old circuit is gone with the old process: the page reloads itself once the new one answers.
            await WallBoardTests.WaitReloadedAsync(page, app);
            await WallBoardTests.WaitInteractiveAsync(page);
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync(new() { Timeout = 20_000 });

            await using var publisher = new TestPublisher(nats.Url);
            using var http = new HttpClient { BaseAddress = app.Address };
            await WallBoardTests.WaitReadyAsync(http);
            await publisher.PublishAsync(Startup(Identity(1, "restart"), "1.2.3", "e2e_restart"), WireFormat.CloudEventStructured);
            await publisher.FlushAsync();
            await Assertions.Expect(page.Locator("[data-testid=wall-tile][data-component=e2e_restart] [data-testid=count-live]"))
                .ToContainTextAsync("1", new() { Timeout = 20_000 });
        }
        finally
        {
            await page.CloseAsync();
        }
    }
}
