using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>The fleet-wide caps a bad publisher meets: component names (<c>Fleet:MaxComponents</c>) and watchers (<c>Fleet:MaxWatchers</c>).</summary>
public sealed class FleetWideCapsTests
{
    [Fact]
    public void Apply_NewComponentBeyondMaxComponents_RejectedWhileKnownComponentsGrow()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxComponents = 2 });
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Alive("n1", "1.0.0", "app_a")));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Alive("n1", "1.0.0", "app_b")));
        fleet.TakeChanges();

        Assert.Equal(ApplyOutcome.TooManyComponents, fleet.Apply(Ev.Alive("n1", "1.0.0", "app_c")));
        Assert.Equal(ApplyOutcome.TooManyComponents, fleet.Apply(Ev.Startup("n2", "1.0.0", "app_c")));
        Assert.Empty(fleet.TakeChanges().ChangedNodes);

        // A component that has nodes takes new ones; Choria's own are never turned away.
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Alive("n2", "1.0.0", "app_a")));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n1", "0.29.4")));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n3", "0.29.4", Ev.ProvisionModeServer)));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("p1", "0.9.0", Ev.Provisioner)));

        var summary = fleet.Summary();
        Assert.Equal(["app_a", "app_b", Ev.ProvisionModeServer, Ev.Provisioner, Ev.Server], summary.Components.Select(c => c.Component));
        Assert.Equal(2, FleetHarness.Component(summary, "app_a").Live);
        Assert.False(fleet.Has("n1", "app_c"));
    }

    [Fact]
    public void Apply_ComponentConfiguredUnderComponents_KeptBeyondMaxComponents()
    {
        var options = new FleetOptions { MaxComponents = 1 };
        options.Components["service_host"] = new ComponentThresholds { StaleAfter = TimeSpan.FromHours(1), DeadAfter = TimeSpan.FromHours(2) };
        var fleet = new FleetHarness(options);
        fleet.Apply(Ev.Alive("n1", "1.0.0", "app_a"));

        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n1", "1.0.0", "service_host")));
        Assert.Equal(ApplyOutcome.TooManyComponents, fleet.Apply(Ev.Startup("n1", "1.0.0", "app_b")));
        Assert.True(fleet.Has("n1", "service_host"));
    }

    [Fact]
    public void Apply_LastNodeOfAComponentForgotten_FreesItsPlaceUnderMaxComponents()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxComponents = 1 });
        fleet.Apply(Ev.Startup("n1", "1.0.0", "app_a"));
        fleet.Apply(Ev.Shutdown("n1", "app_a"));
        Assert.Equal(ApplyOutcome.TooManyComponents, fleet.Apply(Ev.Startup("n1", "1.0.0", "app_b")));

        fleet.Advance(TimeSpan.FromHours(25));
        fleet.Sweep();

        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Startup("n1", "1.0.0", "app_b")));
        Assert.Equal(["app_b"], fleet.Summary().Components.Select(c => c.Component));
    }

    [Fact]
    public void Apply_NewWatcherBeyondMaxWatchers_RejectedWhileKnownWatchersKeepUpdating()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxWatchers = 2 });
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 0)));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n2", "check_load", "check", 0)));
        fleet.TakeChanges();

        Assert.Equal(ApplyOutcome.TooManyWatchers, fleet.Apply(Ev.Nagios("n3", "check_disk", "check", 2)));
        Assert.Equal(ApplyOutcome.TooManyWatchers, fleet.Apply(Ev.Nagios("n1", "check_disk", "other", 2)));
        Assert.Equal(ApplyOutcome.TooManyWatchers, fleet.Apply(Ev.Nagios("n1", "check_ntp", "check", 2)));
        Assert.Empty(fleet.TakeChanges().ChangedMachines);
        Assert.False(fleet.State.Machines.ContainsKey("n3")); // nothing of a rejected watcher is kept
        Assert.Equal(["check_disk"], fleet.State.Machines["n1"].Machines.Keys);

        fleet.AdvanceMinutes(1);
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 2)));

        var summary = fleet.Summary();
        Assert.Equal((1, 1), (summary.Health.Ok, summary.Health.Critical));
        Assert.Equal(2, summary.Machines);
    }

    [Fact]
    public void Apply_WatchersForgotten_FreeTheirPlaceUnderMaxWatchers()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxWatchers = 1 });
        fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 0));
        Assert.Equal(ApplyOutcome.TooManyWatchers, fleet.Apply(Ev.Nagios("n2", "check_disk", "check", 0)));

        fleet.Advance(TimeSpan.FromHours(25));
        fleet.Sweep();

        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n2", "check_disk", "check", 0)));
        Assert.Equal(["n2"], fleet.State.Machines.Keys);
    }
}
