using Bunit;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Components.Tests.Pages;

public sealed class NodesPageTests : DashboardTestContext
{
    [Fact]
    public void NodesPage_DefaultOrder_PutsDeadFirst()
    {
        Store.Publish(
            Node("a.example.net", NodeState.Live),
            Node("b.example.net", NodeState.Dead),
            Node("c.example.net", NodeState.Stale));

        var cut = Render<NodesPage>();

        var identities = cut.FindAll("[data-testid=node-row]").Select(r => r.GetAttribute("data-identity") ?? "").ToArray();
        Assert.Equal(new[] { "b.example.net", "c.example.net", "a.example.net" }, identities);
        Assert.Contains("3 of 3 nodes", cut.Find("[data-testid=row-count]").TextContent);
    }

    [Fact]
    public void NodesPage_StateFilterInUrl_ShowsOnlyThatState()
    {
        Store.Publish(
            Node("a.example.net", NodeState.Live),
            Node("b.example.net", NodeState.Dead),
            Node("c.example.net", NodeState.Dead, component: ChoriaComponents.ProvisionModeServer));
        Services.GetRequiredService<NavigationManager>().NavigateTo("nodes?state=dead&component=server");

        var cut = Render<NodesPage>();

        var row = Assert.Single(cut.FindAll("[data-testid=node-row]"));
        Assert.Equal("b.example.net", row.GetAttribute("data-identity"));
        Assert.Equal("dead", row.GetAttribute("data-state"));
    }

