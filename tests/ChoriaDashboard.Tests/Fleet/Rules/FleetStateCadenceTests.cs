using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Rules;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>
/// Liveness judged on each node's own alive cadence. Most tests run the default thresholds scaled down from minutes to
/// seconds (stale 40 s, dead 80 s, alive interval bound 65 s), as the integration tests do: the rules hold at any scale.
/// </summary>
public sealed class FleetStateCadenceTests
{
    /// <summary>The defaults, a minute read as a second.</summary>
    private static FleetOptions Scaled() => new()
    {
        StaleAfter = TimeSpan.FromSeconds(40),
        DeadAfter = TimeSpan.FromSeconds(80),
        ForgetAfter = TimeSpan.FromSeconds(24 * 60),
        MaxAliveInterval = TimeSpan.FromSeconds(65),
    };

    /// <summary>Sweeps every 5 s (as the app does) for <paramref name="seconds"/>, returning each state seen.</summary>
    private static List<NodeState> SweepFor(FleetHarness fleet, int seconds, string identity = "n1")
    {
        var seen = new List<NodeState>();
        for (var t = 0; t < seconds; t += 5)
        {
            fleet.Advance(TimeSpan.FromSeconds(Math.Min(5, seconds - t)));
            fleet.Sweep();
            seen.Add(fleet.Node(identity).State);
        }

        return seen;
    }

    [Fact]
    public void Sweep_SixtyMinuteCadenceScaledDown_NeverStaleBetweenAlivesOnceSteady()
    {
        var fleet = new FleetHarness(Scaled());
        fleet.Apply(Ev.Startup("n1", "0.29.4"));
        SweepFor(fleet, 17);

        // Three alives an "hour" apart make the cadence steady; before that the configured 40 s apply, and it is stale
        // between them, as it is on a fleet today.
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        var learning = SweepFor(fleet, 60);
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        learning.AddRange(SweepFor(fleet, 60));
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        Assert.Contains(NodeState.Stale, learning);
        Assert.Equal(new AliveCadence(TimeSpan.FromSeconds(60), 2), fleet.Node("n1").Cadence);

        var steady = new List<NodeState>();
        for (var cycle = 0; cycle < 10; cycle++)
        {
            steady.AddRange(SweepFor(fleet, 60));
            fleet.Apply(Ev.Alive("n1", "0.29.4"));
        }

        Assert.All(steady, s => Assert.Equal(NodeState.Live, s));
        Assert.Equal(12, fleet.Node("n1").Cadence.Intervals);
    }

    [Fact]
    public void Sweep_HourlyVersionBefore029_NeverStaleBetweenAlivesEvenBeforeTheCadenceIsKnown()
    {
        var fleet = new FleetHarness(Scaled());
        fleet.Apply(Ev.Startup("n1", "0.28.0"));

        var states = new List<NodeState>();
        for (var cycle = 0; cycle < 4; cycle++)
        {
            states.AddRange(SweepFor(fleet, 60));
            fleet.Apply(Ev.Alive("n1", "0.28.0"));
        }

        Assert.All(states, s => Assert.Equal(NodeState.Live, s));
    }

    [Fact]
    public void Sweep_SteadyNodeGoesSilent_StaleAfterOneAndAHalfAndDeadAfterTwoAndAHalfOfItsIntervals()
    {
        var fleet = new FleetHarness(Scaled());
        Steady(fleet, "n1", TimeSpan.FromSeconds(60));

        fleet.Advance(TimeSpan.FromSeconds(90));
        fleet.Sweep();
        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
        fleet.Advance(TimeSpan.FromSeconds(1));
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);

