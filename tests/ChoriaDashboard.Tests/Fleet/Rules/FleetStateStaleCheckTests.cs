using System.Collections.Immutable;
using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>
/// A check that stopped reporting (its node stopped or died, or it fell silent past its bound) is stale: not current,
/// and counted apart from its last health.
/// </summary>
public sealed class FleetStateStaleCheckTests
{
    [Fact]
    public void Sweep_NodeStopped_ItsCriticalCheckIsStaleNotCritical()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "check", 2));
        Assert.Equal(1, fleet.Summary().Health.Critical);

        fleet.AdvanceMinutes(1);
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.TakeChanges();
        fleet.Sweep();

        var check = Latest(fleet, "n1", "check_httpd");
        Assert.Equal((true, StaleReason.NodeStopped, fleet.Now), (check.IsStale, check.StaleReason, check.StaleSince!.Value));
        Assert.Equal(NagiosStatus.Critical, check.Health);
        var changes = fleet.TakeChanges();
        Assert.Equal(new HealthSummary(0, 0, 0, 0, 0, Stale: 1), changes.Summary.Health);
        Assert.Equal("n1", Assert.Single(changes.ChangedMachines).Identity);
        Assert.Empty(changes.News);
    }

    [Fact]
    public void Sweep_NodeDead_ItsChecksAreStale()
    {
        var fleet = new FleetHarness(new FleetOptions { CheckStaleAfter = TimeSpan.FromHours(5) });
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Nagios("n1", "check_disk", "check", 0));

        fleet.AdvanceMinutes(79);
        fleet.Sweep();
        Assert.False(Latest(fleet, "n1", "check_disk").IsStale);
        fleet.AdvanceMinutes(2);
        fleet.Sweep();

        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
        Assert.Equal(StaleReason.NodeDead, Latest(fleet, "n1", "check_disk").StaleReason);
        Assert.Equal(new HealthSummary(0, 0, 0, 0, 0, Stale: 1), fleet.Summary().Health);
    }

    [Fact]
    public void Sweep_CheckSilentPastTwoAndAHalfOfItsIntervals_Stale()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(WithHistory(Ev.Nagios("n1", "check_load", "check", 1), fleet.Now, TimeSpan.FromMinutes(5)));
        Assert.Equal(TimeSpan.FromMinutes(5), Latest(fleet, "n1", "check_load").CheckInterval);

        // The node keeps sending alives; the check alone stopped (its machine stopped, or the check is in maintenance).
        fleet.AdvanceMinutes(12.5);
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        fleet.Sweep();
        Assert.False(Latest(fleet, "n1", "check_load").IsStale);
        Assert.Equal(1, fleet.Summary().Health.Warning);

        fleet.AdvanceMinutes(0.5);
        fleet.Sweep();

        Assert.Equal(StaleReason.Silent, Latest(fleet, "n1", "check_load").StaleReason);
        Assert.Equal(new HealthSummary(0, 0, 0, 0, 0, Stale: 1), fleet.Summary().Health);
        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
    }

    [Fact]
    public void Sweep_CheckWithoutAnIntervalSilentPastCheckStaleAfter_Stale()
    {
        var fleet = new FleetHarness(new FleetOptions { CheckStaleAfter = TimeSpan.FromMinutes(20) });
        fleet.Apply(Ev.Nagios("n1", "check_ntp", "check", 0));
        Assert.Null(Latest(fleet, "n1", "check_ntp").CheckInterval);

        fleet.AdvanceMinutes(20);
        fleet.Sweep();
        Assert.False(Latest(fleet, "n1", "check_ntp").IsStale);
        fleet.AdvanceMinutes(1);
        fleet.Sweep();

        Assert.Equal(StaleReason.Silent, Latest(fleet, "n1", "check_ntp").StaleReason);
    }

    [Fact]
    public void NagiosState_StaleCheckReportsAgain_CurrentAndCountedUnderItsHealthWithoutNews()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "check", 2));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.Sweep();
        Assert.True(Latest(fleet, "n1", "check_httpd").IsStale);
        fleet.TakeChanges();

        fleet.AdvanceMinutes(2);
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "check", 2));
        fleet.Sweep();

        var check = Latest(fleet, "n1", "check_httpd");
        Assert.False(check.IsStale);
        Assert.Null(check.StaleReason);
        var changes = fleet.TakeChanges();
        Assert.Equal(new HealthSummary(0, 0, 1, 0), changes.Summary.Health);
        Assert.DoesNotContain(changes.News, n => n.Kind is NewsKind.CheckCritical or NewsKind.CheckRecovered);
    }

    [Fact]
    public void NagiosState_StaleCriticalCheckReportsOk_RecoveredNews()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "check", 2));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.Sweep();
        fleet.TakeChanges();

        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "check", 0));

        Assert.Contains(fleet.TakeChanges().News, n => n.Kind == NewsKind.CheckRecovered);
        Assert.Equal(new HealthSummary(1, 0, 0, 0), fleet.Summary().Health);
    }

    [Fact]
    public void Sweep_StaleCheck_JudgedOnceNotEverySweep()
    {
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(Ev.Nagios("n1", "check_httpd", "check", 2));
        fleet.Apply(Ev.Shutdown("n1"));
        fleet.Sweep();
        var since = Latest(fleet, "n1", "check_httpd").StaleSince;
        fleet.TakeChanges();

        fleet.AdvanceMinutes(5);
        fleet.Sweep();

        Assert.Empty(fleet.TakeChanges().ChangedMachines);
        Assert.Equal(since, Latest(fleet, "n1", "check_httpd").StaleSince);
    }

    [Fact]
    public void Sweep_OtherWatcherTypesSilentOrNodeStopped_NeverStale()
    {
        // exec, file, kv … announce their state only when it changes: silence says nothing about them.
        var fleet = new FleetHarness();
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        fleet.Apply(new WatcherStateEvent
        {
            Protocol = "io.choria.machine.watcher.exec.v1.state",
            Id = "instance",
            Identity = "n1",
            Timestamp = Ev.SenderTime,
            Machine = "deploy",
            MachineVersion = "1.0.0",
            WatcherType = "exec",
            Name = "run",
        });
        fleet.Apply(Ev.Shutdown("n1"));

        fleet.AdvanceMinutes(200);
        fleet.Sweep();

        Assert.False(Latest(fleet, "n1", "deploy", "run").IsStale);
    }

    [Fact]
    public void Sweep_CheckSilentWhileTheDashboardWasDeaf_NotStale()
    {
        var fleet = new FleetHarness(new FleetOptions { CheckStaleAfter = TimeSpan.FromMinutes(20) });
        fleet.Apply(Ev.Nagios("n1", "check_ntp", "check", 0));
        var heard = fleet.Now;

        fleet.AdvanceMinutes(60);
        fleet.State.Sweep(fleet.Now, fleet.Changes, new DeafTimeline([(heard + TimeSpan.FromMinutes(5), heard + TimeSpan.FromMinutes(50))]));

        Assert.False(Latest(fleet, "n1", "check_ntp").IsStale);
    }

    [Theory]
    [InlineData(new[] { 0, 300, 600, 900 }, 300)]
    [InlineData(new[] { 0, 300, 310, 600, 900, 1200 }, 300)]
    [InlineData(new[] { 0, 60 }, 60)]
    [InlineData(new[] { 0 }, null)]
    public void IntervalOf_History_MedianGapBetweenTimedRuns(int[] executedSeconds, int? expectedSeconds)
    {
        var history = executedSeconds.Select(s => new NagiosHistoryItem(Ev.SenderTime.AddSeconds(s), 0)).ToImmutableArray();

        Assert.Equal(expectedSeconds is { } e ? TimeSpan.FromSeconds(e) : null, WatcherSnapshot.IntervalOf(history));
    }

    [Fact]
    public void IntervalOf_HistoryOfStatusCodesOnly_Unknown() =>
        Assert.Null(WatcherSnapshot.IntervalOf([new NagiosHistoryItem(null, 0), new NagiosHistoryItem(null, 2), new NagiosHistoryItem(null, 0)]));

    /// <summary>The state with a history of five runs <paramref name="interval"/> apart, the last at <paramref name="last"/>.</summary>
    private static NagiosWatcherState WithHistory(NagiosWatcherState state, DateTimeOffset last, TimeSpan interval) => state with
    {
        History = [.. Enumerable.Range(0, 5).Select(i => new NagiosHistoryItem(last - (interval * (4 - i)), state.StatusCode))],
    };

    private static WatcherSnapshot Latest(FleetHarness fleet, string identity, string machine, string watcher = "check") =>
        fleet.State.Machines[identity].Machines[machine].Watchers[watcher].Latest;
}
