using System.Collections.Concurrent;
using ChoriaDashboard.Fleet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ChoriaDashboard.Tests.Cluster;

/// <summary>
/// A reader of the app's fleet stream with its events (as the live tail reads it), registered ahead of every other hosted
/// service: counts every event the writer accepted by the event's id, so a test whose events each carry an id of their
/// own can tell an event applied twice, or one never published, from one applied once.
/// </summary>
/// <remarks>
/// It sees every accepted event only while it keeps up: a reader that falls behind gets a fresh snapshot instead of the
/// events in between (<see cref="Lags"/>), and then its counts prove nothing; a test must check <see cref="Lags"/> is 0.
/// </remarks>
public sealed class AcceptedEventRecorder : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<string, int> _byId = new(StringComparer.Ordinal);
    private IFleetView? _fleet;
    private BroadcastSubscription<FleetUpdate>? _subscription;
    private Task? _loop;
    private long _accepted;

    /// <summary>Events accepted so far (every event counted, including ones accepted more than once).</summary>
    public long Accepted => Interlocked.Read(ref _accepted);

    /// <summary>Times this reader fell behind and missed events (it was handed a snapshot instead); 0 for counts to hold.</summary>
    public long Lags => _subscription?.Lags ?? 0;

    /// <summary>Each accepted event's id with how many times it was accepted.</summary>
    public IReadOnlyDictionary<string, int> ById => _byId;

    /// <summary>Registers a recorder as the app's first hosted service; returns it.</summary>
    public static AcceptedEventRecorder AddTo(IServiceCollection services)
    {
        var recorder = new AcceptedEventRecorder();
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService>(sp => recorder.Attach(sp.GetRequiredService<IFleetView>())));
        return recorder;
    }

    /// <remarks>
    /// The read ends when its subscription is disposed (the channel completes, which wakes a waiting read whatever else
    /// happens), never on a token: the container may dispose the recorder while the host is still stopping it, and a token
    /// source disposed while its cancellation was being delivered drops its callbacks unrun, so the read waited for ever
    /// (seen twice: a dump showed the source cancelled and disposed, and the read still waiting on it).
    /// </remarks>
    public void Dispose() => _subscription?.Dispose();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = _fleet!.Subscribe(withEvents: true);
        _loop = ReadAsync(_subscription);
        return Task.CompletedTask;
    }

    // The host may stop its services more than once as the factory is disposed: stopping again changes nothing.
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        await (_loop ?? Task.CompletedTask);
    }

    private AcceptedEventRecorder Attach(IFleetView fleet)
    {
        _fleet = fleet;
        return this;
    }

    private async Task ReadAsync(BroadcastSubscription<FleetUpdate> subscription)
    {
        using (subscription)
        {
            await foreach (var update in subscription.ReadAllAsync())
            {
                // A snapshot's events are the newest ones already counted (or, after a lag, a part of those missed).
                if (update.IsSnapshot)
                {
                    continue;
                }

                foreach (var accepted in update.Events)
                {
                    _byId.AddOrUpdate(accepted.Event.Id, 1, (_, n) => n + 1);
                    Interlocked.Increment(ref _accepted);
                }
            }
        }
    }
}
