using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class FleetStateMachineTests
{
    [Fact]
    public void Transition_NewMachine_SetsMachineState()
    {
        var fleet = new FleetHarness();

        var outcome = fleet.Apply(Ev.Transition("n1", "check_httpd", "unknown", "ok", "OK", machineVersion: "1.2.0"));

        Assert.Equal(ApplyOutcome.Accepted, outcome);
        var machine = fleet.State.Machines["n1"].Machines["check_httpd"];
        Assert.Equal("ok", machine.Latest.State);
        Assert.Equal("OK", machine.Latest.LastTransition);
        Assert.Equal(fleet.Now, machine.Latest.LastTransitionAt);
        Assert.Equal("1.2.0", machine.Latest.Version);
        Assert.Equal(1, fleet.Summary().Machines);
        Assert.Empty(fleet.State.Nodes); // machines are not node-components
        Assert.Equal("n1", Assert.Single(fleet.TakeChanges().ChangedMachines).Identity);
    }

    [Fact]
    public void Transition_KnownMachine_MovesToNewState()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Transition("n1", "check_httpd", "unknown", "ok", "OK"));
        fleet.AdvanceMinutes(3);

        fleet.Apply(Ev.Transition("n1", "check_httpd", "ok", "critical", "CRITICAL"));

        var machine = fleet.State.Machines["n1"].Machines["check_httpd"];
        Assert.Equal("critical", machine.Latest.State);
        Assert.Equal("CRITICAL", machine.Latest.LastTransition);
        Assert.Equal(fleet.Now, machine.Latest.LastTransitionAt);
        Assert.Equal(1, fleet.Summary().Machines);
    }

    [Fact]
    public void NagiosState_OkThenCritical_MovesOneHealthCount()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 0));
        fleet.Apply(Ev.Nagios("n1", "check_disk", "disk", 0));
        fleet.Apply(Ev.Nagios("n2", "check_httpd", "httpd", 1));

        var before = fleet.Summary().Health;
        Assert.Equal(new HealthSummary(Ok: 2, Warning: 1, Critical: 0, Unknown: 0), before);

        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 2));

        var after = fleet.Summary();
        Assert.Equal(new HealthSummary(Ok: 1, Warning: 1, Critical: 1, Unknown: 0), after.Health);
        Assert.Equal(3, after.Health.Total);
        Assert.Equal(3, after.Machines);
        var watcher = fleet.State.Machines["n1"].Machines["check_httpd"].Watchers["httpd"];
        Assert.Equal(NagiosStatus.Critical, watcher.Latest.Health);
        Assert.Equal("CRITICAL", watcher.Latest.Status);
        Assert.Equal(fleet.Now, watcher.ReceivedAt);
    }

    [Fact]
    public void NagiosState_KnownWatcher_ShowsTheNewResultWhileAnEarlierReadKeepsItsOwn()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 0) with { Output = "OK: 12 ms" });
        var watcher = fleet.State.Machines["n1"].Machines["check_httpd"].Watchers["httpd"];
        var earlier = watcher.Latest;
        fleet.AdvanceMinutes(5);

        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 2) with
        {
            Output = "CRITICAL: connection refused",
            PerfData = [new NagiosPerfData("time", 5.5, "s")],
            RuntimeSeconds = 5.5,
        });

        var machine = fleet.State.Machines["n1"].Machines["check_httpd"];
        var latest = machine.Watchers["httpd"].Latest;
        Assert.Equal(
            (NagiosStatus.Critical, "CRITICAL", 2, "CRITICAL: connection refused", 5.5, fleet.Now),
            (latest.Health, latest.Status, latest.StatusCode, latest.Output, latest.RuntimeSeconds, latest.ReceivedAt));
        Assert.Equal(new NagiosPerfData("time", 5.5, "s"), Assert.Single(latest.PerfData));
        Assert.Equal("/usr/lib64/nagios/plugins/httpd", latest.Plugin);
        Assert.Equal(("httpd", WatcherTypes.Nagios), (machine.Watchers["httpd"].Name, machine.Watchers["httpd"].Type));
        Assert.Equal(fleet.Now, machine.LastSeen);
        Assert.Equal((NagiosStatus.Ok, "OK: 12 ms"), (earlier.Health, earlier.Output));
        Assert.Equal(new HealthSummary(0, 0, 1, 0), fleet.Summary().Health);
    }

    [Fact]
    public void WatcherState_NewMachineVersion_UpdatesTheMachineAndKeepsItsLastTransition()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Transition("n1", "check_httpd", "unknown", "ok", "OK", machineVersion: "1.0.0"));
        var transitionAt = fleet.Now;
        fleet.AdvanceMinutes(5);

        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 0) with { MachineVersion = "1.1.0" });

        var machine = fleet.State.Machines["n1"].Machines["check_httpd"];
        Assert.Equal(("1.1.0", "ok", "OK", transitionAt), (machine.Latest.Version, machine.Latest.State, machine.Latest.LastTransition, machine.Latest.LastTransitionAt));
        Assert.Equal("machine-instance-check_httpd", machine.Latest.InstanceId);
        Assert.Equal(fleet.Now, machine.LastSeen);
    }

    [Fact]
    public void WatcherState_OtherWatcherType_KeepsItsDataAndCountsNoHealth()
    {
        var fleet = new FleetHarness();
        var file = new WatcherStateEvent
        {
            Protocol = ChoriaProtocol.WatcherState("file"),
            Id = "machine-instance-m1",
            Identity = "n1",
            Timestamp = Ev.SenderTime,
            Machine = "m1",
            MachineVersion = "1.0.0",
            WatcherType = "file",
            Name = "config",
            RawData = "{\"path\":\"/etc/app.conf\",\"previous_outcome\":\"changed\"}",
        };

        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(file));

        var watcher = fleet.State.Machines["n1"].Machines["m1"].Watchers["config"];
        Assert.Equal("file", watcher.Type);
        Assert.Null(watcher.Latest.Health);
        Assert.Equal(file.RawData, watcher.Latest.RawData);
        Assert.Equal(new HealthSummary(0, 0, 0, 0), fleet.Summary().Health);
    }

    [Fact]
    public void NagiosState_SameStatusRepeated_DoesNotDoubleCount()
    {
        var fleet = new FleetHarness();

        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 0));
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 0));
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 3));

        Assert.Equal(new HealthSummary(0, 0, 0, 1), fleet.Summary().Health);
    }

    [Fact]
    public void MachineEvent_BeyondMaxMachinesPerNode_IsRejectedAndKnownMachinesStillUpdate()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxMachinesPerNode = 2 });
        fleet.Apply(Ev.Transition("n1", "m1", "unknown", "ok", "OK"));
        fleet.Apply(Ev.Nagios("n1", "m2", "disk", 0));

        var outcome = fleet.Apply(Ev.Nagios("n1", "m3", "load", 2));

        Assert.Equal(ApplyOutcome.MachineLimit, outcome);
        var host = fleet.State.Machines["n1"];
        Assert.Equal(2, host.Machines.Count);
        Assert.False(host.Machines.ContainsKey("m3"));
        var summary = fleet.Summary();
        Assert.Equal(2, summary.Machines);
        Assert.Equal(new HealthSummary(1, 0, 0, 0), summary.Health); // the rejected CRITICAL is not counted

        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Transition("n1", "m1", "ok", "warning", "WARN")));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n1", "m2", "disk", 2)));
        Assert.Equal("warning", fleet.State.Machines["n1"].Machines["m1"].Latest.State);
        Assert.Equal(new HealthSummary(0, 0, 1, 0), fleet.Summary().Health);

        // the limit is per identity
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Transition("n2", "m3", "unknown", "ok", "OK")));
        Assert.Equal(3, fleet.Summary().Machines);
    }

    [Theory]
    [InlineData(0, 32)]
    [InlineData(64, 0)]
    public void MachineEvent_LimitOfZero_KeepsNoMachineOrWatcherAtAll(int machines, int watchers)
    {
        var fleet = new FleetHarness(new FleetOptions { MaxMachinesPerNode = machines, MaxWatchersPerMachine = watchers });

        var outcome = fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 2));

        Assert.Equal(ApplyOutcome.MachineLimit, outcome);
        Assert.False(fleet.State.Machines.ContainsKey("n1"));
        var summary = fleet.Summary();
        Assert.Equal((0, 0), (summary.Machines, summary.Health.Total));
    }

    [Fact]
    public void MachineEvent_HostsAtMaxNodes_NewHostRejectedUntilOneIsForgotten()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxNodes = 2 });
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n1", "check_httpd", "check", 0)));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Transition("n2", "check_httpd", "unknown", "ok", "OK")));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n2", "check_disk", "check", 0)));

        Assert.Equal(ApplyOutcome.FleetFull, fleet.Apply(Ev.Nagios("n3", "check_httpd", "check", 0)));
        Assert.False(fleet.State.Machines.ContainsKey("n3"));

        fleet.Advance(TimeSpan.FromHours(20));
        fleet.Apply(Ev.Nagios("n2", "check_httpd", "check", 0));
        fleet.Advance(TimeSpan.FromHours(5));
        fleet.Sweep();

        // n1 went silent and is forgotten; n2 keeps its slot (one check still reports), so one host fits again.
        Assert.False(fleet.State.Machines.ContainsKey("n1"));
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n3", "check_httpd", "check", 2)));
        Assert.Equal(ApplyOutcome.FleetFull, fleet.Apply(Ev.Nagios("n4", "check_httpd", "check", 0)));
    }

    [Fact]
    public void MachineEvent_SilentPastForgetAfter_HostIsForgottenAndCountsDrop()
    {
        // n2's check is an hour silent at the sweep: with the default CheckStaleAfter it would also turn stale.
        var fleet = new FleetHarness(new FleetOptions { CheckStaleAfter = TimeSpan.FromHours(2) });
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "httpd", 2));
        fleet.Apply(Ev.Transition("n1", "check_httpd", "unknown", "critical", "CRITICAL"));
        fleet.Apply(Ev.Nagios("n2", "check_httpd", "httpd", 0));
        fleet.Advance(TimeSpan.FromHours(23));
        fleet.Apply(Ev.Nagios("n2", "check_httpd", "httpd", 0));
        fleet.TakeChanges();

        fleet.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        fleet.Sweep();

        Assert.False(fleet.State.Machines.ContainsKey("n1"));
        Assert.True(fleet.State.Machines.ContainsKey("n2"));
        var changes = fleet.TakeChanges();
        var cleared = Assert.Single(changes.ChangedMachines);
        Assert.Equal("n1", cleared.Identity);
        Assert.Empty(cleared.Machines);
        Assert.Equal(1, changes.Summary.Machines);
        Assert.Equal(new HealthSummary(1, 0, 0, 0), changes.Summary.Health);
    }

    [Fact]
    public void Sweep_RenamedCheckOnLiveHost_OldMachineIsForgottenAndFreesItsSlot()
    {
        var fleet = new FleetHarness(new FleetOptions { MaxMachinesPerNode = 2 });
        fleet.Apply(Ev.Nagios("n1", "check_old", "check", 2));
        fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 0));

        // check_old is renamed away; check_disk keeps reporting for more than a day.
        for (var hour = 0; hour < 25; hour++)
        {
            fleet.AdvanceMinutes(60);
            fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 0));
            fleet.Sweep();
        }

        var host = fleet.State.Machines["n1"];
        Assert.False(host.Machines.ContainsKey("check_old"));
        Assert.Equal(new HealthSummary(1, 0, 0, 0), fleet.Summary().Health);
        Assert.Equal(1, fleet.Summary().Machines);
        Assert.Equal(ApplyOutcome.Accepted, fleet.Apply(Ev.Nagios("n1", "check_new", "check", 0)));
    }
}