    [Fact]
    public void NodesPage_NodeChangesState_RowFollowsWithoutReload()
    {
        Store.Publish(Node("a.example.net", NodeState.Live));
        var cut = Render<NodesPage>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));

        Store.Publish(Node("a.example.net", NodeState.Dead), Node("z.example.net", NodeState.Live));

        cut.WaitForAssertion(
            () => Assert.Equal("dead", cut.Find("[data-identity='a.example.net']").GetAttribute("data-state")),
            TimeSpan.FromSeconds(5));
        Assert.Equal(2, cut.FindAll("[data-testid=node-row]").Count);
    }

    [Fact]
    public void NodesPage_HostileComponentName_RenderedAsText()
    {
        const string hostile = "<script>alert(1)</script>";
        Store.Publish(Node("a.example.net", NodeState.Live, component: hostile));

        var cut = Render<NodesPage>();

        Assert.Empty(cut.FindAll("tbody script"));
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void NodesPage_UpgradeAnnounced_ShowsTargetVersion()
    {
        Store.Publish(Node("a.example.net", NodeState.Live, "0.29.3") with { UpgradingTo = "0.29.4" });

        var cut = Render<NodesPage>();

        Assert.Contains("→ 0.29.4", cut.Find("[data-identity='a.example.net']").TextContent);
    }

    [Fact]
    public void Link_QueryWithFilters_IsTheUrlTheOverviewUses()
    {
        var link = NodesPage.Link(new NodeQuery { Component = ChoriaComponents.Server, State = NodeState.Dead, Version = "0.29.4", Search = "web" });

        Assert.Equal("nodes?q=web&component=server&state=dead&version=0.29.4", link);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("")]
    [InlineData("%3Cscript%3E")]
    public void NodesPage_HandEditedDescParameter_StillRendersInDefaultDirection(string desc)
    {
        Store.Publish(Node("a.example.net", NodeState.Live), Node("b.example.net", NodeState.Dead));
        Services.GetRequiredService<NavigationManager>().NavigateTo($"nodes?sort=identity&desc={desc}");

        var cut = Render<NodesPage>();

        var identities = cut.FindAll("[data-testid=node-row]").Select(r => r.GetAttribute("data-identity") ?? "").ToArray();
        Assert.Equal(new[] { "a.example.net", "b.example.net" }, identities);
    }

    [Fact]
    public void NodesPage_DescTrue_SortsDescending()
    {
        Store.Publish(Node("a.example.net", NodeState.Live), Node("b.example.net", NodeState.Live));
        Services.GetRequiredService<NavigationManager>().NavigateTo("nodes?sort=identity&desc=true");

        var cut = Render<NodesPage>();

        var identities = cut.FindAll("[data-testid=node-row]").Select(r => r.GetAttribute("data-identity") ?? "").ToArray();
        Assert.Equal(new[] { "b.example.net", "a.example.net" }, identities);
    }

    [Fact]
    public void NodesPage_NumberedIdentities_ProblemsFirstThenNaturalOrder()
    {
        Store.Publish(
            Node("web-1", NodeState.Live),
            Node("web-10", NodeState.Dead),
            Node("web-2", NodeState.Dead),
            Node("web-9", NodeState.Live));

        var cut = Render<NodesPage>();

        Assert.Equal(["web-2", "web-10", "web-1", "web-9"], cut.FindAll("[data-testid=node-row]").Select(r => r.GetAttribute("data-identity") ?? ""));
    }

    [Fact]
    public void NodesPage_OutdatedInUrl_ShowsOnlyNodesNotOnTheirNewestVersion()
    {
        Store.Publish(
            Node("web-1", NodeState.Live, "0.29.10"),
            Node("web-2", NodeState.Live, "0.29.9"),
            Node("web-3", NodeState.Dead, "0.29.4"),
            Node("web-4", NodeState.Stopped, null),
            Node("web-1", NodeState.Live, "0.1.0", component: ChoriaComponents.Provisioner));
        Services.GetRequiredService<NavigationManager>().NavigateTo("nodes?outdated=true");

        var cut = Render<NodesPage>();

        Assert.Equal(["web-3", "web-2"], cut.FindAll("[data-testid=node-row]").Select(r => r.GetAttribute("data-identity") ?? ""));
        Assert.Contains("not on newest version", cut.Find("[data-testid=filter-outdated-chip]").TextContent);
        Assert.Contains("2 of 5 nodes", cut.Find("[data-testid=row-count]").TextContent);
    }

    [Fact]
    public void NodesPage_VersionInUrl_FiltersAndOffersVersionsNewestFirst()
    {
        Store.Publish(Node("web-1", NodeState.Live, "0.29.9"), Node("web-2", NodeState.Live, "0.29.10"));
        Services.GetRequiredService<NavigationManager>().NavigateTo("nodes?version=0.29.9");

        var cut = Render<NodesPage>();

        Assert.Equal("web-1", Assert.Single(cut.FindAll("[data-testid=node-row]")).GetAttribute("data-identity"));
        Assert.Contains("version 0.29.9", cut.Find("[data-testid=filter-version]").TextContent);
    }

    [Fact]
    public void NodesPage_Identity_LinksToItsNodePageEscaped()
    {
        Store.Publish(Node("web/1?x=%", NodeState.Live));

        var cut = Render<NodesPage>();

        var link = cut.Find("[data-testid=node-row] td.identity a");
        Assert.Equal("nodes/web%2F1%3Fx%3D%25", link.GetAttribute("href"));
        Assert.Equal("web/1?x=%", link.TextContent);
    }

    [Fact]
    public void NodesPage_ExportButtons_CarryTheCurrentFilterAndOrder()
    {
        Store.Publish(Node("web-1", NodeState.Dead));
        Services.GetRequiredService<NavigationManager>().NavigateTo("nodes?state=dead&outdated=true&sort=identity&desc=true");

        var cut = Render<NodesPage>();

        Assert.Equal("export/nodes.csv?state=dead&outdated=true&sort=identity&desc=true", cut.Find("[data-testid=export-csv]").GetAttribute("href"));
        Assert.Equal("export/nodes.json?state=dead&outdated=true&sort=identity&desc=true", cut.Find("[data-testid=export-json]").GetAttribute("href"));
    }
}
