using Bunit;
using ChoriaDashboard.Components.Pages;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Queries;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace ChoriaDashboard.Components.Tests.Pages;

public sealed class ChecksPageTests : DashboardTestContext
{
    [Fact]
    public void Checks_MixedStatuses_FailingFirstWithOutputAndNodeLink()
    {
        var now = Clock.GetUtcNow();
        Publish("ok.example.net", NagiosStatus.Ok, "OK: fine", now);
        Publish("warn.example.net", NagiosStatus.Warning, "LOAD WARNING", now.AddMinutes(-1));
        Publish("crit-new.example.net", NagiosStatus.Critical, "DISK CRITICAL new", now.AddMinutes(-2));
        Publish("crit-old.example.net", NagiosStatus.Critical, "DISK CRITICAL old", now.AddMinutes(-30));

        var cut = Render<ChecksPage>();

        var rows = cut.FindAll("[data-testid=check-row]");
        Assert.Equal(["crit-old.example.net", "crit-new.example.net", "warn.example.net", "ok.example.net"], rows.Select(r => r.GetAttribute("data-identity")));
        Assert.Equal("DISK CRITICAL old", rows[0].QuerySelector("[data-testid=check-output]")!.TextContent);
        Assert.Contains("30m", rows[0].TextContent);
        Assert.Equal("nodes/crit-old.example.net", rows[0].QuerySelector("a.node-link")!.GetAttribute("href"));
    }

    [Fact]
    public void Checks_FiltersInUrl_ShowOnlyMatchingChecks()
    {
        var now = Clock.GetUtcNow();
        Publish("a.example.net", NagiosStatus.Critical, "A disk", now, check: "disk");
        Publish("a.example.net", NagiosStatus.Warning, "A load", now, check: "load", machine: "check_load");
        Publish("b.example.net", NagiosStatus.Critical, "B disk", now, check: "disk");
        Publish("a.example.net", NagiosStatus.Ok, "A ntp", now, check: "ntp", machine: "check_ntp");
        Services.GetRequiredService<NavigationManager>().NavigateTo("checks?status=critical,warning&identity=a.example.net");

        var cut = Render<ChecksPage>();

        Assert.Equal(["A disk", "A load"], cut.FindAll("[data-testid=check-output]").Select(o => o.TextContent));

        Services.GetRequiredService<NavigationManager>().NavigateTo("checks?status=critical&check=disk");
        cut.WaitForAssertion(() => Assert.Equal(["A disk", "B disk"], cut.FindAll("[data-testid=check-output]").Select(o => o.TextContent)));
    }

    [Fact]
    public void Checks_Counts_FromTheFleetAndLinkedToTheirFilter()
    {
        Store.Health = new HealthSummary(Ok: 7, Warning: 2, Critical: 3, Unknown: 1, NotChecked: 4);
        Publish("a.example.net", NagiosStatus.Critical, "x", Clock.GetUtcNow());

        var cut = Render<ChecksPage>();

        foreach (var (status, count) in new[] { ("ok", "7"), ("warning", "2"), ("critical", "3"), ("unknown", "1"), ("notchecked", "4") })
        {
            var link = cut.Find($"[data-testid=checks-total-{status}]");
            Assert.Equal($"checks?status={status}", link.GetAttribute("href"));
            Assert.Contains(count, link.TextContent);
        }
    }

