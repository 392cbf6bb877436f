using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Status;

namespace ChoriaDashboard.Fleet.Store;

/// <summary>The write side: the ingest hands decoded events to the single writer through a bounded queue.</summary>
public interface IFleetWriter
{
    /// <summary>Queues a batch (the NATS loops' way: one queue operation for many events); waits while the queue is full.</summary>
    ValueTask EnqueueAsync(IngestBatch batch, CancellationToken cancellationToken);

    /// <summary>Queues one event.</summary>
    ValueTask EnqueueAsync(ChoriaEvent evt, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken);

    /// <summary>Records the broker connection's new state, for readers and for the liveness rules.</summary>
    void ReportBroker(BrokerStatus status);

    /// <summary>Records where the replay of Choria Streams stands: while it runs, node states are frozen.</summary>
    void ReportReplay(ReplayStatus status)
    {
    }
}
