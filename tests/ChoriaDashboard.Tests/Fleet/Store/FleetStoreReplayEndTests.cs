using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Tests.Infrastructure;
using Xunit;
using static ChoriaDashboard.Tests.Fleet.FleetStoreTestKit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>
/// When a replay ends, well or not, liveness is judged on the whole of what it brought: never before the writer has
/// applied every event it queued, and, for a replay given up part-way, not on the time it did not reach.
/// </summary>
public sealed class FleetStoreReplayEndTests
{
    [Fact]
    public async Task FleetStore_ReplayEndsWithItsLastEventsStillQueued_JudgesOnlyOnceTheyAreApplied()
    {
        // Two events per writer batch at most, and a pause after a batch that did not fill up (on the fake clock, so the
        // writer waits there until the test moves the clock).
        await using var fixture = await StoreFixture.StartAsync(o =>
        {
            o.MaxBatchSize = 2;
            o.BatchDelay = TimeSpan.FromSeconds(1);
            o.SweepInterval = TimeSpan.FromSeconds(1);
        });
        using var subscription = fixture.Store.Subscribe();
        var now = fixture.Time.GetUtcNow();
        fixture.Store.ReportReplay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(0, 4, now, null)));
        await fixture.EnqueueAsync(Ev.Governor("probe", "g", "enter"));
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 1, TimeSpan.FromSeconds(10), "the writer to pause after the probe");

        // Both nodes' early history (stale by now on its own), then their latest alive, queued as the replay ends.
        await fixture.Store.EnqueueAsync(Replayed((Ev.Startup("n1", "0.29.4"), now - TimeSpan.FromMinutes(50)), (Ev.Startup("n2", "0.29.4"), now - TimeSpan.FromMinutes(50))), CancellationToken.None);
        await fixture.Store.EnqueueAsync(Replayed((Ev.Alive("n1", "0.29.4"), now - TimeSpan.FromMinutes(1)), (Ev.Alive("n2", "0.29.4"), now - TimeSpan.FromMinutes(1))), CancellationToken.None);
        fixture.Store.ReportReplay(new ReplayStatus(ReplayState.CaughtUp, new ReplayProgress(4, 4, now, TimeSpan.Zero), null, now - TimeSpan.FromHours(2), now));
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        var updates = new List<FleetUpdate>();
        await ReadUntilAsync(subscription, u =>
        {
            updates.Add(u);
            return u.Summary.Currency.IsCurrent;
        });

        Assert.DoesNotContain(updates, u => u.ChangedNodes.Any(n => n.State != NodeState.Live));
        Assert.Equal(2, fixture.Store.Summary.Count(NodeState.Live));
    }

    [Fact]
    public async Task FleetStore_ReplayGivenUp_NodesAreJudgedOnTheSilenceHeardNotOnTheTimeNotReplayed()
    {
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1));
        using var subscription = fixture.Store.Subscribe();
        var start = fixture.Time.GetUtcNow();
        fixture.Store.ReportReplay(new ReplayStatus(ReplayState.Replaying, new ReplayProgress(0, 2, start, null)));

        // Replayed up to 50 minutes ago; whatever the stream held after that was never read.
        await fixture.EnqueueReplayedAsync(Ev.Startup("n1", "0.29.4"), start - TimeSpan.FromMinutes(50));
        await ReadUntilAsync(subscription, u => u.Summary.TotalNodes == 1);
        fixture.Store.ReportReplay(new ReplayStatus(ReplayState.GivenUp, new ReplayProgress(1, 2, start, null), "CHORIA_EVENTS given up", start - TimeSpan.FromHours(2), start)
        {
            Unheard = [(start - TimeSpan.FromMinutes(50), start)],
        });
        var givenUp = await ReadUntilAsync(subscription, u => u.Summary.Currency.HistoryIncomplete is not null);
        Assert.False(givenUp.Summary.Currency.LivenessPaused);
        Assert.True(givenUp.Summary.Currency.IsCurrent);

        // 39 minutes heard since: still live; 41: stale, as if the dashboard had heard the node last at its start.
        fixture.Time.Advance(TimeSpan.FromMinutes(39));
        await fixture.EnqueueAsync(Ev.Governor("probe", "g", "enter"));
        await Eventually.TrueAsync(() => fixture.Stats.Accepted == 2, TimeSpan.FromSeconds(10), "the probe to be applied");
        Assert.Equal(NodeState.Live, fixture.Store.Nodes[new NodeKey("n1", Ev.Server)].State);
        fixture.Time.Advance(TimeSpan.FromMinutes(2));
        await ReadUntilAsync(subscription, u => u.Summary.Count(NodeState.Stale) == 1);
    }

    private static IngestBatch Replayed(params (Events.ChoriaEvent Event, DateTimeOffset StoredAt)[] events)
    {
        var batch = new IngestBatch(events.Length);
        foreach (var (evt, at) in events)
        {
            batch.Add(evt, Subject, at, replayed: true);
        }

        return batch;
    }
}
