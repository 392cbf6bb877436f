using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Fleet.FleetStoreTestKit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>
/// Silence is measured on the monotonic clock: a step of the wall clock neither freezes nor kills the fleet, and a gap
/// in which the process did not run (a suspended VM) counts as deaf time.
/// </summary>
public sealed class FleetStoreClockTests
{
    private static readonly NodeKey N1 = new("n1", Ev.Server);

    [Fact]
    public async Task FleetStore_WallClockStepsBackAnHour_SilentNodeStillTurnsStaleAndDeadOnTime()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        var startedAt = fixture.Clock.GetUtcNow();
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 1);

        // Judged on the wall clock, the node would look heard from an hour in the future and never go stale for 100 min.
        fixture.Clock.StepWallClock(TimeSpan.FromHours(-1));
        fixture.Time.Advance(TimeSpan.FromMinutes(41));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Stale) == 1);
        fixture.Time.Advance(TimeSpan.FromMinutes(40));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Dead) == 1);

        // What people read stays on the wall clock: the node was last seen when the wall clock said it was.
        Assert.Equal(startedAt, fixture.Store.Nodes[N1].LastSeen);
    }

    [Fact]
    public async Task FleetStore_WallClockStepsForwardADay_NoNodeDiesAndTheSweepGoesOn()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Startup("n2", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 2);

        fixture.Clock.StepWallClock(TimeSpan.FromDays(1));
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await fixture.EnqueueAsync(Ev.Alive("n2", "0.29.4"));
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 3, TimeSpan.FromSeconds(10), "the alive after the step to be applied");
        Assert.Equal(NodeState.Live, fixture.Store.Nodes[N1].State);
        Assert.True(fixture.Store.Nodes.ContainsKey(N1), "not forgotten after a day of wall-clock time");

        // 41 minutes of real silence later, n1 is stale and n2 (heard 39 minutes ago) is not.
        fixture.Time.Advance(TimeSpan.FromMinutes(39));
        var stale = await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Stale) == 1);
        Assert.Equal(1, stale.Summary.Count(NodeState.Live));
        Assert.Equal(NodeState.Stale, fixture.Store.Nodes[N1].State);
    }

    [Fact]
    public async Task FleetStore_SuspendedLongerThanDeadAfter_GapIsDeafTimeAndNodesDieOnlyOfHeardSilence()
    {
        await using var fixture = await StoreFixture.StartAsync(o =>
        {
            o.SweepInterval = TimeSpan.FromMinutes(1);
            o.SuspendGap = TimeSpan.FromMinutes(5);
        });
        using var subscription = fixture.Store.Subscribe();
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 1);
        await AdvanceWithWriterAsync(fixture, minutes: 10, accepted: 1);

        // Suspended for two hours: monotonic and wall clock jump together, and nothing ran in between.
        fixture.Time.Advance(TimeSpan.FromHours(2));
        var resumed = await ReadUntilAsync(subscription, b => b.Summary.Currency.DeafTime >= TimeSpan.FromHours(2));
        Assert.Equal(0, resumed.Summary.Count(NodeState.Dead));
        Assert.Equal(NodeState.Live, fixture.Store.Nodes[N1].State);

        // 10 minutes were heard before the suspend: stale after 30 more heard minutes, dead after 70.
        await AdvanceWithWriterAsync(fixture, minutes: 29, accepted: 1 + 10);
        Assert.Equal(NodeState.Live, fixture.Store.Nodes[N1].State);
        await AdvanceWithWriterAsync(fixture, minutes: 2, accepted: 1 + 10 + 29);
        Assert.Equal(NodeState.Stale, fixture.Store.Nodes[N1].State);
        await AdvanceWithWriterAsync(fixture, minutes: 40, accepted: 1 + 10 + 29 + 2);
        Assert.Equal(NodeState.Dead, fixture.Store.Nodes[N1].State);
    }

    [Fact]
    public async Task FleetStore_SuspendDetectionOff_AJumpIsSilence()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 1);

        fixture.Time.Advance(TimeSpan.FromHours(2));

        var dead = await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Dead) == 1);
        Assert.Equal(TimeSpan.Zero, dead.Summary.Currency.DeafTime);
    }

    /// <summary>
    /// Moves the clock a minute at a time and waits for the writer to apply a probe after each step, so it wakes at
    /// least once a minute as a running process would (no step looks like a suspend).
    /// </summary>
    private static async Task AdvanceWithWriterAsync(StoreFixture fixture, int minutes, long accepted)
    {
        for (var i = 1; i <= minutes; i++)
        {
            fixture.Time.Advance(TimeSpan.FromMinutes(1));
            await fixture.EnqueueAsync(Ev.Governor("probe", "g", "enter"));
            var expected = accepted + i;
            await Eventually.TrueAsync(() => fixture.Stats.Accepted == expected, TimeSpan.FromSeconds(10), $"probe {expected} to be applied");
        }
    }
}
