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
    public void Checks_HostileOutput_RenderedAsText()
    {
        const string hostile = "<img src=x onerror=alert(1)></script>\u202Ereversed\u200D";
        Publish("a.example.net", NagiosStatus.Critical, hostile, Clock.GetUtcNow());

        var cut = Render<ChecksPage>();

        Assert.Equal(hostile, cut.Find("[data-testid=check-output]").TextContent);
        Assert.Empty(cut.FindAll("tbody img"));
    }

    [Fact]
    public void Link_SeveralStatuses_InPageOrderCommaSeparated() =>
        Assert.Equal(
            "checks?status=critical,notchecked&check=disk&identity=a",
            ChecksPage.Link(new CheckQuery { Statuses = [NagiosStatus.NotChecked, NagiosStatus.Critical], Check = "disk", Identity = "a" }));

    private void Publish(string identity, NagiosStatus health, string output, DateTimeOffset since, string check = "disk", string machine = "check_disk") =>
        Store.PublishMachine(identity, machine, new MachineSnapshot { State = health.ToString().ToUpperInvariant() },
            (check, WatcherTypes.Nagios, new WatcherSnapshot
            {
                ReceivedAt = Clock.GetUtcNow(),
                Health = health,
                Output = output,
                CheckTime = Clock.GetUtcNow(),
                FailingSince = health is NagiosStatus.Ok ? null : since,
            }));
}
