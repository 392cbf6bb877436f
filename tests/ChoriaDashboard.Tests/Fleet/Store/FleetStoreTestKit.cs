using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Store;
using ChoriaDashboard.Ingest;
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
        private StoreFixture(FleetOptions options)
        {
            Stats = new IngestCounters(NullLogger<IngestCounters>.Instance, Time, 5, TimeSpan.FromMinutes(1));
            Store = new FleetStore(Options.Create(options), Stats, Time, NullLogger<FleetStore>.Instance, new IngestOptions().QueueCapacity);
        }

        public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 3, 1, 9, 0, 0, TimeSpan.Zero));

        public IngestCounters Stats { get; }

        public FleetStore Store { get; }

        public static async Task<StoreFixture> StartAsync(Action<FleetOptions>? configure = null)
        {
            // No gathering delay by default: these tests are about what a batch holds, not when it is cut.
            var options = new FleetOptions { BatchDelay = TimeSpan.Zero };
            configure?.Invoke(options);
            var fixture = new StoreFixture(options);
            await fixture.Store.StartAsync(CancellationToken.None);
            return fixture;
        }

        public ValueTask EnqueueReplayedAsync(ChoriaEvent evt, DateTimeOffset storedAt)
        {
            var batch = new IngestBatch(1);
            batch.Add(evt, Subject, storedAt, replayed: true);
            return Store.EnqueueAsync(batch, CancellationToken.None);
        }

        public ValueTask EnqueueAsync(ChoriaEvent evt) =>
            Store.EnqueueAsync(evt, Subject, Time.GetUtcNow(), CancellationToken.None);

        public async ValueTask DisposeAsync()
        {
            await Store.StopAsync(CancellationToken.None);
            Store.Dispose();
        }
    }
}
