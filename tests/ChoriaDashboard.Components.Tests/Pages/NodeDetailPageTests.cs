using System.Collections.Immutable;
using Bunit;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;
using static ChoriaDashboard.TestKit.TestSnapshots;

namespace ChoriaDashboard.Components.Tests.Pages;

public sealed class NodeDetailPageTests : DashboardTestContext
{
    private const string Web = "web-1.example.net";

    [Fact]
    public void NodeDetail_KnownIdentity_ShowsComponentsHistoryMachinesAndChecks()
    {
        var startedAt = Clock.GetUtcNow().AddHours(-2);
        Store.Publish(WithHistory(
            Node(Web, NodeState.Live, "0.29.4", lastSeen: Clock.GetUtcNow(), firstSeen: startedAt.AddDays(-1)) with { LastStartup = startedAt },
            (startedAt, LifecycleEventType.Startup, "0.29.4"),
            (startedAt.AddMinutes(30), LifecycleEventType.Alive, "0.29.4")));
        Store.GovernorEntries.Add(new GovernorHistoryEntry(startedAt.AddMinutes(40), "PUPPET", "enter", 3, $"Auto Agent  app_deploy#deploy @ {Web}", "app_deploy"));
        Store.PublishMachine(Web, "check_disk", Machine("OK", "CRITICAL", "fail", startedAt.AddMinutes(50)),
            ("disk", WatcherTypes.Nagios, Critical("DISK CRITICAL - / 97% used", startedAt.AddMinutes(50))));

        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Identity, Web));

        var component = cut.Find("[data-testid=component-row]");
        Assert.Equal("live", component.GetAttribute("data-state"));
        Assert.Contains("0.29.4", component.TextContent);
        Assert.Equal("2h 0m", cut.Find("[data-testid=uptime]").TextContent.Trim());
        Assert.Equal(["governor", "alive", "startup"], cut.FindAll("[data-testid=event-row]").Select(r => r.GetAttribute("data-type")));
        Assert.Contains("PUPPET enter slot 3", cut.Find("[data-testid=detail-events]").TextContent);
        var machine = cut.Find("[data-testid=machine-row]");
        Assert.Contains("CRITICAL", machine.TextContent);
        Assert.Contains("OK → CRITICAL", cut.Find("[data-testid=machine-transitions]").TextContent);
        var check = cut.Find("[data-testid=check-row]");
        Assert.Equal("critical", check.GetAttribute("data-health"));
        Assert.Contains("CRITICAL", check.TextContent);
        Assert.Equal("DISK CRITICAL - / 97% used", check.QuerySelector("[data-testid=check-output]")!.TextContent);
        Assert.Equal("used=97%", check.QuerySelector("[data-testid=check-perfdata]")!.TextContent);
        Assert.Equal("OWC", check.QuerySelector("[data-testid=check-history]")!.TextContent.Replace(" ", "").Replace("\n", ""));
    }

    [Fact]
    public void NodeDetail_UnknownIdentity_SaysNotSeen()
    {
        Store.Publish(Node(Web, NodeState.Live));

        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Identity, "nobody.example.net"));

        Assert.Contains("No event from nobody.example.net has been seen", cut.Find("[data-testid=not-seen]").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=component-row]"));
    }

    [Fact]
    public void NodeDetail_RawToggle_ShowsTheEventExactlyAsReceivedAsText()
    {
        var at = Clock.GetUtcNow().AddMinutes(-1);
        const string body = "{\"protocol\":\"io.choria.lifecycle.v1.alive\",\"identity\":\"web-1.example.net\",\"version\":\"<img src=x onerror=alert(1)></script>\u202E\u200D\"}";
        Store.Raw.Capture("choria.lifecycle.event.alive.server", Web, WireFormat.Legacy, at, null, System.Text.Encoding.UTF8.GetBytes(body));
        Store.Publish(WithHistory(Node(Web, NodeState.Live, lastSeen: at), (at, LifecycleEventType.Alive, "0.29.4")));
        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Identity, Web));

        cut.Find("[data-testid=raw-toggle]").Click();

        var raw = cut.Find("[data-testid=raw-event]");
        Assert.Contains("subject: choria.lifecycle.event.alive.server", raw.TextContent);
        Assert.EndsWith("\n" + body, raw.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("img"));
    }

    [Fact]
    public void NodeDetail_ParametersSetAgainForTheSameNode_RawEventStaysOpen()
    {
        var at = Clock.GetUtcNow().AddMinutes(-1);
        Store.Raw.Capture("choria.lifecycle.event.alive.server", Web, WireFormat.Legacy, at, null, "{}"u8);
        Store.Publish(WithHistory(Node(Web, NodeState.Live, lastSeen: at), (at, LifecycleEventType.Alive, "0.29.4")));
        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Identity, Web));
        cut.Find("[data-testid=raw-toggle]").Click();

        // What the layout re-rendering does to the page.
        cut.Render(p => p.Add(x => x.Identity, Web));

        Assert.Single(cut.FindAll("[data-testid=raw-event]"));
    }

    [Fact]
    public void NodeDetail_NewComponentForThisIdentity_AppearsWithoutReload()
    {
        Store.Publish(Node(Web, NodeState.Live));
        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Identity, Web));
        cut.WaitForAssertion(() => Assert.Equal(1, Store.Subscribers));

        Store.Publish(Node(Web, NodeState.Dead, component: ChoriaComponents.ProvisionModeServer));

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindAll("[data-testid=component-row]").Count), TimeSpan.FromSeconds(5));
        Assert.Equal("dead", cut.Find("[data-component=provision_mode_server]").GetAttribute("data-state"));
    }

    [Fact]
    public void NodeDetail_SteadyCadence_ShownWithTheThresholdsItGives()
    {
        var node = Node(Web, NodeState.Live, "0.29.4", lastSeen: Clock.GetUtcNow());
        node.Activity.SetCadence(new AliveCadence(TimeSpan.FromMinutes(30) + TimeSpan.FromSeconds(4), 5));
        Store.Publish(node);

        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Identity, Web));

        var cadence = cut.Find("[data-testid=cadence]");
        Assert.Equal("every ~30 min, seen 5 times", cadence.TextContent.Trim());
        Assert.Equal("stale after 45.1 min of silence, dead after 1.3 h", cadence.GetAttribute("title"));
    }

    [Theory]
    [InlineData("0.28.0", 0, "every ~1 h (from its version)")]
    [InlineData("0.29.4", 1, "learning (1 interval of ~30 min)")]
    [InlineData("0.29.4", 0, "not known yet")]
    public void NodeDetail_CadenceNotSteady_SaysWhatLivenessGoesBy(string version, int intervals, string shown)
    {
        var node = Node(Web, NodeState.Live, version, lastSeen: Clock.GetUtcNow());
        node.Activity.SetCadence(new AliveCadence(intervals > 0 ? TimeSpan.FromMinutes(30) : TimeSpan.Zero, intervals));
        Store.Publish(node);

        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Identity, Web));

        Assert.Equal(shown, cut.Find("[data-testid=cadence]").TextContent.Trim());
    }

    [Fact]
    public void NodeDetail_StaleCheck_ShownStaleWithWhyAndItsLastResult()
    {
        var at = Clock.GetUtcNow().AddMinutes(-30);
        Store.Publish(Node(Web, NodeState.Stopped, lastSeen: at));
        Store.PublishMachine(Web, "check_disk", Machine("OK", "CRITICAL", "fail", at),
            ("disk", WatcherTypes.Nagios, Critical("DISK CRITICAL - / 97% used", at) with { StaleSince = at.AddSeconds(5), StaleReason = StaleReason.NodeStopped }));

        var cut = Render<NodeDetailPage>(p => p.Add(x => x.Identity, Web));

        var check = cut.Find("[data-testid=check-row]");
        Assert.Equal("stale", check.GetAttribute("data-health"));
        Assert.Equal("STALE", check.QuerySelector(".state-chip")!.TextContent.Trim());
        Assert.Contains("not current for 29m: its node stopped; last result CRITICAL", check.QuerySelector("[data-testid=check-stale]")!.TextContent);
        Assert.DoesNotContain("failing for", check.TextContent);
    }

    [Fact]
    public void Link_IdentityWithUrlCharacters_IsEscaped() =>
        Assert.Equal("nodes/a%20b%3Fc%23d", NodeDetailPage.Link("a b?c#d"));

    private static NodeSnapshot WithHistory(NodeSnapshot node, params (DateTimeOffset At, LifecycleEventType Type, string? Detail)[] entries)
    {
        var activity = new NodeActivity(node.LastSeen, node.LastEvent, new HistoryDetails(100));
        foreach (var (at, type, detail) in entries)
        {
            activity.Record(at, new NodeHistoryEntry(at, type, WireFormat.Legacy, detail), 32);
        }

        return node with { Activity = activity };
    }

    internal static MachineSnapshot Machine(string from, string to, string transition, DateTimeOffset at) => new()
    {
        Version = "1.0.0",
        State = to,
        LastTransition = transition,
        LastTransitionAt = at,
        Transitions = [new MachineTransition(at, transition, from, to)],
    };

    internal static WatcherSnapshot Critical(string output, DateTimeOffset at) => new()
    {
        ReceivedAt = at,
        Health = NagiosStatus.Critical,
        Status = "CRITICAL",
        StatusCode = 2,
        Output = output,
        CheckTime = at,
        FailingSince = at.AddMinutes(-10),
        PerfData = [new NagiosPerfData("used", 97, "%")],
        History = ImmutableArray.Create(new NagiosHistoryItem(at.AddMinutes(-20), 0), new NagiosHistoryItem(at.AddMinutes(-10), 1), new NagiosHistoryItem(at, 2)),
    };
}
