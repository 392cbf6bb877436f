using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>What a person at the screen sees: events published to NATS show up without a reload.</summary>
[Collection(BrowserCollection.Name)]
public sealed class LiveUpdateTests(BrowserFixture browser, NatsServerFixture nats) : IAsyncLifetime
{
    private static readonly LocatorAssertionsToHaveTextOptions Wait = new() { Timeout = 20_000 };
    private static readonly LocatorAssertionsToContainTextOptions WaitContains = new() { Timeout = 20_000 };
    private DashboardFactory _app = default!;
    private TestPublisher _publisher = default!;
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _app = new DashboardFactory(nats.Url, kestrel: true);
        _app.StartServer();
        using var http = _app.CreateClient();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the app to be ready");
        _publisher = new TestPublisher(nats.Url);
        _page = await browser.Context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        await _page.CloseAsync();
        await _publisher.DisposeAsync();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task Overview_EventPublishedWhileOpen_AppearsWithoutReload()
    {
        await _page.GotoAsync(new Uri(_app.ServerAddress, "/").ToString());
        await Assertions.Expect(_page.GetByTestId("broker-state")).ToContainTextAsync("connected", new() { Timeout = 20_000 });
        await Assertions.Expect(_page.GetByTestId("total-live")).ToHaveTextAsync("0", Wait);
        var navigations = 0;
        _page.FrameNavigated += (_, frame) => navigations += frame == _page.MainFrame ? 1 : 0;

        await _publisher.PublishAsync(Startup("e2e-1.example.net", "0.29.4"), WireFormat.CloudEventStructured);
        await _publisher.PublishAsync(Startup("e2e-2.example.net", "0.29.3"), WireFormat.Legacy);
        await _publisher.FlushAsync();

        await Assertions.Expect(_page.GetByTestId("total-live")).ToHaveTextAsync("2", Wait);
        var server = _page.GetByTestId("component-server");
        await Assertions.Expect(server.GetByTestId("component-total")).ToHaveTextAsync("2 nodes", Wait);
        await Assertions.Expect(server.GetByTestId("version-row")).ToHaveCountAsync(2, new() { Timeout = 20_000 });

        await _publisher.PublishAsync(Shutdown("e2e-2.example.net"), WireFormat.CloudEventBinary);
        await _publisher.FlushAsync();
        await Assertions.Expect(_page.GetByTestId("total-stopped")).ToHaveTextAsync("1", Wait);
        await Assertions.Expect(_page.GetByTestId("total-live")).ToHaveTextAsync("1", Wait);
        Assert.Equal(0, navigations);
    }

    [Fact]
    public async Task NodeList_NewNodeAndHostileComponent_RowsAppearAsTextWithoutReload()
    {
        await _page.GotoAsync(new Uri(_app.ServerAddress, "/nodes").ToString());
        await Assertions.Expect(_page.GetByTestId("broker-state")).ToContainTextAsync("connected", new() { Timeout = 20_000 });

        const string hostile = "<img src=x onerror=\"window.__xss=1\">";
        await _publisher.PublishAsync(Startup("e2e-3.example.net"), WireFormat.CloudEventBinary);
        // A component goes into the subject; a hostile one with spaces cannot, so it arrives on a plain subject.
        var encoded = ChoriaEventEncoder.Encode(Startup("e2e-4.example.net", component: hostile), WireFormat.Legacy);
        await _publisher.PublishRawAsync(ChoriaSubjects.Lifecycle(LifecycleEventType.Startup, ChoriaComponents.Server), encoded.Body);
        await _publisher.FlushAsync();

        var row = _page.Locator("[data-testid=node-row][data-identity='e2e-3.example.net']");
        await Assertions.Expect(row).ToContainTextAsync("0.29.4", WaitContains);
        await Assertions.Expect(row).ToContainTextAsync("live", WaitContains);
        var hostileRow = _page.Locator("[data-testid=node-row][data-identity='e2e-4.example.net']");
        await Assertions.Expect(hostileRow).ToContainTextAsync(hostile, WaitContains);
        Assert.Equal(0, await _page.Locator("table img").CountAsync());
        Assert.True(await _page.EvaluateAsync<bool>("() => window.__xss === undefined"));
    }
}
