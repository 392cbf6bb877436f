using Bunit;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Components.Tests.Pages;

public sealed class OverviewTests : DashboardTestContext
{
    [Fact]
    public void Overview_FleetInStore_ShowsCountsByStateAndVersions()
    {
        Store.Publish(
            Node("a.example.net", NodeState.Live, "0.29.4"),
            Node("b.example.net", NodeState.Live, "0.29.3"),
            Node("c.example.net", NodeState.Dead, "0.29.3"),
            Node("d.example.net", NodeState.Stopped, "0.29.4"),
            Node("a.example.net", NodeState.Stale, "0.29.3", component: ChoriaComponents.ProvisionModeServer));

        var cut = Render<Overview>();

        Assert.Equal("2", cut.Find("[data-testid=total-live]").TextContent.Trim());
        Assert.Equal("1", cut.Find("[data-testid=total-stale]").TextContent.Trim());
        Assert.Equal("1", cut.Find("[data-testid=total-dead]").TextContent.Trim());
        Assert.Equal("1", cut.Find("[data-testid=total-stopped]").TextContent.Trim());

        var server = cut.Find("[data-testid=component-server]");
        Assert.Contains("4 nodes", server.QuerySelector("[data-testid=component-total]")!.TextContent);
        var versions = server.QuerySelectorAll("[data-testid=version-row]").Select(r => r.TextContent).ToArray();
        Assert.Equal(2, versions.Length);
        Assert.Contains("0.29.3", versions[0]); // one active (b), one dead: active 1
        Assert.Contains("0.29.4", versions[1]);
        // Of the two active server nodes (a live, b live; c dead and d stopped are not active), each version runs one.
        Assert.All(server.QuerySelectorAll("[data-testid=version-share]"), share => Assert.Equal("50%", share.TextContent.Trim()));
        var links = server.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ToArray();
        Assert.Contains("nodes?component=server&state=dead", links);
    }

    [Fact]
    public void Overview_ChecksNotCheckedYet_ShownApartFromOkAndProblems()
    {
        Store.Health = new HealthSummary(Ok: 3, Warning: 0, Critical: 1, Unknown: 0, NotChecked: 2);
        Store.Publish(Node("a.example.net", NodeState.Live));

        var cut = Render<Overview>();

        Assert.Contains("6 nagios checks", cut.Find("[data-testid=health]").TextContent);
        Assert.Equal("NOT CHECKED 2", Squash(cut.Find("[data-testid=health-not-checked]").TextContent));
        Assert.Equal("OK 3", Squash(cut.Find("[data-testid=health-ok]").TextContent));
        Assert.Equal("UNKNOWN 0", Squash(cut.Find("[data-testid=health-unknown]").TextContent));
    }

    [Fact]
    public void Overview_EveryCheckHasAResult_NoNotCheckedChip()
    {
        Store.Health = new HealthSummary(Ok: 3, Warning: 0, Critical: 1, Unknown: 0);
        Store.Publish(Node("a.example.net", NodeState.Live));

        var cut = Render<Overview>();

        Assert.Empty(cut.FindAll("[data-testid=health-not-checked]"));
        Assert.Equal("CRITICAL 1", Squash(cut.Find("[data-testid=health-critical]").TextContent));
    }

    private static string Squash(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    [Fact]
    public void Overview_ChangeBatchArrives_ReRendersWithNewCounts()
    {
        Store.Publish(Node("a.example.net", NodeState.Live));
        var cut = Render<Overview>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));
        var rendersBefore = cut.RenderCount;

        Store.Publish(Node("b.example.net", NodeState.Live), Node("c.example.net", NodeState.Dead));

        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=total-live]").TextContent.Trim()), TimeSpan.FromSeconds(5));
        Assert.Equal("1", cut.Find("[data-testid=total-dead]").TextContent.Trim());
        Assert.True(cut.RenderCount > rendersBefore);
    }

    [Fact]
    public void Overview_ManyBatchesInOneInterval_RenderedTogether()
    {
        Store.Publish(Node("seed.example.net", NodeState.Live));
        var cut = Render<Overview>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));
        var rendersBefore = cut.Instance.FleetRenders;

        for (var i = 0; i < 200; i++)
        {
            Store.Publish(Node($"n{i}.example.net", NodeState.Live));
        }

        var afterPublish = cut.Instance.FleetRenders;
        // The page waits Ui:UpdateInterval on the injected clock between batches: move the clock on at each check.
        cut.WaitForState(
            () =>
            {
                Clock.Advance(TimeSpan.FromMilliseconds(50));
                return cut.Find("[data-testid=total-live]").TextContent.Trim() == "201";
            },
            TimeSpan.FromSeconds(5));

        // 200 batches arrived; the page coalesces them instead of rendering once per batch.
        var renders = cut.Instance.FleetRenders - rendersBefore;
        Assert.True(renders <= 3, $"rendered {renders} times for 200 batches ({afterPublish - rendersBefore} while publishing)");
    }

    [Fact]
    public void Overview_NoEventsYet_SaysSo()
    {
        var cut = Render<Overview>();

        Assert.Contains("No Choria events received yet", cut.Find("[data-testid=empty]").TextContent);
    }

    [Fact]
    public async Task Overview_Disposed_Unsubscribes()
    {
        var cut = Render<Overview>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));

        await DisposeComponentsAsync();

        // Leaving the page cancels and awaits its consume loop, which lets go of the subscription.
        Assert.Equal(0, Store.Subscribers);
    }
}
