using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Queries;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet.Queries;

public sealed class CheckQueryTests
{
    [Fact]
    public void Apply_MixedChecks_FailingFirstLongestFailingFirstThenNotCheckedThenOk()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Nagios("ok.example.net", "check_load", "load", 0));
        fleet.Apply(Ev.Nagios("old.example.net", "check_disk", "disk", 2));
        fleet.AdvanceMinutes(5);
        fleet.Apply(Ev.Nagios("new.example.net", "check_disk", "disk", 2));
        fleet.Apply(Ev.Nagios("warn.example.net", "check_load", "load", 1));
        fleet.Apply(Ev.Nagios("unknown.example.net", "check_load", "load", 3));
        fleet.Apply(Ev.Nagios("pending.example.net", "check_load", "load", 5));

        var rows = new CheckQuery().Apply(fleet.State.Machines);

        Assert.Equal(
            ["old.example.net", "new.example.net", "warn.example.net", "unknown.example.net", "pending.example.net", "ok.example.net"],
            rows.Select(r => r.Identity));
    }

    [Fact]
    public void Apply_StatusCheckAndIdentityFilters_AreExactAndCombine()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Nagios("web-1", "check_disk", "disk", 2));
        fleet.Apply(Ev.Nagios("web-10", "check_disk", "disk", 2));
        fleet.Apply(Ev.Nagios("web-1", "check_load", "load", 1));
        fleet.Apply(Ev.Nagios("web-1", "check_ntp", "ntp", 0));

        Assert.Equal(2, new CheckQuery { Statuses = CheckQuery.ParseStatuses("critical,warning"), Identity = "web-1" }.Apply(fleet.State.Machines).Length);
        var disk = Assert.Single(new CheckQuery { Check = "disk", Identity = "web-1" }.Apply(fleet.State.Machines));
        Assert.Equal(NagiosStatus.Critical, disk.Health);
        Assert.Empty(new CheckQuery { Identity = "web" }.Apply(fleet.State.Machines));
    }

    [Fact]
    public void Apply_ScoutLayout_ChecksNamedByTheirMachineAndFoundByIt()
    {
        // Choria Scout: one machine per check, its nagios watcher named "check" (docs: choria-events.md, 3.3).
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Nagios("web-1", "check_httpd", "check", 2));
        fleet.Apply(Ev.Nagios("web-1", "check_disk", "check", 0));
        fleet.Apply(Ev.Nagios("web-1", "app_health", "disk", 1));

        var rows = new CheckQuery().Apply(fleet.State.Machines);

        Assert.Equal(["check_httpd", "app_health#disk", "check_disk"], rows.Select(r => r.Check));
        Assert.Equal("check_httpd", Assert.Single(new CheckQuery { Check = "check_httpd" }.Apply(fleet.State.Machines)).Check);
        Assert.Equal("app_health#disk", Assert.Single(new CheckQuery { Check = "app_health#disk" }.Apply(fleet.State.Machines)).Check);
    }

    [Theory]
    [InlineData("critical", new[] { NagiosStatus.Critical })]
    [InlineData("OK, notchecked,bogus", new[] { NagiosStatus.Ok, NagiosStatus.NotChecked })]
    [InlineData("", new NagiosStatus[0])]
    [InlineData("<script>", new NagiosStatus[0])]
    public void ParseStatuses_UrlValue_KnownWordsOnly(string value, NagiosStatus[] expected) =>
        Assert.Equal(expected.OrderBy(s => s), CheckQuery.ParseStatuses(value).OrderBy(s => s));

    [Fact]
    public void FailingSince_StaysWhileFailingAndClearsWhenOk()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Nagios("n1", "check_disk", "disk", 1));
        var first = fleet.Now;
        fleet.AdvanceMinutes(3);
        fleet.Apply(Ev.Nagios("n1", "check_disk", "disk", 2));

        Assert.Equal(first, Assert.Single(new CheckQuery().Apply(fleet.State.Machines)).State.FailingSince);

        fleet.AdvanceMinutes(1);
        fleet.Apply(Ev.Nagios("n1", "check_disk", "disk", 0));
        Assert.Null(Assert.Single(new CheckQuery().Apply(fleet.State.Machines)).State.FailingSince);
    }

    [Fact]
    public void Apply_StaleChecks_AfterCurrentProblemsBeforeNotCheckedAndOk_LongestStaleFirst()
    {
        var fleet = new FleetHarness(new FleetOptions { CheckStaleAfter = TimeSpan.FromMinutes(30) });
        fleet.Apply(Ev.Nagios("stale-old.example.net", "check_disk", "disk", 2));
        fleet.AdvanceMinutes(10);
        fleet.Apply(Ev.Nagios("stale-new.example.net", "check_disk", "disk", 0));
        fleet.AdvanceMinutes(21);
        fleet.Sweep();
        fleet.AdvanceMinutes(10);
        fleet.Sweep();
        fleet.Apply(Ev.Nagios("crit.example.net", "check_disk", "disk", 2));
        fleet.Apply(Ev.Nagios("ok.example.net", "check_disk", "disk", 0));
        fleet.Apply(Ev.Nagios("pending.example.net", "check_disk", "disk", 5));

        var rows = new CheckQuery().Apply(fleet.State.Machines);

        Assert.Equal(
            ["crit.example.net", "stale-old.example.net", "stale-new.example.net", "pending.example.net", "ok.example.net"],
            rows.Select(r => r.Identity));
        Assert.Equal(["critical", "stale", "stale", "notchecked", "ok"], rows.Select(r => r.Status));
    }

    [Fact]
    public void Apply_StatusStaleOrAHealth_StaleChecksMatchOnlyStale()
    {
        var fleet = new FleetHarness(new FleetOptions { CheckStaleAfter = TimeSpan.FromMinutes(30) });
        fleet.Apply(Ev.Nagios("gone.example.net", "check_disk", "disk", 2));
        fleet.AdvanceMinutes(31);
        fleet.Sweep();
        fleet.Apply(Ev.Nagios("crit.example.net", "check_disk", "disk", 2));

        var critical = new CheckQuery { Statuses = CheckQuery.ParseStatuses("critical"), Stale = CheckQuery.ParseStale("critical") };
        var stale = new CheckQuery { Statuses = CheckQuery.ParseStatuses("stale"), Stale = CheckQuery.ParseStale("stale") };
        var both = new CheckQuery { Statuses = CheckQuery.ParseStatuses("Stale,critical"), Stale = CheckQuery.ParseStale("Stale,critical") };

        Assert.Equal(["crit.example.net"], critical.Apply(fleet.State.Machines).Select(r => r.Identity));
        Assert.Equal(["gone.example.net"], stale.Apply(fleet.State.Machines).Select(r => r.Identity));
        Assert.Equal(2, both.Apply(fleet.State.Machines).Length);
    }
}
