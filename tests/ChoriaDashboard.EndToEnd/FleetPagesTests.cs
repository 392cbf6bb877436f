using ChoriaDashboard.Events;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.EndToEnd;

/// <summary>One app and one nats-server for every test of <see cref="FleetPagesTests"/>.</summary>
public sealed class FleetPagesApp : IAsyncLifetime
{
    public NatsServerFixture Nats { get; } = new();

    public DashboardFactory App { get; private set; } = default!;

    public TestPublisher Publisher { get; private set; } = default!;

    public async Task InitializeAsync()
    {
        await Nats.InitializeAsync();
        App = new DashboardFactory(Nats.Url, new Dictionary<string, string?> { ["Ui:EventTailRowsPerSecond"] = "200" }, kestrel: true);
        App.StartServer();
        using var http = App.CreateClient();
        await Eventually.TrueAsync(async () => (await http.GetAsync("/readyz")).IsSuccessStatusCode, TimeSpan.FromSeconds(20), "the app to be ready");
        Publisher = new TestPublisher(Nats.Url);
    }

    public async Task DisposeAsync()
    {
        await Publisher.DisposeAsync();
        await App.DisposeAsync();
        await Nats.DisposeAsync();
    }
}

/// <summary>Node detail, /checks and /events in a real browser against the real app and a real nats-server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FleetPagesTests(BrowserFixture browser, FleetPagesApp fleet) : IClassFixture<FleetPagesApp>, IAsyncLifetime
{
    /// <summary>No <c>"</c> in it, so the JSON encoder leaves it as it is and the raw JSON shows it literally.</summary>
    private const string Hostile = "<img src=x onerror=window.__xss=1></script>\u202Eevil\u200Dtext";

    private static readonly LocatorAssertionsToContainTextOptions Wait = new() { Timeout = 20_000 };
    private IPage _page = default!;

    public async Task InitializeAsync()
    {
        _page = await browser.Context.NewPageAsync();
        await _page.SetViewportSizeAsync(1920, 1080);
    }

    public async Task DisposeAsync() => await _page.CloseAsync();

    private string Url(string path) => new Uri(fleet.App.ServerAddress, path).ToString();

    /// <summary>
    /// Clicks until a raw event shows: a page is prerendered, and a click that lands before its circuit is up does
    /// nothing. Gives up after 20 s.
    /// </summary>
    private async Task ClickUntilShownAsync(ILocator target)
    {
        await Eventually.TrueAsync(
            async () =>
            {
                if (await _page.GetByTestId("raw-event").CountAsync() > 0)
                {
                    return true;
                }

                await target.ClickAsync();
                return await _page.GetByTestId("raw-event").CountAsync() > 0;
            },
            TimeSpan.FromSeconds(20),
            "the raw event to show after a click");
    }

    [Fact]
    public async Task NodeDetail_PublishedNode_ShowsHistoryMachinesAndChecksAndRawJson()
    {
        const string id = "detail-1.example.net";
        await fleet.Publisher.PublishAsync(Startup(id, "0.29.3"), WireFormat.Legacy);
        await fleet.Publisher.PublishAsync(Startup(id, "0.29.4"), WireFormat.CloudEventBinary);
        await fleet.Publisher.PublishAsync(Alive(id, "0.29.4"), WireFormat.CloudEventStructured);
        await fleet.Publisher.PublishAsync(Transition(id, "app_deploy", "idle", "deploying", "deploy"), WireFormat.Legacy);
        await fleet.Publisher.PublishAsync(Nagios(id, "check_disk", 2, "DISK CRITICAL - / 97% used", check: "disk"), WireFormat.Legacy);
        await fleet.Publisher.FlushAsync();

        await _page.GotoAsync(Url("/nodes/" + Uri.EscapeDataString(id)));

        await Assertions.Expect(_page.GetByTestId("component-row")).ToContainTextAsync("0.29.4", Wait);
        await Assertions.Expect(_page.GetByTestId("event-row")).ToHaveCountAsync(3, new() { Timeout = 20_000 });
        await Assertions.Expect(_page.Locator("[data-testid=machine-row][data-machine=app_deploy]")).ToContainTextAsync("deploying", Wait);
        await Assertions.Expect(_page.GetByTestId("machine-transitions")).ToContainTextAsync("idle → deploying", Wait);
        await Assertions.Expect(_page.GetByTestId("check-row")).ToContainTextAsync("CRITICAL", Wait);
        await Assertions.Expect(_page.GetByTestId("check-output")).ToHaveTextAsync("DISK CRITICAL - / 97% used");

        // The newest event (the binary-mode startup is second): its raw form shows the ce- headers and the body.
        await ClickUntilShownAsync(_page.GetByTestId("event-row").Nth(1).GetByTestId("raw-toggle"));
        var raw = _page.GetByTestId("raw-event");
        await Assertions.Expect(raw).ToContainTextAsync("format: CloudEvent (binary)", Wait);
        await Assertions.Expect(raw).ToContainTextAsync("ce-type: io.choria.lifecycle.v1.startup", Wait);
        await Assertions.Expect(raw).ToContainTextAsync("\"version\":\"0.29.4\"", Wait);
        await Screenshots.SaveAsync(_page, "node-detail");

        await _page.GotoAsync(Url("/nodes/nobody.example.net"));
        await Assertions.Expect(_page.GetByTestId("not-seen")).ToContainTextAsync("No event from nobody.example.net has been seen", Wait);
    }

    [Fact]
    public async Task Checks_CriticalCheck_AppearsWithOutputAndAFilterLinkReproducesTheView()
    {
        await fleet.Publisher.PublishAsync(Nagios("checks-1.example.net", "check_disk", 2, "DISK CRITICAL - /var 99% used", check: "disk"), WireFormat.CloudEventStructured);
        await fleet.Publisher.PublishAsync(Nagios("checks-2.example.net", "check_disk", 0, "DISK OK", check: "disk"), WireFormat.Legacy);
        await fleet.Publisher.PublishAsync(Nagios("checks-2.example.net", "check_load", 1, "LOAD WARNING - 9.1", check: "load"), WireFormat.Legacy);
        await fleet.Publisher.FlushAsync();

        await _page.GotoAsync(Url("/checks"));
        var critical = _page.Locator("[data-testid=check-row][data-identity='checks-1.example.net']");
        await Assertions.Expect(critical).ToContainTextAsync("DISK CRITICAL - /var 99% used", Wait);
        await Assertions.Expect(critical).ToContainTextAsync("CRITICAL", Wait);
        await Screenshots.SaveAsync(_page, "checks");

        // The app bar marks the section shown, and only that one.
        await Assertions.Expect(_page.Locator(".mud-appbar a[aria-current=page]")).ToHaveTextAsync("Checks");

        // The count links to the filtered view, and the same URL opened afresh shows the same rows.
        await _page.GetByTestId("checks-total-critical").ClickAsync();
        await _page.WaitForURLAsync("**/checks?status=critical");
        await Assertions.Expect(_page.Locator("[data-testid=check-row][data-health=ok]")).ToHaveCountAsync(0);
        var filtered = Url("/checks?status=critical,warning&identity=checks-2.example.net");
        await _page.GotoAsync(filtered);
        var rows = _page.GetByTestId("check-row");
        await Assertions.Expect(rows).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Assertions.Expect(rows).ToContainTextAsync("LOAD WARNING - 9.1");

        // The node link goes to its detail page.
        await rows.Locator("a.node-link").ClickAsync();
        await _page.WaitForURLAsync("**/nodes/checks-2.example.net");
        await Assertions.Expect(_page.GetByTestId("check-row")).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        await Assertions.Expect(_page.Locator(".mud-appbar a[aria-current=page]")).ToHaveTextAsync("Nodes");
    }

    [Fact]
    public async Task Events_Tail_PausesCountsMissedAndResumes()
    {
        await _page.GotoAsync(Url("/events?identity=tail-1.example.net"));
        await Assertions.Expect(_page.GetByTestId("tail-status")).ToContainTextAsync("live", Wait);

        await fleet.Publisher.PublishAsync(Alive("tail-1.example.net", "1.0.0"), WireFormat.Legacy);
        await fleet.Publisher.PublishAsync(Alive("tail-2.example.net", "1.0.0"), WireFormat.Legacy);
        await fleet.Publisher.FlushAsync();
        var rows = _page.GetByTestId("tail-row");
        await Assertions.Expect(rows).ToHaveCountAsync(1, new() { Timeout = 20_000 });

        await _page.GetByTestId("tail-pause").ClickAsync();
        await Assertions.Expect(_page.GetByTestId("tail-pause")).ToContainTextAsync("Resume", Wait);
        await fleet.Publisher.PublishAsync(Alive("tail-1.example.net", "2.0.0"), WireFormat.Legacy);
        await fleet.Publisher.PublishAsync(Shutdown("tail-1.example.net"), WireFormat.Legacy);
        await fleet.Publisher.FlushAsync();
        await Assertions.Expect(_page.GetByTestId("tail-missed")).ToHaveTextAsync("2", new() { Timeout = 20_000 });
        await Assertions.Expect(rows).ToHaveCountAsync(1);

        await _page.GetByTestId("tail-pause").ClickAsync();
        await fleet.Publisher.PublishAsync(Startup("tail-1.example.net", "3.0.0"), WireFormat.CloudEventBinary);
        await fleet.Publisher.FlushAsync();
        await Assertions.Expect(rows.First).ToContainTextAsync("3.0.0", Wait);
        await Assertions.Expect(rows).ToHaveCountAsync(2);

        await ClickUntilShownAsync(rows.First);
        await Assertions.Expect(_page.GetByTestId("raw-event")).ToContainTextAsync("ce-type: io.choria.lifecycle.v1.startup", Wait);
        await Screenshots.SaveAsync(_page, "events");
    }

    [Fact]
    public async Task HostileStrings_RenderLiterallyOnEveryPageAndInRawJson()
    {
        const string id = "hostile-1.example.net";
        await fleet.Publisher.PublishAsync(Startup(id), WireFormat.Legacy);
        await fleet.Publisher.PublishAsync(Nagios(id, "check_evil", 2, Hostile, check: "evil"), WireFormat.Legacy);
        await fleet.Publisher.FlushAsync();

        await _page.GotoAsync(Url("/nodes/" + id));
        await Assertions.Expect(_page.GetByTestId("check-output")).ToHaveTextAsync(Hostile, new() { Timeout = 20_000 });
        await ClickUntilShownAsync(_page.Locator("[data-testid=check-row] button"));
        await Assertions.Expect(_page.GetByTestId("raw-event")).ToContainTextAsync(Hostile, Wait);
        await AssertNothingInjectedAsync("node detail");

        await _page.GotoAsync(Url("/checks?identity=" + id));
        await Assertions.Expect(_page.GetByTestId("check-output")).ToHaveTextAsync(Hostile, new() { Timeout = 20_000 });
        await AssertNothingInjectedAsync("checks");

        await _page.GotoAsync(Url("/events?identity=" + id));
        await Assertions.Expect(_page.GetByTestId("tail-status")).ToContainTextAsync("live", Wait);
        await fleet.Publisher.PublishAsync(Nagios(id, "check_evil", 2, Hostile, check: "evil"), WireFormat.Legacy);
        await fleet.Publisher.FlushAsync();
        var row = _page.Locator("[data-testid=tail-row][data-type=state]").First;
        await Assertions.Expect(row).ToContainTextAsync(Hostile, Wait);
        await ClickUntilShownAsync(row);
        await Assertions.Expect(_page.GetByTestId("raw-event")).ToContainTextAsync(Hostile, Wait);
        await AssertNothingInjectedAsync("events");
    }

    /// <summary>
    /// The page now on screen ran none of the hostile markup: no injected image, no script set <c>window.__xss</c>.
    /// Checked on each page, because every navigation loads a fresh document with a fresh <c>window</c>.
    /// </summary>
    private async Task AssertNothingInjectedAsync(string page)
    {
        // The layout's content area (MudBlazor renders it as a div, not <main>), checked to exist so this cannot pass on nothing.
        Assert.Equal(1, await _page.Locator(".mud-main-content").CountAsync());
        Assert.True(await _page.Locator(".mud-main-content img").CountAsync() == 0, $"an image was injected on {page}");
        Assert.True(await _page.EvaluateAsync<bool>("() => window.__xss === undefined"), $"a script ran on {page}");
    }
}
