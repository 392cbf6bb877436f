using System.Collections.Concurrent;
using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Model;
using Xunit;
using static ChoriaDashboard.Tests.Fleet.FleetStoreTestKit;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>
/// What the writer tells an <see cref="IFleetObserver"/> (the metrics' counters): every live event it applied exactly
/// once, no replayed history, each node that turned dead once, each rejection.
/// </summary>
public sealed class FleetStoreObserverTests
{
    [Fact]
    public async Task Writer_LiveAndReplayedEvents_TellsEachLiveOneOnceAndNoHistory()
    {
        var observer = new Recording();
        await using var fixture = await StoreFixture.StartAsync(observer: observer);
        using var subscription = fixture.Store.Subscribe();

        await fixture.EnqueueReplayedAsync(Ev.Startup("old", "0.29.3"), fixture.Clock.GetUtcNow().AddMinutes(-5));
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Alive("n1", "0.29.4"));
        await fixture.EnqueueAsync(Ev.Alive("n1", "0.29.4"));
        await ReadUntilAsync(subscription, _ => fixture.Stats.Accepted == 4);

        Assert.Equal(["startup n1", "alive n1", "alive n1"], observer.Events);
    }

    [Fact]
    public async Task Writer_NodeGoesSilent_TellsItsDeathOnceAcrossLaterSweeps()
    {
        var observer = new Recording();
        await using var fixture = await StoreFixture.StartAsync(o => o.SweepInterval = TimeSpan.FromMinutes(1), observer);
        using var subscription = fixture.Store.Subscribe();
        await fixture.EnqueueAsync(Ev.Startup("n1", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 1);

        fixture.Time.Advance(TimeSpan.FromMinutes(41));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Stale) == 1);
        fixture.Time.Advance(TimeSpan.FromMinutes(40));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Dead) == 1);
        // Later sweeps find it dead still: not a new death.
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        await fixture.EnqueueAsync(Ev.Startup("n2", "0.29.4"));
        await ReadUntilAsync(subscription, b => b.Summary.Count(NodeState.Live) == 1 && b.Summary.Count(NodeState.Dead) == 1);

        Assert.Equal([Ev.Server], observer.Died);
    }

    [Fact]
    public void Counters_Rejection_ToldWithItsSubject()
    {
        var observer = new Recording();
        var counters = new ChoriaDashboard.Fleet.Store.IngestCounters(Microsoft.Extensions.Logging.Abstractions.NullLogger<ChoriaDashboard.Fleet.Store.IngestCounters>.Instance, TimeProvider.System, 5, TimeSpan.FromMinutes(1), observer);

        counters.Rejected(RejectionReason.NotJson, "choria.lifecycle.event.alive.server", "not JSON");

        Assert.Equal([(RejectionReason.NotJson, "choria.lifecycle.event.alive.server")], observer.Rejections);
    }

    private sealed class Recording : IFleetObserver
    {
        private readonly ConcurrentQueue<string> _applied = new();
        private readonly ConcurrentQueue<string> _died = new();
        private readonly ConcurrentQueue<(RejectionReason, string)> _rejections = new();

        public string[] Events => [.. _applied];

        public string[] Died => [.. _died];

        public (RejectionReason, string)[] Rejections => [.. _rejections];

        public void Applied(ChoriaEvent evt, long handling) => _applied.Enqueue($"{((LifecycleEvent)evt).Type.ToString().ToLowerInvariant()} {evt.Identity}");

        public void NodeDied(string component) => _died.Enqueue(component);

        public void Rejected(RejectionReason reason, string subject) => _rejections.Enqueue((reason, subject));
    }
}