    [Fact]
    public void Checks_StaleCheck_ShownStaleAfterCurrentProblemsAndCountedApart()
    {
        var now = Clock.GetUtcNow();
        Store.Health = new HealthSummary(Ok: 1, Warning: 0, Critical: 1, Unknown: 0, NotChecked: 0, Stale: 1);
        Publish("ok.example.net", NagiosStatus.Ok, "OK: fine", now);
        Publish("gone.example.net", NagiosStatus.Critical, "DISK CRITICAL then", now.AddHours(-3), stale: (now.AddMinutes(-7), StaleReason.Silent));
        Publish("crit.example.net", NagiosStatus.Critical, "DISK CRITICAL now", now.AddMinutes(-1));

        var cut = Render<ChecksPage>();

        var rows = cut.FindAll("[data-testid=check-row]");
        Assert.Equal(["crit.example.net", "gone.example.net", "ok.example.net"], rows.Select(r => r.GetAttribute("data-identity")));
        Assert.Equal(["critical", "stale", "ok"], rows.Select(r => r.GetAttribute("data-health")));
        Assert.Equal("STALE", rows[1].QuerySelector(".state-chip")!.TextContent.Trim());
        Assert.Equal("stale 7m: no result for too long", rows[1].QuerySelector("[data-testid=check-stale]")!.TextContent.Trim());
        Assert.DoesNotContain("3h", rows[1].TextContent);
        var card = cut.Find("[data-testid=checks-total-stale]");
        Assert.Equal("checks?status=stale", card.GetAttribute("href"));
        Assert.Contains("1", card.TextContent);
        Assert.Contains("1", cut.Find("[data-testid=checks-total-critical]").TextContent);
    }

    [Fact]
    public void Checks_StatusStaleInUrl_OnlyStaleChecks()
    {
        var now = Clock.GetUtcNow();
        Publish("gone.example.net", NagiosStatus.Critical, "then", now, stale: (now, StaleReason.NodeDead));
        Publish("crit.example.net", NagiosStatus.Critical, "now", now);
        Services.GetRequiredService<NavigationManager>().NavigateTo("checks?status=stale");

        var cut = Render<ChecksPage>();

        Assert.Equal(["gone.example.net"], cut.FindAll("[data-testid=check-row]").Select(r => r.GetAttribute("data-identity")));

        Services.GetRequiredService<NavigationManager>().NavigateTo("checks?status=critical");
        cut.WaitForAssertion(() => Assert.Equal(["crit.example.net"], cut.FindAll("[data-testid=check-row]").Select(r => r.GetAttribute("data-identity"))));
    }

    [Fact]
    public void Checks_HostileOutput_RenderedAsText()
    {
        const string hostile = "<img src=x onerror=alert(1)></script>\u202Ereversed\u200D";
        Publish("a.example.net", NagiosStatus.Critical, hostile, Clock.GetUtcNow());

        var cut = Render<ChecksPage>();

        Assert.Equal(hostile, cut.Find("[data-testid=check-output]").TextContent);
        Assert.Empty(cut.FindAll("tbody img"));
    }

    [Fact]
    public void Checks_TwoTabsOnTheSameFilter_HoldTheSameRows()
    {
        Publish("a.example.net", NagiosStatus.Critical, "A disk", Clock.GetUtcNow());
        Publish("b.example.net", NagiosStatus.Warning, "B disk", Clock.GetUtcNow());

        var first = Render<ChecksPage>();
        var second = Render<ChecksPage>();

        // One computation for both: a tab costs a reference to the list, not its own rows (fails when each page computes).
        Assert.Equal(2, first.Instance.Rows.Count);
        Assert.Same(first.Instance.Rows, second.Instance.Rows);
        Assert.Equal(1, Services.GetRequiredService<CheckListCache>().Computed);
    }

    [Fact]
    public void Link_SeveralStatuses_InPageOrderCommaSeparated() =>
        Assert.Equal(
            "checks?status=critical,notchecked&check=disk&identity=a",
            ChecksPage.Link(new CheckQuery { Statuses = [NagiosStatus.NotChecked, NagiosStatus.Critical], Check = "disk", Identity = "a" }));

    private void Publish(string identity, NagiosStatus health, string output, DateTimeOffset since, string check = "disk", string machine = "check_disk", (DateTimeOffset Since, StaleReason Why)? stale = null) =>
        Store.PublishMachine(identity, machine, new MachineSnapshot { State = health.ToString().ToUpperInvariant() },
            (check, WatcherTypes.Nagios, new WatcherSnapshot
            {
                ReceivedAt = Clock.GetUtcNow(),
                Health = health,
                Output = output,
                CheckTime = Clock.GetUtcNow(),
                FailingSince = health is NagiosStatus.Ok ? null : since,
                StaleSince = stale?.Since,
                StaleReason = stale?.Why,
            }));
}
