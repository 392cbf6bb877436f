using ChoriaDashboard.Events;
using ChoriaDashboard.Fleet.Status;
using ChoriaDashboard.Fleet.Store;
using Microsoft.Extensions.DependencyInjection;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// Stands between the ingest and the fleet store and holds the replay still once <see cref="After"/> events have been
/// handed over, until the test <see cref="Release"/>s it: the read is then certainly in the middle (its consumer
/// alive, messages left to pull), however fast the machine, so a fault injected while <see cref="Holding"/> lands
/// mid-read. Only the hand-over waits; the replay's own watchdog rests while the caller applies what came. For a test
/// with no live traffic during the replay (it counts every event handed over).
/// </summary>
public sealed class ReplayGate(FleetStore store, long after) : IFleetWriter
{
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _handed;

    /// <summary>Events handed over before the gate holds.</summary>
    public long After => after;

    /// <summary>Completes once the gate holds the replay.</summary>
    public Task Holding => _holding.Task;

    /// <summary>Replaces the app's <see cref="IFleetWriter"/> with a gate after <paramref name="after"/> events; returns a handle the test reads once the app has started.</summary>
    public static Func<ReplayGate> AddTo(IServiceCollection services, long after)
    {
        ReplayGate? gate = null;
        services.AddSingleton<IFleetWriter>(sp => gate = new ReplayGate(sp.GetRequiredService<FleetStore>(), after));
        return () => gate ?? throw new InvalidOperationException("the app has not resolved its fleet writer yet");
    }

    /// <summary>Lets the replay go on.</summary>
    public void Release() => _released.TrySetResult();

    public async ValueTask EnqueueAsync(IngestBatch batch, CancellationToken cancellationToken)
    {
        if (Interlocked.Add(ref _handed, batch.Count) >= after && !_released.Task.IsCompleted)
        {
            _holding.TrySetResult();
            await _released.Task.WaitAsync(cancellationToken);
        }

        await store.EnqueueAsync(batch, cancellationToken);
    }

    public ValueTask EnqueueAsync(ChoriaEvent evt, string subject, DateTimeOffset receivedAt, CancellationToken cancellationToken) =>
        store.EnqueueAsync(evt, subject, receivedAt, cancellationToken);

    public void ReportBroker(BrokerStatus status) => store.ReportBroker(status);

    public void ReportReplay(ReplayStatus status) => ((IFleetWriter)store).ReportReplay(status);
}
