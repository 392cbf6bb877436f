using Bunit;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Events;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static ChoriaDashboard.TestKit.TestEvents;

namespace ChoriaDashboard.Components.Tests.Pages;

public sealed class EventsPageTests : DashboardTestContext
{
    [Fact]
    public void Events_FiltersInUrl_ShowOnlyMatchingEventsNewestFirst()
    {
        var at = Clock.GetUtcNow();
        Store.Tail(Startup("n1.example.net"), at);
        Store.Tail(Shutdown("n1.example.net"), at);
        Store.Tail(Alive("n2.example.net"), at);
        Store.Tail(Alive("n1.example.net", component: ChoriaComponents.ProvisionModeServer), at);
        Store.Tail(Alive("n1.example.net"), at);
        Services.GetRequiredService<NavigationManager>().NavigateTo("events?type=alive,startup&component=server&identity=n1.example.net");

        var cut = Render<EventsPage>();

        cut.WaitForAssertion(() => Assert.Equal(["alive", "startup"], cut.FindAll("[data-testid=tail-row]").Select(r => r.GetAttribute("data-type"))));
        Assert.All(cut.FindAll("[data-testid=tail-row]"), r => Assert.Equal("n1.example.net", r.GetAttribute("data-identity")));
    }

    [Fact]
    public void Events_FilterChangedAfterNewEvents_ShowsTheNewestEventsFirstNotTheSnapshotFromOpening()
    {
        Store.Tail(Alive("old.example.net"), Clock.GetUtcNow());
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("events");
        var cut = Render<EventsPage>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));
        Clock.Advance(TimeSpan.FromSeconds(1));
        Store.Tail([Startup("new.example.net"), Alive("new.example.net")], Clock.GetUtcNow());
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=tail-row]").Count), TimeSpan.FromSeconds(5));

        Clock.Advance(TimeSpan.FromSeconds(1));
        navigation.NavigateTo("events?type=alive");

        cut.WaitForAssertion(() => Assert.Equal(
            ["new.example.net", "old.example.net"],
            cut.FindAll("[data-testid=tail-row]").Select(r => r.GetAttribute("data-identity"))), TimeSpan.FromSeconds(5));
        Assert.All(cut.FindAll("[data-testid=tail-row]"), r => Assert.Equal("alive", r.GetAttribute("data-type")));
    }

    [Fact]
    public void Events_Paused_CountsWhatItMissesAndResumesWithNewEvents()
    {
        var cut = Render<EventsPage>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));
        Store.Tail(Alive("before.example.net"), Clock.GetUtcNow());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=tail-row]")));

        cut.Find("[data-testid=tail-pause]").Click();

        // The click is handled on the renderer, which may be busy with an update: the tail is paused once it says so.
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=tail-missed]")));
        for (var i = 0; i < 3; i++)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(100));
            Store.Tail(Alive($"missed-{i}.example.net"), Clock.GetUtcNow());
        }

        WaitWhileTheClockRuns(cut, () => Assert.Equal("3", cut.Find("[data-testid=tail-missed]").TextContent));
        Assert.Equal(["before.example.net"], cut.FindAll("[data-testid=tail-row]").Select(r => r.GetAttribute("data-identity")));
        Assert.Contains("Resume", cut.Find("[data-testid=tail-pause]").TextContent);

        cut.Find("[data-testid=tail-pause]").Click();
        cut.WaitForAssertion(() => Assert.Contains("Pause", cut.Find("[data-testid=tail-pause]").TextContent));
        Clock.Advance(TimeSpan.FromMilliseconds(100));
        Store.Tail(Alive("after.example.net"), Clock.GetUtcNow());

        WaitWhileTheClockRuns(cut, () => Assert.Equal("after.example.net", cut.FindAll("[data-testid=tail-row]")[0].GetAttribute("data-identity")));
        Assert.Empty(cut.FindAll("[data-testid=tail-missed]"));
    }

    [Fact]
    public void Events_MoreThanTheLength_KeepsOnlyTheNewest()
    {
        Services.AddSingleton(Options.Create(new UiOptions { UpdateInterval = TimeSpan.FromMilliseconds(50), EventTailLength = 10, EventTailRowsPerSecond = 1000 }));
        for (var i = 0; i < 30; i++)
        {
            Store.Tail(Alive($"n{i:00}.example.net"), Clock.GetUtcNow());
        }

        var cut = Render<EventsPage>();

        cut.WaitForAssertion(() => Assert.Equal(10, cut.FindAll("[data-testid=tail-row]").Count));
        Assert.Equal("n29.example.net", cut.FindAll("[data-testid=tail-row]")[0].GetAttribute("data-identity"));
    }

    [Fact]
    public void Events_FasterThanRowsPerSecond_ShowsTheBoundAndCountsTheRest()
    {
        Services.AddSingleton(Options.Create(new UiOptions { UpdateInterval = TimeSpan.FromMilliseconds(50), EventTailLength = 500, EventTailRowsPerSecond = 5 }));
        var cut = Render<EventsPage>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));

        // One writer batch of 100 events.
        Store.Tail(Enumerable.Range(0, 100).Select(i => Alive($"n{i:000}.example.net")), Clock.GetUtcNow());

        cut.WaitForAssertion(() => Assert.Contains("100 matching", cut.Find("[data-testid=tail-counts]").TextContent), TimeSpan.FromSeconds(5));
        Assert.Equal(5, cut.FindAll("[data-testid=tail-row]").Count);
        Assert.Contains("95 not shown", cut.Find("[data-testid=tail-counts]").TextContent);
    }

    [Fact]
    public void Events_PageFallsBehindItsBuffer_ShowsWhatItNeverSawAsDroppedAndGoesOn()
    {
        Store.EventBuffer = 64;
        var cut = Render<EventsPage>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));
        Store.Tail(Alive("first.example.net"), Clock.GetUtcNow());
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=tail-row]")));

        // The page now waits for its update interval: 200 more events, one writer batch each, outrun its buffer of 64.
        for (var i = 0; i < 200; i++)
        {
            Store.Tail(Alive($"n{i:000}.example.net"), Clock.GetUtcNow());
        }

        // It starts again from the feed's newest 50; the 150 before them never reached it.
        WaitWhileTheClockRuns(cut, () => Assert.Contains("150 dropped", cut.Find("[data-testid=tail-counts]").TextContent));
        Assert.Equal("n199.example.net", cut.FindAll("[data-testid=tail-row]")[0].GetAttribute("data-identity"));
    }

    [Fact]
    public void Events_RowClicked_ExpandsToRawJsonAsReceived()
    {
        const string body = "{\"protocol\":\"io.choria.lifecycle.v1.alive\",\"identity\":\"<img src=x onerror=alert(1)>\"}";
        Store.Tail(Alive("n1.example.net"), Clock.GetUtcNow(), body);
        var cut = Render<EventsPage>();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=tail-row]")));

        cut.Find("[data-testid=tail-row]").Click();

        Assert.EndsWith("\n" + body, cut.Find("[data-testid=raw-event]").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("tbody img"));
    }

    [Fact]
    public async Task Events_PageDisposed_Unsubscribes()
    {
        var cut = Render<EventsPage>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));

        await DisposeComponentsAsync();

        Assert.Equal(0, Store.Subscribers);
    }
}
