using ChoriaDashboard.Fleet;
using ChoriaDashboard.Fleet.Store;
using Xunit;

namespace ChoriaDashboard.Tests.Fleet;

public sealed class IngestBatchTests
{
    [Fact]
    public void Add_UpToMaxCount_KeepsEveryEventInOrderThenRefuses()
    {
        var batch = new IngestBatch();
        var received = DateTimeOffset.UnixEpoch;

        for (var i = 0; i < IngestBatch.MaxCount; i++)
        {
            Assert.True(batch.Add(Ev.Alive($"n{i}", "0.29.4"), "choria.lifecycle.event.alive.server", received.AddSeconds(i)));
        }

        Assert.True(batch.IsFull);
        Assert.False(batch.Add(Ev.Alive("one-too-many", "0.29.4"), "choria.lifecycle.event.alive.server", received));
        Assert.Equal(IngestBatch.MaxCount, batch.Count);
        var items = batch.Items.ToArray();
        Assert.Equal(Enumerable.Range(0, IngestBatch.MaxCount).Select(i => $"n{i}"), items.Select(item => item.Event.Identity));
        Assert.Equal(received.AddSeconds(IngestBatch.MaxCount - 1), items[^1].ReceivedAt);
    }

    [Fact]
    public async Task FullBatch_ThroughTheStore_EveryEventAccepted()
    {
        var counters = new IngestCounters(Microsoft.Extensions.Logging.Abstractions.NullLogger<IngestCounters>.Instance, TimeProvider.System, 0, TimeSpan.FromMinutes(1));
        using var store = new FleetStore(
            Microsoft.Extensions.Options.Options.Create(new FleetOptions { BatchDelay = TimeSpan.Zero }),
            counters,
            TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<FleetStore>.Instance,
            new ChoriaDashboard.Ingest.IngestOptions().QueueCapacity);
        await store.StartAsync(CancellationToken.None);
        var batch = new IngestBatch(IngestBatch.MaxCount);
        for (var i = 0; i < IngestBatch.MaxCount; i++)
        {
            batch.Add(Ev.Startup($"n{i}.example.net", "0.29.4"), "choria.lifecycle.event.startup.server", DateTimeOffset.UtcNow);
        }

        await store.EnqueueAsync(batch, CancellationToken.None);

        await Infrastructure.Eventually.TrueAsync(() => Task.FromResult(counters.Accepted == IngestBatch.MaxCount), TimeSpan.FromSeconds(10), "the whole batch to be accepted");
        Assert.Equal(IngestBatch.MaxCount, store.Summary.TotalNodes);
        await store.StopAsync(CancellationToken.None);
    }
}