        fleet.Advance(TimeSpan.FromSeconds(59));
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
        fleet.Advance(TimeSpan.FromSeconds(1));
        fleet.Sweep();
        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
    }

    [Fact]
    public void Sweep_HourlyNodeWithDefaultThresholds_StaleAfter90AndDeadAfter150Minutes()
    {
        var fleet = new FleetHarness();
        Steady(fleet, "n1", TimeSpan.FromMinutes(60));

        fleet.AdvanceMinutes(89);
        fleet.Sweep();
        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
        fleet.AdvanceMinutes(2);
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
        fleet.AdvanceMinutes(58);
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
        fleet.AdvanceMinutes(2);
        fleet.Sweep();
        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
    }

    [Fact]
    public void Sweep_IrregularIntervals_FallsBackToTheConfiguredThresholds()
    {
        var fleet = new FleetHarness(Scaled());
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        foreach (var seconds in new[] { 20, 55, 31, 12, 70, 24 })
        {
            fleet.Advance(TimeSpan.FromSeconds(seconds));
            fleet.Apply(Ev.Alive("n1", "0.29.4"));
        }

        Assert.False(fleet.Node("n1").Cadence.IsSteady);
        fleet.Advance(TimeSpan.FromSeconds(40));
        fleet.Sweep();
        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
        fleet.Advance(TimeSpan.FromSeconds(1));
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
        fleet.Advance(TimeSpan.FromSeconds(40));
        fleet.Sweep();
        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
    }

    [Fact]
    public void Sweep_CadenceBeyondMaxAliveInterval_ThresholdsBoundedByWhatTheBoundNeeds()
    {
        var fleet = new FleetHarness(Scaled());
        Steady(fleet, "n1", TimeSpan.FromSeconds(180));

        // Judged as if it sent every 65 s: stale after 97.5 s, dead after 162.5 s, not 270 and 450.
        fleet.Advance(TimeSpan.FromSeconds(97));
        fleet.Sweep();
        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
        fleet.Advance(TimeSpan.FromSeconds(1));
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
        fleet.Advance(TimeSpan.FromSeconds(65));
        fleet.Sweep();
        Assert.Equal(NodeState.Dead, fleet.Node("n1").State);
    }

    [Fact]
    public void Sweep_CadenceShorterThanTheThresholdsNeed_NeverEarlierThanTheConfiguredThresholds()
    {
        var fleet = new FleetHarness(Scaled());
        Steady(fleet, "n1", TimeSpan.FromSeconds(10));

        fleet.Advance(TimeSpan.FromSeconds(40));
        fleet.Sweep();
        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
        fleet.Advance(TimeSpan.FromSeconds(40));
        fleet.Sweep();
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
    }

    [Fact]
    public void Sweep_SteadyNodeAcrossAnOutage_DeafTimeIsNotSilence()
    {
        var fleet = new FleetHarness(Scaled());
        Steady(fleet, "n1", TimeSpan.FromSeconds(60));
        var lastAlive = fleet.Now;

        // Cut off for 5 minutes: only the 80 s heard before and after it count.
        fleet.Advance(TimeSpan.FromSeconds(380));
        var outage = new DeafTimeline([(lastAlive + TimeSpan.FromSeconds(40), lastAlive + TimeSpan.FromSeconds(340))]);
        fleet.State.Sweep(fleet.Now, fleet.Changes, outage);

        Assert.Equal(NodeState.Live, fleet.Node("n1").State);
        fleet.Advance(TimeSpan.FromSeconds(11));
        fleet.State.Sweep(fleet.Now, fleet.Changes, outage);
        Assert.Equal(NodeState.Stale, fleet.Node("n1").State);
    }

    [Fact]
    public void Alive_OneLostOnTheWay_KeepsTheSteadyCadence()
    {
        var fleet = new FleetHarness(Scaled());
        Steady(fleet, "n1", TimeSpan.FromSeconds(60));

        fleet.Advance(TimeSpan.FromSeconds(120));
        fleet.Apply(Ev.Alive("n1", "0.29.4"));

        Assert.Equal(new AliveCadence(TimeSpan.FromSeconds(60), 2), fleet.Node("n1").Cadence);
    }

    [Fact]
    public void Startup_SteadyNodeRestarts_CadenceStartsAfreshAndTheFirstAliveIsNoInterval()
    {
        var fleet = new FleetHarness(Scaled());
        Steady(fleet, "n1", TimeSpan.FromSeconds(60));

        fleet.Advance(TimeSpan.FromSeconds(20));
        fleet.Apply(Ev.Startup("n1", "0.29.5"));
        Assert.Equal(AliveCadence.Unknown, fleet.Node("n1").Cadence);

        // go-choria waits a random 0-29 minutes before the first alive: that gap says nothing about the cadence.
        fleet.Advance(TimeSpan.FromSeconds(7));
        fleet.Apply(Ev.Alive("n1", "0.29.5"));
        Assert.Equal(AliveCadence.Unknown, fleet.Node("n1").Cadence);
        fleet.Advance(TimeSpan.FromSeconds(30));
        fleet.Apply(Ev.Alive("n1", "0.29.5"));
        Assert.Equal(new AliveCadence(TimeSpan.FromSeconds(30), 1), fleet.Node("n1").Cadence);
    }

    [Fact]
    public void Alive_HeardTwiceWithinASecond_IsNotAnInterval()
    {
        // The replay and the live subscription can both bring one alive: the second copy is no interval.
        var fleet = new FleetHarness(Scaled());
        Steady(fleet, "n1", TimeSpan.FromSeconds(60));

        fleet.Advance(TimeSpan.FromMilliseconds(300));
        fleet.Apply(Ev.Alive("n1", "0.29.4"));
        fleet.Advance(TimeSpan.FromSeconds(60));
        fleet.Apply(Ev.Alive("n1", "0.29.4"));

        Assert.Equal(3, fleet.Node("n1").Cadence.Intervals);
    }

    [Fact]
    public void Alive_ReplayedHistoryThenLive_IntervalsOnTheLivenessClock()
    {
        // Heard times come from the caller: the store passes the liveness clock, here 10 minutes ahead of the wall.
        var fleet = new FleetHarness(Scaled());
        var lead = TimeSpan.FromMinutes(10);
        foreach (var seconds in new[] { 0, 60, 120 })
        {
            var at = fleet.Now + TimeSpan.FromSeconds(seconds);
            fleet.State.Apply(Ev.Alive("n1", "0.29.4"), at, fleet.Changes, replayed: true, heardAt: at + lead);
        }

        Assert.Equal(new AliveCadence(TimeSpan.FromSeconds(60), 2), fleet.Node("n1").Cadence);
        Assert.Equal(fleet.Now + TimeSpan.FromSeconds(120), fleet.Node("n1").LastSeen);
        Assert.Equal(fleet.Now + TimeSpan.FromSeconds(120) + lead, fleet.Node("n1").HeardAt);
    }

    /// <summary>A live node that has sent four alives <paramref name="interval"/> apart; the last one now.</summary>
    private static void Steady(FleetHarness fleet, string identity, TimeSpan interval)
    {
        fleet.Apply(Ev.Startup(identity, "0.29.4"));
        fleet.Advance(TimeSpan.FromSeconds(3));
        for (var i = 0; i < 3; i++)
        {
            fleet.Apply(Ev.Alive(identity, "0.29.4"));
            if (i < 2)
            {
                fleet.Advance(interval);
            }
        }

        Assert.True(fleet.Node(identity).Cadence.IsSteady);
    }
}
