using AngleSharp.Dom;
using Bunit;
using ChoriaDashboard.Components.Wall;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Components.Tests.Wall;

/// <summary>What the wallboard shows for given fleet states and links, and how it pages and rotates by itself.</summary>
public sealed class WallPageTests : DashboardTestContext
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    public WallPageTests()
    {
        Services.AddSingleton(Options.Create(new WallOptions { TickerLength = 5, MaxListedChecks = 3 }));
        Services.AddSingleton(Options.Create(new FleetOptions()));
        Store.ReportBroker(Ready);
    }

    private BrokerStatus Ready => new(BrokerState.Connected, Clock.GetUtcNow(), "nats://127.0.0.1:4222", 3, 3, null);

    private DateTimeOffset Now => Clock.GetUtcNow();

    private IRenderedComponent<WallPage> Open(string query = "")
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo("wall" + query);
        var cut = Render<WallPage>();
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers), Wait);
        return cut;
    }

    /// <summary>Moves the fake clock one second at a time, as the board's own clock ticks.</summary>
    private void Advance(IRenderedComponent<WallPage> cut, int seconds)
    {
        for (var i = 0; i < seconds; i++)
        {
            var before = cut.Find("[data-testid=wall-clock]").TextContent;
            Clock.Advance(TimeSpan.FromSeconds(1));
            cut.WaitForAssertion(() => Assert.NotEqual(before, cut.Find("[data-testid=wall-clock]").TextContent), Wait);
        }
    }

    /// <summary>
    /// Moves the clock a second at a time until <paramref name="assertion"/> holds: a batch published from the test
    /// renders once the page's coalescing delay, which runs on the same fake clock, has passed.
    /// </summary>
    private void AdvanceUntil(IRenderedComponent<WallPage> cut, Action assertion, int maxSeconds = 10)
    {
        for (var i = 0; ; i++)
        {
            try
            {
                cut.WaitForAssertion(assertion, TimeSpan.FromMilliseconds(200));
                return;
            }
            catch (Exception) when (i < maxSeconds)
            {
                Advance(cut, 1);
            }
        }
    }

    private static string Text(IRenderedComponent<WallPage> cut, string testId) => cut.Find($"[data-testid={testId}]").TextContent.Trim();

    [Fact]
    public void Wall_FleetWithDeadNode_ShowsNumbersPerComponentAndTheWholeScreenSaysDead()
    {
        Store.Publish(
            Node("a.example.net", NodeState.Live),
            Node("b.example.net", NodeState.Live),
            Node("c.example.net", NodeState.Dead),
            Node("d.example.net", NodeState.Stale),
            Node("e.example.net", NodeState.Stopped),
            Node("p.example.net", NodeState.Live, component: ChoriaComponents.Provisioner));

        var cut = Open();

        var server = cut.Find("[data-testid=wall-tile][data-component=server]");
        Assert.Equal("LIVE2", Squash(server.QuerySelector("[data-testid=count-live]")!.TextContent));
        Assert.Equal("STALE1", Squash(server.QuerySelector("[data-testid=count-stale]")!.TextContent));
        Assert.Equal("DEAD1", Squash(server.QuerySelector("[data-testid=count-dead]")!.TextContent));
        Assert.Equal("STOPPED1", Squash(server.QuerySelector("[data-testid=count-stopped]")!.TextContent));
        Assert.Equal(2, cut.FindAll("[data-testid=wall-tile]").Count);
        Assert.Equal("dead", cut.Find("[data-testid=wall]").GetAttribute("data-state"));
        Assert.Contains("wall-state-dead", cut.Find("[data-testid=wall]").ClassName);
        Assert.Equal("1 DEAD · 1 STALE", Text(cut, "wall-status"));
        var problems = cut.FindAll("[data-testid=problem-row]").Select(r => r.GetAttribute("data-identity")).ToArray();
        Assert.Equal(["c.example.net", "d.example.net"], problems.Order());
    }

    [Fact]
    public void Wall_DeadNodeComesBack_ScreenGoesBackToAllGood()
    {
        Store.Publish(Node("a.example.net", NodeState.Live), Node("c.example.net", NodeState.Dead));
        var cut = Open();
        Assert.Equal("1 DEAD", Text(cut, "wall-status"));

        Store.Publish(Node("c.example.net", NodeState.Live));

        AdvanceUntil(cut, () => Assert.Equal("ALL GOOD", Text(cut, "wall-status")));
        Assert.Equal("good", cut.Find("[data-testid=wall]").GetAttribute("data-state"));
        // The problem list is rebuilt at most once a second, with the board's clock.
        AdvanceUntil(cut, () => Assert.Equal("No dead or stale nodes.", Text(cut, "no-problems")));
    }

    [Fact]
    public void Wall_EmptyFleet_WaitsWithoutAnAlarm()
    {
        var cut = Open();

        Assert.Equal("WAITING FOR EVENTS", Text(cut, "wall-status"));
        Assert.Equal("Waiting for Choria events.", Text(cut, "wall-empty"));
        Assert.Equal("no event yet", Text(cut, "wall-age"));
    }

    [Fact]
    public void Wall_LongProblemList_NewestProblemFirstAndPagesBySelf()
    {
        // 12 dead nodes, silent for 1..12 minutes: the one silent the shortest went wrong most recently.
        var start = Now;
        Store.Publish([.. Enumerable.Range(1, 12).Select(i => Node($"n{i:00}.example.net", NodeState.Dead, lastSeen: start - TimeSpan.FromMinutes(i)))]);

        var cut = Open("?views=problems&page=5s");

        Assert.Equal("page 1 / 2", Text(cut, "problems-page"));
        var first = cut.FindAll("[data-testid=problem-row]").Select(r => r.GetAttribute("data-identity")).ToArray();
        Assert.Equal(WallPage.ProblemRows, first.Length);
        Assert.Equal("n01.example.net", first[0]);
        Assert.Equal("n09.example.net", first[^1]);

        Advance(cut, 5);

        cut.WaitForAssertion(() => Assert.Equal("page 2 / 2", Text(cut, "problems-page")), Wait);
        Assert.Equal(["n10.example.net", "n11.example.net", "n12.example.net"], cut.FindAll("[data-testid=problem-row]").Select(r => r.GetAttribute("data-identity")));

        Advance(cut, 5);
        cut.WaitForAssertion(() => Assert.Equal("page 1 / 2", Text(cut, "problems-page")), Wait);
    }

    [Fact]
    public void Wall_SeveralViews_RotateEveryInterval()
    {
        Store.Publish(Node("a.example.net", NodeState.Live), Node("p.example.net", NodeState.Live, component: ChoriaComponents.Provisioner));
        var cut = Open("?views=overview,component,checks&interval=5s");

        Assert.Equal("overview", cut.Find("[data-testid=wall]").GetAttribute("data-view"));
        Assert.Contains("1 / 4", Text(cut, "wall-slide"));

        Advance(cut, 5);
        cut.WaitForAssertion(() => Assert.Equal("component", cut.Find("[data-testid=wall]").GetAttribute("data-view")), Wait);
        Assert.StartsWith("provisioner", Text(cut, "wall-slide"));

        Advance(cut, 5);
        cut.WaitForAssertion(() => Assert.StartsWith("server", Text(cut, "wall-slide")), Wait);

        Advance(cut, 5);
        cut.WaitForAssertion(() => Assert.Equal("checks", cut.Find("[data-testid=wall]").GetAttribute("data-view")), Wait);

        Advance(cut, 5);
        cut.WaitForAssertion(() => Assert.Equal("overview", cut.Find("[data-testid=wall]").GetAttribute("data-view")), Wait);
    }

    [Fact]
    public void Wall_ComponentView_VersionsInSemanticOrderNewestMarked()
    {
        Store.Publish(
            Node("a.example.net", NodeState.Live, "0.29.9"),
            Node("b.example.net", NodeState.Live, "0.29.10"),
            Node("c.example.net", NodeState.Live, "0.29.9"),
            Node("d.example.net", NodeState.Live, "0.9.99"));

        var cut = Open("?components=server&views=component");

        var versions = cut.FindAll("[data-testid=wall-version]").Select(v => Squash(v.TextContent)).ToArray();
        Assert.Equal(3, versions.Length);
        Assert.StartsWith("0.29.10(newest)25%1", versions[0]);
        Assert.StartsWith("0.29.950%2", versions[1]);
        Assert.StartsWith("0.9.9925%1", versions[2]);
    }

    [Fact]
    public void Wall_HigherVersionOnlyOnADeadNode_NewestIsWhatRunsAsOnTheOverview()
    {
        Store.Publish(
            Node("a.example.net", NodeState.Live, "0.29.3"),
            Node("b.example.net", NodeState.Live, "0.29.3"),
            Node("c.example.net", NodeState.Dead, "0.29.4"));
        var cut = Open("?components=server&views=component");
        var overview = Render<ChoriaDashboard.Components.Pages.Overview>();

        var versions = cut.FindAll("[data-testid=wall-version]").Select(v => Squash(v.TextContent)).ToArray();
        Assert.Equal(["0.29.40%0", "0.29.3(newest)100%2"], versions);
        Assert.Equal("0.29.3", overview.Find("[data-testid=newest-version]").TextContent);
        Assert.Equal("notonnewest0", Squash(overview.Find("[data-testid=component-server] [data-testid=outdated-count]").TextContent));
    }

    [Fact]
    public void Wall_ChosenComponents_OnlyTheirNumbersAndProblemsCount()
    {
        Store.Publish(
            Node("a.example.net", NodeState.Live),
            Node("b.example.net", NodeState.Dead, component: ChoriaComponents.ProvisionModeServer));

        var cut = Open("?components=server");

        Assert.Single(cut.FindAll("[data-testid=wall-tile]"));
        Assert.Equal("ALL GOOD", Text(cut, "wall-status"));
        Assert.Empty(cut.FindAll("[data-testid=problem-row]"));
    }

    [Fact]
    public void Wall_UnknownComponentAndInvalidValues_StillABoardWithNotices()
    {
        Store.Publish(Node("a.example.net", NodeState.Live));

        var cut = Open("?components=server,nosuch&views=overview,bogus&interval=abc&theme=pink&page=0s");

        Assert.Equal("overview", cut.Find("[data-testid=wall]").GetAttribute("data-view"));
        Assert.Contains("wall-dark", cut.Find("[data-testid=wall]").ClassName);
        Assert.Single(cut.FindAll("[data-testid=wall-tile]"));
        var notices = Text(cut, "wall-notices");
        Assert.Contains("Unknown component \"nosuch\"", notices);
        Assert.Contains("Ignored view \"bogus\"", notices);
        Assert.Contains("Ignored interval \"abc\"", notices);
        Assert.Contains("Ignored theme \"pink\"", notices);
        Assert.Contains("Ignored page \"0s\"", notices);
    }

    [Fact]
    public void Wall_LightTheme_FromTheLink()
    {
        var cut = Open("?theme=light");

        Assert.Contains("wall-light", cut.Find("[data-testid=wall]").ClassName);
        Assert.Empty(cut.FindAll("[data-testid=wall-notices]"));
    }

    [Fact]
    public void Wall_BrokerDisconnected_SaysNotCurrentInLargeType()
    {
        Store.Publish(Node("a.example.net", NodeState.Live));
        var cut = Open();
        Assert.Empty(cut.FindAll("[data-testid=wall-not-current]"));

        Store.ReportBroker(new BrokerStatus(BrokerState.Reconnecting, Now, null, 0, 3, "connection refused"));
        Store.ReportCurrency(new ViewCurrency { IsCurrent = false, NotCurrentSince = Now, Reason = "broker disconnected", LivenessPaused = true });
        Advance(cut, 1);

        cut.WaitForAssertion(() => Assert.Contains("NOT CURRENT", Text(cut, "wall-not-current")), Wait);
        Assert.Contains("broker disconnected", Text(cut, "wall-not-current"), StringComparison.Ordinal);
        Assert.Equal("not-current", cut.Find("[data-testid=wall]").GetAttribute("data-state"));
        Assert.Equal("NOT CURRENT", Text(cut, "wall-status"));
    }

    [Fact]
    public void Wall_StartupsShutdownsUpgradesAndDeaths_OnTheTickerNewestFirst()
    {
        Store.Publish(Node("a.example.net", NodeState.Live));
        var cut = Open();

        var at = Now;
        Store.Publish([Node("s.example.net", NodeState.Live, "0.29.4") with { Activity = new NodeActivity(at, LifecycleEventType.Startup) }], [News(NewsKind.Started, "s.example.net", at) with { Version = "0.29.4" }]);
        cut.WaitForAssertion(() => Assert.Contains("starteds.example.netserver0.29.4", Squash(cut.Find("[data-testid=ticker-entry]").TextContent)), Wait);
        Store.Publish([Node("x.example.net", NodeState.Stopped, lastSeen: at + TimeSpan.FromSeconds(1))], [News(NewsKind.Stopped, "x.example.net", at + TimeSpan.FromSeconds(1))]);
        Store.Publish([Node("u.example.net", NodeState.Live, "0.29.3") with { UpgradingTo = "0.29.4", Activity = new NodeActivity(at + TimeSpan.FromSeconds(2), LifecycleEventType.Upgraded) }], [News(NewsKind.Upgraded, "u.example.net", at + TimeSpan.FromSeconds(2)) with { FromVersion = "0.29.3", Version = "0.29.4", Announced = true }]);
        Store.Publish([Node("d.example.net", NodeState.Dead)], [News(NewsKind.Died, "d.example.net", Now)]);
        Store.Publish(Node("a.example.net", NodeState.Live)); // an alive: no news

        // The band shows the newest three; the startup, oldest, has dropped off the screen.
        AdvanceUntil(cut, () => Assert.Contains("DEAD", cut.Find("[data-testid=wall-ticker]").TextContent));
        var entries = cut.FindAll("[data-testid=ticker-entry]").Select(e => Squash(e.TextContent)).ToArray();
        Assert.Equal(WallPage.TickerEntries, entries.Length);
        Assert.Contains("DEADd.example.netserver", entries[0]);
        Assert.Contains("upgradingu.example.netserver0.29.3→0.29.4", entries[1]);
        Assert.Contains("stoppedx.example.netserver", entries[2]);
    }

    [Fact]
    public void Wall_FailingChecks_MostSevereFirstBoundedWithFullCount()
    {
        var at = Now;
        Store.Hosts["a.example.net"] = WallFleet.Host("a.example.net", at, ("load", NagiosStatus.Warning, "WARNING: load 5"), ("disk", NagiosStatus.Ok, "OK"));
        Store.Hosts["b.example.net"] = WallFleet.Host("b.example.net", at, ("httpd", NagiosStatus.Critical, "<b>CRITICAL</b>: down"));
        Store.Hosts["c.example.net"] = WallFleet.Host("c.example.net", at, ("ntp", NagiosStatus.Unknown, "UNKNOWN"), ("mem", NagiosStatus.Critical, "CRITICAL: swap"));
        Store.Health = new HealthSummary(Ok: 1, Warning: 1, Critical: 2, Unknown: 1);
        Store.Publish(Node("a.example.net", NodeState.Live));

        var cut = Open("?views=checks");

        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("[data-testid=check-row]").Count), Wait);
        Assert.Equal("CRITICAL2", Squash(Text(cut, "health-critical")));
        Assert.Contains("Failing checks · 4", cut.Find("[data-testid=wall-checks-view]").TextContent);
        var rows = cut.FindAll("[data-testid=check-row]").Select(r => Squash(r.TextContent)).ToArray();
        Assert.All(rows[..2], r => Assert.StartsWith("CRITICAL", r));
        Assert.StartsWith("WARNING", rows[2]);
        // Check output is shown as text, never as markup.
        Assert.Contains(rows, r => r.Contains("<b>CRITICAL</b>:down", StringComparison.Ordinal));
        Assert.Empty(cut.FindAll("[data-testid=check-row] b"));
    }

    [Fact]
    public void Wall_StaleCriticalCheck_NotListedAsFailingAndCountedStale()
    {
        var at = Now;
        var host = WallFleet.Host("gone.example.net", at, ("httpd", NagiosStatus.Critical, "CRITICAL: down"));
        var watcher = host.Machines.Values.Single().Watchers["httpd"];
        watcher.SetLatest(watcher.Latest with { StaleSince = at, StaleReason = StaleReason.NodeDead });
        Store.Hosts["gone.example.net"] = host;
        Store.Hosts["b.example.net"] = WallFleet.Host("b.example.net", at, ("load", NagiosStatus.Warning, "WARNING: load 5"));
        Store.Health = new HealthSummary(Ok: 0, Warning: 1, Critical: 0, Unknown: 0, NotChecked: 0, Stale: 1);
        Store.Publish(Node("b.example.net", NodeState.Live));

        var cut = Open("?views=checks");

        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=check-row]")), Wait);
        Assert.StartsWith("WARNING", Squash(cut.Find("[data-testid=check-row]").TextContent));
        Assert.Contains("Failing checks · 1", cut.Find("[data-testid=wall-checks-view]").TextContent);
        Assert.Contains("1 stale, not listed", cut.Find("[data-testid=wall-checks-view-stale]").TextContent);
        Assert.Equal("CRITICAL0", Squash(Text(cut, "health-critical")));
    }

    [Fact]
    public void Wall_HostileIdentity_ShownAsText()
    {
        const string hostile = "<img src=x onerror=alert(1)>";
        Store.Publish(Node(hostile, NodeState.Dead));

        var cut = Open();

        Assert.Equal(hostile, cut.Find("[data-testid=problem-row] .wall-identity").TextContent);
        Assert.Empty(cut.FindAll("img"));
    }

    public static TheoryData<string> HostileStrings => new()
    {
        "<img src=x onerror=\"window.__xss=1\">",
        "</script><script>window.__xss=1</script>",
        "\u202Eten.elpmaxe.live",
    };

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public void Wall_HostileIdentityAndVersion_ShownLiterallyInsideIsolatingElements(string hostile)
    {
        Store.Publish(Node("a.example.net", NodeState.Live), Node(hostile, NodeState.Dead));
        var cut = Open();

        Store.Publish([Node(hostile, NodeState.Live, version: hostile) with { Activity = new NodeActivity(Now, LifecycleEventType.Startup) }], [News(NewsKind.Started, hostile, Now) with { Version = hostile }]);

        // Live again: the version is on the tile, the startup (identity and version) on the ticker.
        cut.WaitForAssertion(() => Assert.Contains(hostile, cut.Find("[data-testid=ticker-entry]").TextContent, StringComparison.Ordinal), Wait);
        AdvanceUntil(cut, () => Assert.Contains(hostile, cut.Find("[data-testid=tile-versions]").TextContent, StringComparison.Ordinal));
        AssertShownLiterallyAndIsolated(cut, hostile, atLeast: 3);
    }

    [Theory]
    [MemberData(nameof(HostileStrings))]
    public void Wall_HostileDeadIdentityAndCheckOutput_ShownLiterallyInsideIsolatingElements(string hostile)
    {
        Store.Hosts[hostile] = WallFleet.Host(hostile, Now, (hostile, NagiosStatus.Critical, hostile));
        Store.Health = new HealthSummary(Ok: 0, Warning: 0, Critical: 1, Unknown: 0);
        Store.Publish(Node(hostile, NodeState.Dead, version: hostile));

        var cut = Open("?views=checks,problems");

        // Identity, check name and output on the checks slide.
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=check-row]")), Wait);
        AssertShownLiterallyAndIsolated(cut, hostile, atLeast: 3);
    }

    /// <summary>
    /// Every text node with <paramref name="hostile"/> in it holds exactly that text (never markup), and it and every
    /// other text with a bidi override (the checks' machine is named after the identity) sits in an element marked untrusted, which app.css isolates (<c>unicode-bidi: isolate</c>) so a bidi override cannot spill over.
    /// </summary>
    private static void AssertShownLiterallyAndIsolated(IRenderedComponent<WallPage> cut, string hostile, int atLeast)
    {
        var texts = cut.Nodes.SelectMany(n => n.GetDescendantsAndSelf()).OfType<AngleSharp.Dom.IText>()
            .Where(t => t.Data.Contains(hostile, StringComparison.Ordinal) || t.Data.Contains('\u202E', StringComparison.Ordinal))
            .ToArray();
        Assert.True(texts.Length >= atLeast, $"expected the hostile string at least {atLeast} times, found {texts.Length}");
        Assert.All(texts, t =>
        {
            if (t.Data.Contains(hostile, StringComparison.Ordinal))
            {
                Assert.Equal(hostile, t.Data.Trim());
            }

            Assert.NotNull(t.ParentElement?.Closest(".untrusted"));
        });
        Assert.Empty(cut.FindAll("img"));
        Assert.Empty(cut.FindAll("script"));
    }

    [Fact]
    public async Task Wall_Disposed_LetsGoOfItsFleetSubscription()
    {
        Open();

        await DisposeComponentsAsync();

        Assert.Equal(0, Store.Subscribers);
    }

    [Fact]
    public void Wall_OneComponentWithFiveDigitCount_EveryCountOnTheBoardSizedForThatWidth()
    {
        Store.Publish(
            [.. Enumerable.Range(0, 10_000).Select(i => Node($"web-{i}.example.net", NodeState.Live)),
             Node("p.example.net", NodeState.Dead, component: ChoriaComponents.Provisioner)]);

        var cut = Open();

        // "10,000" is 4.0 em wide: the one size of every count on the overview, the provisioner's single dead node too.
        cut.WaitForAssertion(() => Assert.Equal("--count-em: 4", cut.Find(".wall-main").GetAttribute("style")), Wait);
        Assert.Equal("10,000", cut.Find("[data-component=server] [data-testid=count-live] .wall-count-value").TextContent);
        Assert.All(cut.FindAll(".wall-count-value"), value => Assert.Null(value.GetAttribute("style")));
    }

    [Fact]
    public void Wall_ComponentViewOfSmallComponent_CountsSizedForItsOwnNumbers()
    {
        Store.Publish(
            [.. Enumerable.Range(0, 10_000).Select(i => Node($"web-{i}.example.net", NodeState.Live)),
             Node("p.example.net", NodeState.Dead, component: ChoriaComponents.Provisioner)]);

        var cut = Open("?views=component&components=provisioner");

        // Its counts are at most one digit: sized for three (2.16 em), not for the server's 10,000 it does not show.
        cut.WaitForAssertion(() => Assert.Equal("--count-em: 2.16", cut.Find(".wall-main").GetAttribute("style")), Wait);
    }

    /// <summary>The text without any white space, so markup line breaks do not matter.</summary>
    private static string Squash(string text) => string.Concat(text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Live news of a server node, as the writer tells it with the node's change.</summary>
    private static FleetNews News(NewsKind kind, string identity, DateTimeOffset at) => new(at, kind, identity, ChoriaComponents.Server, null, null, Replayed: false);
}
