using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Ingest;
using ChoriaDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ChoriaDashboard.Tests.Fleet;

/// <summary>What the <see cref="FleetStore"/> tests share: a started store on a fake clock, and reading its stream until a condition holds.</summary>
internal static class FleetStoreTestKit
{
    public static readonly string Subject = ChoriaSubjects.Lifecycle(LifecycleEventType.Startup, ChoriaComponents.Server);

    public static async Task<FleetUpdate> ReadUntilAsync(BroadcastSubscription<FleetUpdate> subscription, Func<FleetUpdate, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                var batch = await subscription.ReadAsync(timeout.Token);
                if (condition(batch))
                {
                    return batch;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException("No update met the condition within 10 seconds.");
        }
    }

    internal sealed class StoreFixture : IAsyncDisposable
    {
        private StoreFixture(FleetOptions options, IFleetObserver? observer)
        {
            Clock = new SteppingTimeProvider(Time);
            Stats = new IngestCounters(NullLogger<IngestCounters>.Instance, Clock, 5, TimeSpan.FromMinutes(1), observer);
            Store = new FleetStore(Options.Create(options), Stats, Clock, NullLogger<FleetStore>.Instance, new IngestOptions().QueueCapacity, observer: observer);
        }

        /// <summary>The fake clock: advancing it moves the wall clock, the monotonic clock and the timers together.</summary>
        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

        /// <summary>What the store reads: <see cref="Time"/>, with a wall clock that can also be stepped on its own.</summary>
        public SteppingTimeProvider Clock { get; }

        public IngestCounters Stats { get; }

        public FleetStore Store { get; }

        /// <param name="observer">Told by the writer and the counters, as the metrics are; none when null.</param>
        public static async Task<StoreFixture> StartAsync(Action<FleetOptions>? configure = null, IFleetObserver? observer = null)
        {
            // No gathering delay by default: these tests are about what a batch holds, not when it is cut. No suspend
            // detection either: these tests move the fake clock in jumps the writer does not see in between, which is
            // exactly what a suspended VM looks like (FleetStoreClockTests turns it on).
            var options = new FleetOptions { BatchDelay = TimeSpan.Zero, SuspendGap = TimeSpan.Zero };
            configure?.Invoke(options);
            var fixture = new StoreFixture(options, observer);
            await fixture.Store.StartAsync(CancellationToken.None);
            return fixture;
        }

        public ValueTask EnqueueReplayedAsync(ChoriaEvent evt, DateTimeOffset storedAt)
        {
            var batch = new IngestBatch(1);
            batch.Add(evt, Subject, storedAt, replayed: true);
            return Store.EnqueueAsync(batch, CancellationToken.None);
        }

        /// <summary>Enqueues a live event as the ingest would: received now on the wall clock, with its monotonic timestamp.</summary>
        public ValueTask EnqueueAsync(ChoriaEvent evt)
        {
            var batch = new IngestBatch(1);
            batch.Add(evt, Subject, Clock.GetUtcNow(), timestamp: Clock.GetTimestamp());
            return Store.EnqueueAsync(batch, CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            await Store.StopAsync(CancellationToken.None);
            Store.Dispose();
        }
    }
}
