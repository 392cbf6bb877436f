using Bunit;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using MudBlazor;
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
        Assert.Contains("0.29.4", versions[0]); // newest first
        Assert.Contains("0.29.3", versions[1]);
        // Of the two active server nodes (a live, b live; c dead and d stopped are not active), each version runs one.
        Assert.All(server.QuerySelectorAll("[data-testid=version-share]"), share => Assert.Equal("50%", share.TextContent.Trim()));
        var links = server.QuerySelectorAll("a").Select(a => a.GetAttribute("href")).ToArray();
        Assert.Contains("nodes?component=server&state=dead", links);
        Assert.Contains("nodes?component=server", links); // the component's total
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

    [Fact]
    public void Overview_VersionsOfAComponent_NewestFirstByVersionAndMarkedInText()
    {
        Store.Publish(
            Node("web-1", NodeState.Live, "0.29.9"),
            Node("web-2", NodeState.Live, "0.29.9"),
            Node("web-3", NodeState.Live, "0.29.10"),
            Node("web-4", NodeState.Dead, "garbage"),
            Node("web-5", NodeState.Live, "0.29.10-rc1"));

        var cut = Render<Overview>();

        var server = cut.Find("[data-testid=component-server]");
        var rows = server.QuerySelectorAll("[data-testid=version-row]");
        Assert.Equal(["0.29.10", "0.29.10-rc1", "0.29.9", "garbage"], rows.Select(r => r.QuerySelector("a")!.TextContent));
        Assert.Equal("★ newest", Assert.Single(server.QuerySelectorAll("[data-testid=newest-mark]")).TextContent.Trim());
        Assert.NotNull(rows[0].QuerySelector("[data-testid=newest-mark]"));
        Assert.Equal("0.29.10", server.QuerySelector("[data-testid=newest-version]")!.TextContent);
    }

    [Fact]
    public void Overview_NodesOnOlderVersions_CountedAndLinkedToTheirList()
    {
        Store.Publish(
            Node("web-1", NodeState.Live, "0.29.9"),
            Node("web-2", NodeState.Dead, "0.29.9"),
            Node("web-3", NodeState.Live, "0.29.10"),
            Node("web-4", NodeState.Stopped, null), // unknown: not counted as outdated
            Node("p-1", NodeState.Live, "0.1.0", component: ChoriaComponents.Provisioner));

        var cut = Render<Overview>();

        var server = cut.Find("[data-testid=component-server] [data-testid=outdated-count]");
        Assert.Equal("nodes?component=server&outdated=true", server.GetAttribute("href"));
        Assert.Equal("not on newest 2", Squash(server.TextContent));
        Assert.Equal("not on newest 0", Squash(cut.Find("[data-testid=component-provisioner] [data-testid=outdated-count]").TextContent));
    }

    [Fact]
    public void Overview_HealthCounts_LinkToTheChecksPageFilteredByStatus()
    {
        Store.Health = new HealthSummary(Ok: 3, Warning: 1, Critical: 1, Unknown: 0, NotChecked: 2);
        Store.Publish(Node("a.example.net", NodeState.Live));

        var cut = Render<Overview>();

        var links = cut.FindAll("[data-testid=health] a").Select(a => a.GetAttribute("href") ?? "").ToArray();
        Assert.Equal(["checks?status=ok", "checks?status=warning", "checks?status=critical", "checks?status=unknown", "checks?status=notchecked"], links);
    }

    [Fact]
    public void Overview_NotableChanges_ListedNewestFirstWithKindInTextAndNodeLinks()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        Store.Notable.AddRange(
        [
            new FleetNews(Clock.GetUtcNow().AddMinutes(-1), NewsKind.CheckCritical, "web/7", null, "check_disk#disk", "CRITICAL: " + hostile, Replayed: false),
            new FleetNews(Clock.GetUtcNow().AddMinutes(-2), NewsKind.Upgraded, "web-2", "server", null, "0.29.3 → 0.29.4", Replayed: false),
            new FleetNews(Clock.GetUtcNow().AddMinutes(-3), NewsKind.Died, "web-3", "server", null, null, Replayed: false),
        ]);
        Store.Publish(Node("web-2", NodeState.Live));

        var cut = Render<Overview>();

        var rows = cut.FindAll("[data-testid=notable-row]");
        Assert.Equal(["check critical", "upgraded", "died"], rows.Select(r => r.QuerySelector(".notable-kind")!.TextContent));
        Assert.Equal(["nodes/web%2F7", "nodes/web-2", "nodes/web-3"], rows.Select(r => r.QuerySelector("a")!.GetAttribute("href") ?? ""));
        Assert.Contains("CRITICAL: " + hostile, rows[0].TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=notable] img"));
        Assert.Contains("0.29.3 → 0.29.4", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("3m ago", rows[2].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Overview_NothingNotable_SaysWhatWouldShow()
    {
        Store.Publish(Node("web-2", NodeState.Live));

        var cut = Render<Overview>();

        Assert.Contains("Nothing notable yet", cut.Find("[data-testid=notable-empty]").TextContent);
    }

    [Fact]
    public void Overview_SeriesSampled_ChartsStatesAndEachComponentsVersions()
    {
        var t0 = Clock.GetUtcNow();
        Store.SeriesSamples.AddRange(
        [
            Sample(t0, live: 4, dead: 0, ("0.29.3", 4)),
            Sample(t0.AddMinutes(1), live: 3, dead: 1, ("0.29.3", 2), ("0.29.4", 1)),
            Sample(t0.AddMinutes(2), live: 4, dead: 0, ("0.29.4", 4)),
        ]);
        Store.Publish(Node("web-2", NodeState.Live));

        JSInterop.Setup<bool>("choriaTrend.draw", _ => true).SetResult(true);

        var cut = Render<Overview>();

        // What the browser is asked to draw: the fleet's states, then each component's version shares, newest first.
        Assert.NotNull(cut.Find("[data-testid=trend-states]"));
        Assert.NotNull(cut.Find("[data-testid=trend-versions-server]"));
        var charts = DrawnCharts();
        Assert.Equal(2, charts.Length);
        Assert.Equal(["live", "stale", "dead"], charts[0].Lines.Select(s => s.Name));
        Assert.Equal([4.0, 3.0, 4.0], charts[0].Lines[0].Values.ToArray());
        Assert.Equal([0.0, 1.0, 0.0], charts[0].Lines[2].Values.ToArray());
        Assert.Equal([t0.ToUnixTimeSeconds(), t0.AddMinutes(1).ToUnixTimeSeconds(), t0.AddMinutes(2).ToUnixTimeSeconds()], charts[0].Times.ToArray());
        Assert.Equal(["0.29.4", "0.29.3"], charts[1].Lines.Select(s => s.Name));
        Assert.Equal([0.0, 33.3, 100.0], charts[1].Lines[0].Values.ToArray());
        Assert.Equal([100.0, 66.7, 0.0], charts[1].Lines[1].Values.ToArray());
        Assert.Equal((100.0, "%"), (charts[1].YMax, charts[1].Unit));

        // The newest values in words under each chart (and for screen readers).
        Assert.Equal("Now: live 4 · stale 0 · dead 0", cut.Find("[data-testid=trend-states-latest]").TextContent.Trim());
        Assert.Equal("Now: 0.29.4 100 % · 0.29.3 0 %", cut.Find("[data-testid=trend-versions-server-latest]").TextContent.Trim());
    }

    [Fact]
    public void Overview_TwoTabsOpen_ShareOneComputationOfTheCharts()
    {
        var t0 = Clock.GetUtcNow();
        Store.SeriesSamples.AddRange([Sample(t0, live: 4, dead: 0, ("0.29.3", 4)), Sample(t0.AddMinutes(1), live: 3, dead: 1, ("0.29.4", 3))]);
        Store.Publish(Node("web-2", NodeState.Live));
        JSInterop.Setup<bool>("choriaTrend.draw", _ => true).SetResult(true);

        Render<Overview>();
        Render<Overview>();

        // Each tab draws the same spec instance: an open overview holds no copy of the history (issue 23, per-tab memory).
        var charts = DrawnCharts();
        Assert.Equal(4, charts.Length);
        Assert.Same(charts[0], charts[2]);
        Assert.Same(charts[1], charts[3]);
        Assert.Equal(1, Trends.Computed);
    }

    [Fact]
    public void Overview_NewSample_ChartsRedrawnWithIt()
    {
        var t0 = Clock.GetUtcNow();
        Store.SeriesSamples.AddRange([Sample(t0, live: 4, dead: 0, ("0.29.3", 4)), Sample(t0.AddMinutes(1), live: 4, dead: 0, ("0.29.3", 4))]);
        Store.Publish(Node("web-2", NodeState.Live));
        JSInterop.Setup<bool>("choriaTrend.draw", _ => true).SetResult(true);
        var cut = Render<Overview>();

        Store.SeriesSamples.Add(Sample(t0.AddMinutes(2), live: 2, dead: 2, ("0.29.3", 2)));
        Store.Publish(Node("web-3", NodeState.Live));

        WaitWhileTheClockRuns(cut, () => Assert.Equal("Now: live 2 · stale 0 · dead 2", cut.Find("[data-testid=trend-states-latest]").TextContent.Trim()));
        cut.WaitForAssertion(() =>
        {
            var states = DrawnCharts().Where(c => c.Lines[0].Name == "live").ToArray();
            Assert.Equal(2, states.Length);
            Assert.Equal([4.0, 4.0, 2.0], states[^1].Lines[0].Values.ToArray());
        });
    }

    private TrendChartSpec[] DrawnCharts() =>
        [.. JSInterop.Invocations["choriaTrend.draw"].Select(i => (TrendChartSpec)i.Arguments[1]!)];

    [Fact]
    public void Overview_FewerThanTwoSamples_SaysTheChartsFillIn()
    {
        Store.SeriesSamples.Add(Sample(Clock.GetUtcNow(), live: 1, dead: 0, ("0.29.4", 1)));
        Store.Publish(Node("web-2", NodeState.Live));

        var cut = Render<Overview>();

        Assert.Contains("1 of 2 samples", cut.Find("[data-testid=trend-waiting]").TextContent);
    }

    private static FleetSample Sample(DateTimeOffset at, int live, int dead, params (string Version, int Active)[] versions) =>
        new(at, [new ComponentSummary("server", live, 0, dead, 0, [.. versions.Select(v => new VersionCount(v.Version, v.Active, v.Active))])]);
}
