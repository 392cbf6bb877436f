using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;

namespace ChoriaDashboard.EndToEnd;

/// <summary>What on-call sees when the dashboard loses its broker: a banner that the data is not current, not a dead fleet.</summary>
[Collection(BrowserCollection.Name)]
public sealed class CurrencyBannerTests(BrowserFixture browser, NatsServerFixture nats) : IAsyncLifetime
{
    private static readonly LocatorAssertionsToContainTextOptions WaitContains = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToHaveCountOptions WaitCount = new() { Timeout = 20_000 };
    private DashboardFactory _app = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _app = new DashboardFactory(nats.Url, kestrel: true);
        _app.StartServer();
        using var http = _app.CreateClient();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the app to be ready");
        _page = await browser.Context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Banner_BrokerStopped_SaysDataNotCurrentUntilItIsBack()
    {
        await _page.GotoAsync(new Uri(_app.ServerAddress, "/").ToString());
        await Assertions.Expect(_page.GetByTestId("broker-state")).ToContainTextAsync("connected", WaitContains);
        await Assertions.Expect(_page.GetByTestId("currency-banner")).ToHaveCountAsync(0, WaitCount);

        await nats.StopAsync();
        try
        {
            await Assertions.Expect(_page.GetByTestId("currency-text")).ToContainTextAsync("Data not current since", WaitContains);
            await Assertions.Expect(_page.GetByTestId("currency-text")).ToContainTextAsync("broker disconnected", WaitContains);
        }
        finally
        {
            await nats.StartAsync();
        }

        await Assertions.Expect(_page.GetByTestId("currency-banner")).ToHaveCountAsync(0, WaitCount);
    }
}
